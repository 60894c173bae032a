// docker events: history with --since/--until and filters, and a live stream.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { DOCKER, rawRequest, sleep, startEngine, type Engine } from './harness.js';

let e: Engine;
before(async () => {
  e = await startEngine();
});
after(async () => {
  await e?.stop();
});

/** Unix time with nanoseconds, as `--since`/`--until` accept it. */
const now = (): string => (Date.now() / 1000).toFixed(3);

async function events(since: string, until: string, ...args: string[]): Promise<string[]> {
  const r = await e.docker(['events', '--since', since, '--until', until, ...args]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.split('\n').filter(Boolean);
}

test('a container run leaves create, attach, start, die, destroy in order', async () => {
  const name = e.name('ev');
  const since = now();
  assert.equal((await e.docker(['run', '--rm', '--name', name, '--label', `${e.prefix}=ev`, 'busybox', 'sh', '-c', 'exit 2'])).code, 2);
  await sleep(200);
  const until = now();
  const lines = await events(since, until, '--filter', `container=${name}`, '--format', '{{.Type}} {{.Action}} {{.Actor.Attributes.name}}');
  assert.deepEqual(lines, ['create', 'attach', 'start', 'die', 'destroy'].map((a) => `container ${a} ${name}`));
  const die = await events(since, until, '--filter', `container=${name}`, '--filter', 'event=die', '--format', '{{.Actor.Attributes.exitCode}} {{.Actor.Attributes.image}}');
  assert.deepEqual(die, ['2 busybox']);
  const byLabel = await events(since, until, '--filter', `label=${e.prefix}=ev`, '--format', '{{.Action}}');
  assert.deepEqual(byLabel, ['create', 'attach', 'start', 'die', 'destroy']);
});

test('the default format has a timestamp, type, action, id and attributes', async () => {
  const name = e.name('evfmt');
  const since = now();
  const r = await e.docker(['create', '--name', name, '--label', 'k=v', 'busybox', 'true']);
  const id = r.stdout.trim();
  await sleep(200);
  const lines = await events(since, now(), '--filter', `container=${name}`);
  assert.equal(lines.length, 1);
  assert.match(lines[0] ?? '', new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z container create ${id} \\(image=busybox, k=v, name=${name}\\)$`));
  const json = JSON.parse((await events(since, now(), '--filter', `container=${name}`, '--format', '{{json .}}'))[0] ?? '{}') as {
    Type: string;
    Action: string;
    Actor: { ID: string };
    timeNano: number;
  };
  assert.equal(json.Type, 'container');
  assert.equal(json.Action, 'create');
  assert.equal(json.Actor.ID, id);
  assert.ok(Math.abs(json.timeNano / 1e6 - Date.now()) < 60_000);
});

test('--until before an event excludes it; --since after it too', async () => {
  const a = e.name('early');
  const b = e.name('late');
  const t0 = now();
  assert.equal((await e.docker(['create', '--name', a, 'busybox', 'true'])).code, 0);
  await sleep(1100);
  const t1 = now();
  assert.equal((await e.docker(['create', '--name', b, 'busybox', 'true'])).code, 0);
  await sleep(200);
  const t2 = now();
  const fmt = ['--filter', 'event=create', '--filter', `container=${a}`, '--filter', `container=${b}`, '--format', '{{.Actor.Attributes.name}}'];
  assert.deepEqual(await events(t0, t1, ...fmt), [a]);
  assert.deepEqual(await events(t1, t2, ...fmt), [b]);
  assert.deepEqual(await events(t0, t2, ...fmt), [a, b]);
});

test('image tag shows as an image event', async () => {
  const ref = `${e.prefix}-evimg:1`;
  const since = now();
  assert.equal((await e.docker(['tag', 'busybox', ref])).code, 0);
  assert.equal((await e.docker(['rmi', ref])).code, 0);
  await sleep(200);
  const lines = await events(since, now(), '--filter', 'type=image', '--format', '{{.Action}} {{.Actor.Attributes.name}}');
  assert.ok(lines.includes(`tag ${ref}`), lines.join('\n'));
  // 20.10 names the untagged image by its ID in `untag` events; later engines name the reference.
  assert.ok(lines.some((l) => l.startsWith('untag ')), lines.join('\n'));
});

test('events without --until streams live events', async () => {
  const name = e.name('live');
  const child = spawn(DOCKER, ['events', '--filter', `container=${name}`, '--format', '{{.Action}}'], {
    env: { ...process.env, ...e.env },
  });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  try {
    await sleep(500);
    assert.equal((await e.docker(['run', '--name', name, 'busybox', 'true'])).code, 0);
    const deadline = Date.now() + 10_000;
    while (!out.includes('die\n') && Date.now() < deadline) await sleep(100);
    assert.deepEqual(out.split('\n').filter(Boolean), ['create', 'attach', 'start', 'die']);
  } finally {
    child.kill();
  }
});

test('timeNano is exact and strictly increasing, and time is its second', async () => {
  const since = now();
  const name = e.name('evns');
  assert.equal((await e.docker(['run', '--name', name, 'busybox', 'true'])).code, 0);
  const r = await rawRequest(e.socketPath, 'GET', `/events?since=${since}&until=${now()}&filters=${encodeURIComponent(JSON.stringify({ container: [name] }))}`);
  const lines = r.body.trim().split('\n');
  assert.ok(lines.length >= 4, r.body);
  let previous = 0n;
  let nonMillisecond = 0;
  for (const line of lines) {
    // Read from the raw text: a JS number cannot hold nanoseconds since the epoch exactly.
    const ns = BigInt(/"timeNano":(\d+)/.exec(line)![1]);
    assert.equal(BigInt(JSON.parse(line).time), ns / 1_000_000_000n, line);
    assert.ok(ns > previous, `${ns} after ${previous}`);
    if (ns % 1_000_000n !== 0n && ns % 256n !== 0n) nonMillisecond++;
    previous = ns;
  }
  assert.ok(nonMillisecond > 0, 'timestamps carry nanoseconds, not a float rounded to 256 ns');
});
