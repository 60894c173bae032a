// `cp` between a container and the local filesystem, with docker's rules: copying into an
// existing directory keeps the source name, otherwise the copy takes the destination name.
import { createReadStream, createWriteStream, existsSync, lstatSync, mkdirSync, readdirSync, readlinkSync, statSync, symlinkSync, chmodSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import type { Command } from '../command.js';
import type { Cli } from '../context.js';
import { StatusError } from '../context.js';
import { ApiError } from '../../client/errors.js';
import { pipeAll } from './shared.js';

interface Target {
  container?: string;
  path: string;
}

function splitTarget(arg: string): Target {
  if (arg.startsWith('/') || arg.startsWith('.') || arg === '-') return { path: arg };
  const i = arg.indexOf(':');
  if (i <= 0) return { path: arg };
  return { container: arg.slice(0, i), path: arg.slice(i + 1) };
}

/** Keeps extraction inside `root` (entries come from the container and are not trusted). */
function inside(root: string, name: string): string {
  const p = resolve(root, name);
  if (p !== root && !p.startsWith(root + sep)) throw new StatusError(1, `invalid archive entry: ${name}`);
  return p;
}

async function extract(archive: Readable, destDir: string, rename?: { from: string; to: string }): Promise<void> {
  const tar = await import('tar-stream');
  const ex = tar.extract();
  ex.on('entry', (header, stream, next) => {
    let name = header.name.replace(/^\.\//, '');
    if (rename && (name === rename.from || name.startsWith(`${rename.from}/`))) name = rename.to + name.slice(rename.from.length);
    const target = inside(destDir, name);
    const done = (err?: unknown) => (err ? ex.destroy(err as Error) : next());
    try {
      if (header.type === 'directory') {
        mkdirSync(target, { recursive: true });
        if (header.mode) chmodSync(target, header.mode);
        stream.resume();
        stream.on('end', () => done());
      } else if (header.type === 'symlink') {
        mkdirSync(dirname(target), { recursive: true });
        symlinkSync(header.linkname ?? '', target);
        stream.resume();
        stream.on('end', () => done());
      } else if (header.type === 'file' || header.type === 'contiguous-file') {
        mkdirSync(dirname(target), { recursive: true });
        const out = createWriteStream(target, { mode: header.mode });
        pipeAll(stream as unknown as NodeJS.ReadableStream, out).then(() => done(), done);
      } else {
        stream.resume();
        stream.on('end', () => done());
      }
    } catch (e) {
      done(e);
    }
  });
  await pipeAll(archive, ex);
}

/** Packs a local path into a tar stream whose root entry is called `rootName`. */
async function pack(src: string, rootName: string): Promise<Readable> {
  const tar = await import('tar-stream');
  const p = tar.pack();
  const add = (abs: string, name: string): Promise<void> =>
    new Promise((res, rej) => {
      const st = lstatSync(abs);
      const base = { name, mode: st.mode & 0o7777, mtime: st.mtime, uid: st.uid, gid: st.gid };
      if (st.isDirectory()) {
        p.entry({ ...base, type: 'directory' }, (err) => {
          if (err) return rej(err);
          const kids = readdirSync(abs);
          kids.reduce((acc, k) => acc.then(() => add(join(abs, k), `${name}/${k}`)), Promise.resolve()).then(res, rej);
        });
      } else if (st.isSymbolicLink()) {
        p.entry({ ...base, type: 'symlink', linkname: readlinkSync(abs) }, (err) => (err ? rej(err) : res()));
      } else {
        const entry = p.entry({ ...base, type: 'file', size: st.size }, (err) => (err ? rej(err) : res()));
        createReadStream(abs).pipe(entry);
      }
    });
  add(src, rootName).then(
    () => p.finalize(),
    (e) => p.destroy(e as Error),
  );
  const out = new PassThrough();
  p.pipe(out);
  return out;
}

async function fromContainer(cli: Cli, src: Target, dest: string): Promise<void> {
  const res = await cli.engine.request('GET', `/containers/${encodeURIComponent(src.container!)}/archive`, { query: { path: src.path } });
  if (dest === '-') {
    await pipeAll(res, process.stdout);
    return;
  }
  const statHeader = res.headers['x-docker-container-path-stat'];
  const stat = typeof statHeader === 'string' ? (JSON.parse(Buffer.from(statHeader, 'base64').toString()) as { name: string }) : { name: basename(src.path) };
  const destPath = resolve(dest);
  if (existsSync(destPath) && statSync(destPath).isDirectory()) {
    await extract(res, destPath);
    return;
  }
  if (dest.endsWith('/')) throw new StatusError(1, `destination directory "${dest}" must exist`);
  if (!existsSync(dirname(destPath))) throw new StatusError(1, `destination directory ${dirname(destPath)} must exist`);
  await extract(res, dirname(destPath), { from: stat.name, to: basename(destPath) });
}

async function toContainer(cli: Cli, src: string, dest: Target): Promise<void> {
  const id = encodeURIComponent(dest.container!);
  let destDir = dest.path;
  let rootName = basename(resolve(src));
  try {
    const head = await cli.engine.request('HEAD', `/containers/${id}/archive`, { query: { path: dest.path } });
    head.resume();
    const statHeader = head.headers['x-docker-container-path-stat'];
    const st = typeof statHeader === 'string' ? (JSON.parse(Buffer.from(statHeader, 'base64').toString()) as { mode: number }) : undefined;
    const isDir = st ? (st.mode & 0x80000000) !== 0 : false;
    if (!isDir) {
      destDir = dirname(dest.path);
      rootName = basename(dest.path);
    }
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 404) throw e;
    destDir = dirname(dest.path);
    rootName = basename(dest.path);
  }
  let body: Readable;
  if (src === '-') body = process.stdin.pipe(new PassThrough());
  else {
    if (!existsSync(src)) throw new StatusError(1, `lstat ${resolve(src)}: no such file or directory`);
    body = await pack(resolve(src), rootName);
  }
  await cli.engine.call('PUT', `/containers/${id}/archive`, { query: { path: destDir }, stream: body });
}

export const cp: Command = {
  name: 'cp',
  usage: '[OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n\tberth cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH',
  short: 'Copy files/folders between a container and the local filesystem',
  long: "Copy files/folders between a container and the local filesystem\n\nUse '-' as the source to read a tar archive from stdin\nand extract it to a directory destination in a container.\nUse '-' as the destination to stream a tar archive of a\ncontainer source to stdout.",
  aliasPaths: ['container cp', 'cp'],
  args: { min: 2, max: 2 },
  flags: [
    { name: 'archive', short: 'a', kind: 'bool', usage: 'Archive mode (copy all uid/gid information)' },
    { name: 'follow-link', short: 'L', kind: 'bool', usage: 'Always follow symbol link in SRC_PATH' },
    { name: 'quiet', short: 'q', kind: 'bool', usage: 'Suppress progress output during copy. Progress output is automatically suppressed if no terminal is attached' },
  ],
  async run(cli, _flags, [a, b]) {
    const src = splitTarget(a);
    const dest = splitTarget(b);
    if (src.container && dest.container) throw new StatusError(1, 'copying between containers is not supported');
    if (!src.container && !dest.container) throw new StatusError(1, 'must specify at least one container source');
    if (src.container) await fromContainer(cli, src, dest.path);
    else await toContainer(cli, src.path, dest);
  },
};
