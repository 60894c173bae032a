// Shell completion: the generated bash script is sourced in a real bash with COMP_WORDS set and
// must offer commands, subcommands, flags (from the registry) and names from a live engine;
// the zsh and fish scripts must pass their shells' syntax checks, and fish completes for real.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BERTH, run, setup } from './cli-harness.js';

let host = '';
let dir = '';
const container = `berthcomp-${process.pid}`;
const env = (dockerHost = host) => ({ ...process.env, DOCKER_HOST: dockerHost, PATH: `${dirname(BERTH)}:${process.env.PATH}` });

function hasShell(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
}

async function script(shell: string): Promise<string> {
  const r = await run(BERTH, ['completion', shell], { host });
  assert.equal(r.code, 0, r.stderr);
  const file = join(dir, `berth.${shell}`);
  writeFileSync(file, r.stdout);
  return file;
}

/** COMPREPLY after completing the last of `words` (the command line typed so far). */
function bashComplete(file: string, words: string[], dockerHost?: string): string[] {
  const code = `source "${file}"; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _berth_complete; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const out = execFileSync('bash', ['-c', code, 'bash', 'berth', ...words], { env: env(dockerHost), encoding: 'utf8' });
  return out.split('\n').filter(Boolean);
}

describe('berth completion', () => {
  before(async () => {
    host = setup();
    dir = mkdtempSync(join(tmpdir(), 'berth-completion-'));
    const r = await run('docker', ['create', '--name', container, 'busybox', 'true'], { host });
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    await run('docker', ['rm', '-f', container], { host });
    rmSync(dir, { recursive: true, force: true });
  });

  it('bash: commands', async () => {
    const got = bashComplete(await script('bash'), ['ru']);
    assert.deepEqual(got, ['run']);
  });

  it('bash: flags of a command', async () => {
    const got = bashComplete(await script('bash'), ['run', '--rm', '--ne']);
    assert.deepEqual(got, ['--network', '--network-alias']);
  });

  it('bash: container names from the engine', async () => {
    const got = bashComplete(await script('bash'), ['rm', '']);
    assert.ok(got.includes(container), got.join(' '));
    assert.deepEqual(bashComplete(await script('bash'), ['rm', container.slice(0, -2)]), [container]);
  });

  it('bash: names come from the engine the typed -H names', async () => {
    const file = await script('bash');
    assert.deepEqual(bashComplete(file, ['rm', container], 'unix:///nonexistent.sock'), []);
    assert.deepEqual(bashComplete(file, ['-H', host, 'rm', container], 'unix:///nonexistent.sock'), [container]);
  });

  it('bash: subcommands of a group', async () => {
    const got = bashComplete(await script('bash'), ['network', '']);
    assert.deepEqual(got, ['connect', 'create', 'disconnect', 'inspect', 'ls', 'prune', 'rm']);
  });

  it('bash: network names as a flag value, image names for run', async () => {
    const file = await script('bash');
    assert.ok(bashComplete(file, ['run', '--network', '']).includes('bridge'));
    assert.ok(bashComplete(file, ['run', '-d', 'busy']).includes('busybox:latest'));
  });

  it('zsh: the script passes zsh -n and offers candidates', { skip: !hasShell('zsh') && 'zsh not installed' }, async () => {
    const file = await script('zsh');
    const r = spawnSync('zsh', ['-n', file], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    // compsys stand-ins that print what the completion function hands them
    const stubs = `compdef() { :; }; _describe() { shift 3; print -l -- "\${(@P)1}"; }; _files() { print FILES; }`;
    const complete = (words: string[]) =>
      execFileSync('zsh', ['-c', `${stubs}; source ${file}; words=("$@"); CURRENT=$#; _berth`, 'zsh', 'berth', ...words], { env: env(), encoding: 'utf8' });
    assert.equal(complete(['run', '--rm', '--ne']), '--network:Connect a container to a network\n--network-alias:Add network-scoped alias for the container\n');
    assert.equal(complete(['cp', '/tm']), 'FILES\n');
  });

  it('fish: the script passes fish -n and completes', { skip: !hasShell('fish') && 'fish not installed' }, async () => {
    const file = await script('fish');
    assert.equal(spawnSync('fish', ['-n', file]).status, 0);
    const out = execFileSync('fish', ['-c', `source ${file}; complete -C "berth run --rm --ne"`], { env: env(), encoding: 'utf8' });
    assert.deepEqual(out.trim().split('\n').map((l) => l.split('\t')[0]), ['--network', '--network-alias']);
  });
});
