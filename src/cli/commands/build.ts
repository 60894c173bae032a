// `build`: the classic-builder client of docker CLI 28 without buildx — sends the context tar
// to POST /build and renders the JSON message stream; with -q the output is kept back and shown
// on stderr only if the build fails.
import { existsSync, lstatSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { ConnectError } from '../../client/errors.js';
import type { Command } from '../command.js';
import { StatusError, type Cli } from '../context.js';
import { humanSize } from '../format/units.js';
import { displayProgress, StreamError } from '../progress.js';
import { contextTar, dockerfileTar, isArchive } from '../build-context.js';
import { readAll } from './shared.js';

const DEPRECATION =
  'DEPRECATED: The legacy builder is deprecated and will be removed in a future release.\n' +
  '            Install the buildx component to build images with BuildKit:\n' +
  '            https://docs.docker.com/go/buildx/\n\n';

/** KEY=VALUE pairs; a bare KEY takes its value from the environment (null when unset). */
function buildArgs(list: string[]): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const a of list) {
    const i = a.indexOf('=');
    if (i >= 0) out[a.slice(0, i)] = a.slice(i + 1);
    else out[a] = process.env[a] ?? null;
  }
  return out;
}

function labels(list: string[]): Record<string, string> {
  return Object.fromEntries(list.map((l) => (l.includes('=') ? [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] : [l, ''])));
}

/** The X-Registry-Config header: every stored credential, base64 JSON. */
function registryConfig(cli: Cli): string {
  const auths: Record<string, { username: string; password: string; serveraddress: string } | { identitytoken: string; serveraddress: string }> = {};
  for (const [host, entry] of Object.entries(cli.config.auths ?? {})) {
    if (entry.auth) {
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      auths[host] = { username: decoded.slice(0, i), password: decoded.slice(i + 1), serveraddress: host };
    } else if (entry.identitytoken) auths[host] = { identitytoken: entry.identitytoken, serveraddress: host };
  }
  return Buffer.from(JSON.stringify(auths)).toString('base64');
}

/** The context stream and the Dockerfile's name inside it. */
async function prepareContext(path: string, file: string): Promise<{ tar: Readable; dockerfile: string }> {
  if (path === '-') {
    const data = await readAll(process.stdin);
    if (isArchive(data)) return { tar: Readable.from([data]), dockerfile: file || 'Dockerfile' };
    return { tar: await dockerfileTar(data), dockerfile: 'Dockerfile' };
  }
  const dir = resolve(path);
  if (!existsSync(dir)) throw new StatusError(1, `unable to prepare context: path "${path}" not found`);
  if (!lstatSync(dir).isDirectory()) throw new StatusError(1, `unable to prepare context: context must be a directory: ${dir}`);
  const abs = file ? resolve(file) : resolve(dir, 'Dockerfile');
  if (!existsSync(abs)) throw new StatusError(1, `unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat ${abs}: no such file or directory`);
  const rel = relative(dir, abs);
  if (rel.startsWith('..') || isAbsolute(rel)) {
    const name = `.dockerfile.${Buffer.from(crypto.getRandomValues(new Uint8Array(10))).toString('hex')}`;
    return { tar: await contextTar(dir, name, readFileSync(abs)), dockerfile: name };
  }
  const dockerfile = rel.split('\\').join('/');
  return { tar: await contextTar(dir, dockerfile), dockerfile };
}

/** A sink for output held back by -q. */
class Buffered extends Writable {
  text = '';
  isTTY = false;
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

export const build: Command = {
  name: 'build',
  usage: '[OPTIONS] PATH | URL | -',
  short: 'Build an image from a Dockerfile',
  aliasPaths: ['image build', 'build', 'builder build'],
  args: { min: 1, max: 1 },
  flags: [
    { name: 'build-arg', kind: 'list', usage: 'Set build-time variables' },
    { name: 'file', short: 'f', kind: 'string', usage: 'Name of the Dockerfile (Default is "PATH/Dockerfile")' },
    { name: 'force-rm', kind: 'bool', usage: 'Always remove intermediate containers' },
    { name: 'iidfile', kind: 'string', usage: 'Write the image ID to the file' },
    { name: 'label', kind: 'list', usage: 'Set metadata for an image' },
    { name: 'network', kind: 'string', usage: 'Set the networking mode for the RUN instructions during build', default: 'default' },
    { name: 'no-cache', kind: 'bool', usage: 'Do not use cache when building the image' },
    { name: 'platform', kind: 'string', usage: 'Set platform if server is multi-platform capable' },
    { name: 'progress', kind: 'string', usage: 'Set type of progress output', hidden: true },
    { name: 'pull', kind: 'bool', usage: 'Always attempt to pull a newer version of the image' },
    { name: 'quiet', short: 'q', kind: 'bool', usage: 'Suppress the build output and print image ID on success' },
    { name: 'rm', kind: 'bool', usage: 'Remove intermediate containers after a successful build', default: true },
    { name: 'tag', short: 't', kind: 'list', usage: 'Name and optionally a tag in the "name:tag" format' },
    { name: 'target', kind: 'string', usage: 'Set the target build stage to build.' },
  ],
  async run(cli, flags, [path]) {
    cli.err(DEPRECATION);
    const quiet = flags.bool('quiet');
    const iidfile = flags.string('iidfile');
    if (iidfile) rmSync(iidfile, { force: true });
    const { tar, dockerfile } = await prepareContext(path, flags.string('file'));
    // docker's progBuff (context upload) and buildBuff (daemon output), both held back by -q.
    const progress = new Buffered();
    const held = new Buffered();
    const out = quiet ? (held as unknown as NodeJS.WriteStream) : process.stdout;
    const progressOut = quiet ? progress : process.stdout;
    let sent = 0;
    let done = false;
    const counted = new PassThrough();
    tar.on('data', (c: Buffer) => (sent += c.length));
    const uploaded = new Promise<void>((ok) => tar.on('end', ok));
    tar.pipe(counted);
    const reportSent = async () => {
      if (done) return;
      done = true;
      counted.resume();
      await uploaded;
      // docker's progress line: an in-place update (\r) then the final newline, tty or not.
      progressOut.write(`Sending build context to Docker daemon  ${humanSize(sent)}\r\r\n`);
    };
    const send = (stream?: Readable) =>
      cli.engine.request('POST', '/build', {
        query: {
          t: flags.list('tag'),
          dockerfile,
          buildargs: JSON.stringify(buildArgs(flags.list('build-arg'))),
          labels: JSON.stringify(labels(flags.list('label'))),
          target: flags.string('target') || undefined,
          nocache: flags.bool('no-cache') ? 1 : undefined,
          pull: flags.bool('pull') ? 1 : undefined,
          q: quiet ? 1 : undefined,
          rm: flags.bool('rm') ? 1 : 0,
          forcerm: flags.bool('force-rm') ? 1 : undefined,
          networkmode: flags.string('network'),
          platform: flags.string('platform') || undefined,
        },
        stream,
        contentType: 'application/x-tar',
        headers: { 'X-Registry-Config': registryConfig(cli) },
      });
    let imageId = '';
    try {
      let res;
      try {
        res = await send(counted);
      } catch (e) {
        // A daemon refusing the request may answer and close before reading the context, and the
        // upload then fails (EPIPE) before its answer is read: ask again without a context for it.
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'EPIPE' && code !== 'ECONNRESET') throw e;
        await send();
        throw e;
      }
      await reportSent();
      await displayProgress(res, out, (aux) => {
        if (typeof aux.ID === 'string') imageId = aux.ID;
      });
    } catch (e) {
      if (!(e instanceof ConnectError)) await reportSent();
      if (quiet) cli.err(progress.text + held.text);
      if (e instanceof StreamError && e.detailCode) throw new StatusError(e.detailCode, e.message);
      throw e;
    }
    // With -q the daemon's only output is the image id.
    if (quiet) cli.out(held.text);
    if (iidfile) {
      const id = imageId || held.text.trim();
      if (!id) throw new StatusError(1, `Server did not provide an image ID. Cannot write ${iidfile}`);
      writeFileSync(iidfile, id);
    }
  },
};

export const commands: Command[] = [build];
