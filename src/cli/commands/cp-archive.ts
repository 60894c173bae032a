// The local side of `cp`: packing a local path into a tar stream, and unpacking a container's
// archive into a local directory. The archive comes from the engine and is not trusted: every
// entry, and every directory it is written through, must stay inside the destination.
import { chmodSync, createReadStream, createWriteStream, linkSync, lstatSync, mkdirSync, readdirSync, readlinkSync, realpathSync, symlinkSync, unlinkSync, type Stats } from 'node:fs';
import { dirname, join, relative, resolve, isAbsolute } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { StatusError } from '../context.js';
import { pipeAll } from './shared.js';

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

/** Unpacks `archive` into the existing directory `destDir`, renaming entries by `rebase`. */
export async function extract(archive: Readable, destDir: string, rebase?: Rebase): Promise<void> {
  const tar = await import('tar-stream');
  const root = realpathSync(destDir);
  const ex = tar.extract();
  ex.on('entry', (header, stream, next) => {
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
        skip();
        return;
      }
      if (!['file', 'contiguous-file', 'symlink', 'link'].includes(header.type ?? '')) {
        skip();
        return;
      }
      if (existing?.isDirectory()) throw new StatusError(1, `cannot overwrite directory ${JSON.stringify(target)} with non-directory ${JSON.stringify(resolve(destDir))}`);
      if (existing) unlinkSync(target);
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
}

/** Packs a local path into a tar stream whose root entry is called `rootName`. */
export async function pack(src: string, rootName: string): Promise<Readable> {
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
