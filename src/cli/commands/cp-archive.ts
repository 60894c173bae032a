// The local side of `cp`: packing a local path into a tar stream, and unpacking a container's
// archive into a local directory. The archive comes from the engine and is not trusted: every
// entry, and every directory it is written through, must stay inside the destination.
import { chmodSync, createWriteStream, linkSync, lstatSync, mkdirSync, realpathSync, symlinkSync, unlinkSync, type Stats } from 'node:fs';
import type { ChildProcessByStdio } from 'node:child_process';
import { basename, dirname, relative, resolve, isAbsolute } from 'node:path';
import type { Readable } from 'node:stream';
import { StatusError } from '../context.js';
import { pipeAll } from './shared.js';
import { PaxXattrReader, setXattrs, type Xattrs } from '../../common/pax-xattrs.js';
import { TAR_CREATE_FLAGS, tarOutput } from '../../common/tar-output.js';

/** Renames archive entries as docker's archive.RebaseArchiveEntries (first occurrence of `from`). */
export interface Rebase {
  from: string;
  to: string;
}

function rebased(name: string, rebase?: Rebase): string {
  if (!rebase) return name;
  const n = rebase.from === '/' ? `/${name}` : name;
  const i = n.indexOf(rebase.from);
  return i < 0 ? n : n.slice(0, i) + rebase.to + n.slice(i + rebase.from.length);
}

function within(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function lstatOrUndefined(p: string): Stats | undefined {
  try {
    return lstatSync(p);
  } catch {
    return undefined;
  }
}

/** `root/name` after checking that it, and the real directory it lands in, stay inside root. */
function placeEntry(root: string, name: string): string {
  const target = resolve(root, name);
  const breakout = new StatusError(1, `invalid archive entry: ${name}`);
  if (!within(root, target)) throw breakout;
  if (target === root) return target;
  let existing = dirname(target);
  while (!lstatOrUndefined(existing)) existing = dirname(existing);
  if (!within(root, realpathSync(existing))) throw breakout;
  mkdirSync(dirname(target), { recursive: true });
  return target;
}

/**
 * Unpacks `archive` into the existing directory `destDir`, renaming entries by `rebase`; the
 * entries' extended attributes (file capabilities, user.*) are set once all are written.
 */
export async function extract(archive: Readable, destDir: string, rebase?: Rebase): Promise<void> {
  const tar = await import('tar-stream');
  const root = realpathSync(destDir);
  const ex = tar.extract();
  const pax = new PaxXattrReader();
  archive.on('data', (chunk: Buffer) => {
    try { pax.push(chunk); } catch (e) { archive.destroy(e as Error); }
  });
  const attrs: [string, Xattrs][] = [];
  let index = 0;
  ex.on('entry', (header, stream, next) => {
    const x = pax.byEntry.get(index++);
    // a failed entry ends the whole extraction: the error is reported once, by the extractor
    stream.on('error', () => undefined);
    const done = (err?: unknown): void => (err ? ex.destroy(err as Error) : next());
    const skip = (): void => {
      stream.on('end', () => done());
      stream.resume();
    };
    try {
      const name = rebased(header.name, rebase);
      const target = placeEntry(root, name);
      const existing = lstatOrUndefined(target);
      if (header.type === 'directory') {
        if (existing && !existing.isDirectory()) throw new StatusError(1, `cannot overwrite non-directory ${JSON.stringify(target)} with directory ${JSON.stringify(resolve(destDir))}`);
        if (!existing) mkdirSync(target);
        if (header.mode) chmodSync(target, header.mode);
        if (x) attrs.push([target, x]);
        skip();
        return;
      }
      if (!['file', 'contiguous-file', 'symlink', 'link'].includes(header.type ?? '')) {
        skip();
        return;
      }
      if (existing?.isDirectory()) throw new StatusError(1, `cannot overwrite directory ${JSON.stringify(target)} with non-directory ${JSON.stringify(resolve(destDir))}`);
      if (existing) unlinkSync(target);
      if (header.type !== 'link' && x) attrs.push([target, x]);
      if (header.type === 'symlink') {
        symlinkSync(header.linkname ?? '', target);
        skip();
      } else if (header.type === 'link') {
        linkSync(placeEntry(root, rebased(header.linkname ?? '', rebase)), target);
        skip();
      } else {
        const out = createWriteStream(target, { mode: header.mode });
        pipeAll(stream as unknown as NodeJS.ReadableStream, out).then(() => done(), done);
      }
    } catch (e) {
      done(e);
    }
  });
  await pipeAll(archive, ex);
  for (const [p, a] of attrs) await setXattrs(p, a).catch((e) => { throw new StatusError(1, (e as Error).message); });
}

/** A GNU tar --transform expression renaming the leading `from` of every member to `to`. */
function renameLeading(from: string, to: string): string {
  const re = from.replace(/[\\^$.*[\]|,]/g, (c) => `\\${c}`);
  return `s,^${re},${to.replace(/[\\&,]/g, (c) => `\\${c}`)},S`;
}

/**
 * Packs a local path into a tar stream whose root entry is called `rootName`: GNU tar, as berthd
 * packs, so owners, modes, links and extended attributes (file capabilities) travel with it.
 */
export async function pack(src: string, rootName: string): Promise<Readable> {
  const base = basename(src);
  const rename = base === rootName ? [] : [`--transform=${renameLeading(base, rootName)}`];
  const { spawn } = await import('node:child_process');
  const child = spawn('tar', [...TAR_CREATE_FLAGS, ...rename, '-C', dirname(src), '-cf', '-', '--', base], { stdio: ['ignore', 'pipe', 'pipe'] });
  return tarOutput(child as ChildProcessByStdio<null, Readable, Readable>);
}
