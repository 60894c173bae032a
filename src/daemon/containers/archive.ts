// `docker cp`: HEAD/GET/PUT /containers/{id}/archive. A running container's files are reached
// through /proc/<pid>/root, a stopped one's by mounting its snapshot for the call. Every path
// (the request's and each tar entry's) is resolved inside that root by resolveScoped, so `..`
// and symlinks (absolute ones too) never lead out of it; entries that would escape are refused.
// HEAD and GET only read through descriptors opened without following links (openScoped), safe
// on a running container; PUT writes by path, so it runs with the container frozen.
import { spawn, execFile, type ChildProcessByStdio } from 'node:child_process';
import { constants, createReadStream, createWriteStream, type Stats } from 'node:fs';
import { chmod, lchown, link, lstat, mkdir, mkdtemp, open, rm, symlink, unlink, utimes, lutimes } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import type { Readable } from 'node:stream';
import tar from 'tar-stream';
import { internal, invalid, notFound } from '../../common/errors.js';
import { hostPath, openScoped, resolveScoped } from '../../common/scoped-path.js';
import type { Mount } from '../../runtime/snapshot-layers.js';
import type { Live } from './live.js';
import { mountPrivately } from './private-mount.js';
import { PaxXattrReader, setXattrs, type Xattrs } from '../../common/pax-xattrs.js';
import { TAR_CREATE_FLAGS, tarOutput } from '../../common/tar-output.js';
import { bindMountPoints, contentMounts } from './rootfs-mounts.js';

const run = promisify(execFile);

/** What X-Docker-Container-Path-Stat carries (base64 JSON). */
export interface PathStat { name: string; size: number; mode: number; mtime: string; linkTarget: string }

/** A container's root directory on the host, with what undoes the temporary mount (if any). */
export interface Rootfs { dir: string; release(): Promise<void> }

/**
 * `scratch`: the root-only directory of the exec-root where a stopped container's root is
 * mounted, its binds and volumes bound in (see rootfs-mounts.ts); a running container's live
 * root already shows its own mounts.
 */
export async function openRootfs(l: Live, mounts: () => Promise<Mount[]>, writable: boolean, scratch: string): Promise<Rootfs> {
  if (l.rec.State.Running && l.rec.State.Pid) return { dir: `/proc/${l.rec.State.Pid}/root`, release: async () => undefined };
  const m = (await mounts())[0];
  const opts = m.options.filter((o) => o !== 'ro' && o !== 'rw');
  const points = contentMounts(l.rec.MountPoints ?? []);
  // Writable to read too when there are mounts: their missing mount points get created.
  const root = await mountPrivately(scratch, m.type, m.source, [writable || points.length ? 'rw' : 'ro', ...opts]);
  if (!points.length) return root;
  let unbind: () => Promise<void>;
  try {
    unbind = await bindMountPoints(root.dir, points, writable);
  } catch (err) {
    await root.release();
    throw err;
  }
  return {
    dir: root.dir,
    release: async () => {
      try { await unbind(); } finally { await root.release(); }
    },
  };
}

// Go's os.FileMode bits, as the CLI decodes the stat header.
function goMode(st: Stats): number {
  let mode = st.mode & 0o777;
  if (st.mode & 0o4000) mode |= 1 << 23;
  if (st.mode & 0o2000) mode |= 1 << 22;
  if (st.mode & 0o1000) mode |= 1 << 20;
  if (st.isDirectory()) mode |= 1 << 31;
  else if (st.isSymbolicLink()) mode |= 1 << 27;
  else if (st.isFIFO()) mode |= 1 << 25;
  else if (st.isSocket()) mode |= 1 << 24;
  else if (st.isCharacterDevice()) mode |= (1 << 26) | (1 << 21);
  else if (st.isBlockDevice()) mode |= 1 << 26;
  return mode >>> 0;
}

const endsWithDot = (p: string) => p === '.' || p.endsWith('/.');

/** The entry's own stat (a link's, not its target's), reached without following symlinks. */
async function statScoped(root: string, resolved: string): Promise<Stats | undefined> {
  const fh = await openScoped(root, resolved).catch(() => undefined);
  if (!fh) return undefined;
  try { return await fh.stat(); } finally { await fh.close(); }
}

async function isDirectory(root: string, resolved: string): Promise<boolean> {
  return (await statScoped(root, await resolveScoped(root, resolved, true)))?.isDirectory() ?? false;
}

/** Docker's SplitPathDirEntry on a container path: the directory and the last element ('.' kept). */
function splitDirEntry(path: string): [string, string] {
  const clean = posix.normalize(`/${path}`).replace(/\/+$/, '') || '/';
  if (endsWithDot(path)) return [clean, '.'];
  return [posix.dirname(clean), posix.basename(clean) || '/'];
}

/** The parent resolved (symlinks followed inside the root), the last element kept as named. */
async function resolveEntry(root: string, path: string): Promise<{ parent: string; base: string; resolved: string }> {
  const [dir, base] = splitDirEntry(path);
  const parent = await resolveScoped(root, dir, true);
  return { parent, base, resolved: base === '.' || base === '/' ? parent : posix.join(parent, base) };
}

/**
 * What HEAD/GET read: like resolveEntry, but a path ending in `/` follows its last element too (as
 * Docker's ResolvePath does), the name staying the one the client asked for (a link's name).
 */
async function resolveSource(root: string, path: string): Promise<{ resolved: string; base: string }> {
  const { resolved, base } = await resolveEntry(root, path);
  if (!path.endsWith('/') || base === '/') return { resolved, base };
  return { resolved: await resolveScoped(root, resolved, true), base };
}

/** A GNU tar --transform expression renaming the archive's top entry `.` to `name`. */
function renameTop(name: string): string {
  return `s,^\\.,${name.replace(/[\\&,]/g, (c) => `\\${c}`)},S`;
}

export async function statPath(root: string, path: string, containerRef: string): Promise<PathStat> {
  const { resolved, base } = await resolveSource(root, path);
  const st = await statScoped(root, resolved);
  if (!st) throw notFound(`Could not find the file ${path} in container ${containerRef}`);
  // A trailing `/` or `/.` asserts a directory (through a symlink too), as lstat does in Docker.
  if ((path.endsWith('/') || endsWithDot(path)) && path !== '/' && !(await isDirectory(root, resolved))) {
    throw internal(`lstat ${path}: not a directory`);
  }
  return {
    name: base,
    size: st.size,
    mode: goMode(st),
    mtime: st.mtime.toISOString(),
    linkTarget: st.isSymbolicLink() ? await resolveScoped(root, resolved, true) : '',
  };
}

export function statHeader(stat: PathStat): string {
  return Buffer.from(JSON.stringify(stat)).toString('base64');
}

/** A tar of the path (named by its last element, as Docker archives it); see tar-output.ts. */
export async function archivePath(root: string, path: string): Promise<Readable> {
  const { resolved, base } = await resolveSource(root, path);
  // The entry is tarred from its directory under its own name; a followed link's target (named
  // otherwise) from inside it, its top entry `.` renamed to the link's name.
  const renamed = base !== '.' && base !== '/' && posix.basename(resolved) !== base;
  const whole = base === '.' || base === '/' || renamed;
  const rename = renamed ? [`--transform=${renameTop(base)}`] : [];
  // tar starts in the directory pinned here (its fd 3) and walks down from it without following
  // links, so what the container renames or swaps meanwhile never leads tar out of its root.
  const dir = await openScoped(root, whole ? resolved : posix.dirname(resolved));
  try {
    // tarOutput before any await: a tar that ends meanwhile would otherwise end unheard.
    return tarOutput(spawn('tar', [...TAR_CREATE_FLAGS, ...rename, '-C', '/proc/self/fd/3', '-cf', '-', '--', whole ? '.' : base],
      { stdio: ['ignore', 'pipe', 'pipe', dir.fd] }) as ChildProcessByStdio<null, Readable, Readable>);
  } finally {
    await dir.close();
  }
}

interface ExtractOptions { noOverwriteDirNonDir: boolean }

/** Removes what is at `p` unless a directory meets a directory; refuses dir/non-dir swaps when asked. */
async function makeRoom(p: string, isDir: boolean, opts: ExtractOptions, name: string): Promise<boolean> {
  const st = await lstat(p).catch(() => undefined);
  if (!st) return true;
  if (st.isDirectory() && isDir) return false;
  if (opts.noOverwriteDirNonDir && st.isDirectory() !== isDir) {
    throw invalid(`cannot overwrite ${st.isDirectory() ? 'directory' : 'non-directory'} "${name}" with ${isDir ? 'directory' : 'non-directory'}`);
  }
  if (st.isDirectory()) await rm(p, { recursive: true, force: true }); else await unlink(p);
  return true;
}

type Header = tar.Header;

/** Creates the missing directories above an entry (root-owned, 0755), as Docker's untar does. */
async function makeParents(root: string, dest: string, rel: string): Promise<void> {
  let at = dest;
  for (const part of posix.dirname(rel).split('/').filter((x) => x && x !== '.')) {
    at = posix.join(at, part);
    const { parent, base } = await resolveEntry(root, at);
    const p = hostPath(root, posix.join(parent, base));
    if (!(await lstat(p).catch(() => undefined))) await mkdir(p, 0o755);
  }
}

/**
 * Extracts one entry; a directory's times are left to the caller (`dirTimes`), to be set once
 * its children are in place (which change them). Answers the host path of the file, directory
 * or symlink it made (which takes the entry's extended attributes).
 */
async function extractEntry(root: string, dest: string, h: Header, body: Readable, opts: ExtractOptions, dirTimes: Map<string, Date>): Promise<string | undefined> {
  const rel = posix.normalize(h.name);
  if (rel.startsWith('../') || rel === '..') {
    throw invalid(`invalid tar entry ${JSON.stringify(h.name)}: it is outside of ${dest}`);
  }
  await makeParents(root, dest, rel);
  const target = posix.join(dest, rel);
  const { parent, base } = await resolveEntry(root, target);
  if (base === '.' || base === '/') {
    body.resume();
    return undefined;
  }
  const p = hostPath(root, posix.join(parent, base));
  const uid = h.uid ?? 0;
  const gid = h.gid ?? 0;
  const mode = (h.mode ?? 0o644) & 0o7777;
  const mtime = h.mtime ?? new Date();
  switch (h.type) {
    case 'directory':
      body.resume();
      if (await makeRoom(p, true, opts, target)) await mkdir(p);
      await chmod(p, mode);
      await lchown(p, uid, gid);
      dirTimes.set(p, mtime);
      return p;
    case 'file': case 'contiguous-file': {
      await makeRoom(p, false, opts, target);
      const fh = await open(p, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
      try {
        await pipeline(body, createWriteStream('', { fd: fh.fd, autoClose: false }));
        await fh.chmod(mode);
        await fh.chown(uid, gid);
        await fh.utimes(mtime, mtime);
      } finally {
        await fh.close();
      }
      return p;
    }
    case 'symlink':
      body.resume();
      await makeRoom(p, false, opts, target);
      await symlink(h.linkname ?? '', p);
      await lchown(p, uid, gid);
      await lutimes(p, mtime, mtime);
      return p;
    case 'link': {
      body.resume();
      const linkRel = posix.normalize(h.linkname ?? '');
      if (linkRel.startsWith('../') || linkRel === '..') throw invalid(`invalid tar entry ${JSON.stringify(h.name)}: its link is outside of ${dest}`);
      const from = await resolveEntry(root, posix.join(dest, linkRel));
      await makeRoom(p, false, opts, target);
      await link(hostPath(root, from.resolved), p);
      return undefined;
    }
    default:
      // Devices, FIFOs and extended headers are not created by a copy.
      body.resume();
      return undefined;
  }
}

/** A stream held on the host in a file, to be read (once). */
export interface Spooled { read(): Readable; release(): Promise<void> }

/** Saves a stream to a file under `scratch` (a root-only directory); fails as the stream does. */
async function spoolFile(source: Readable, scratch: string): Promise<Spooled> {
  await mkdir(scratch, { recursive: true, mode: 0o700 });
  const dir = await mkdtemp(join(scratch, 'spool-'));
  const release = () => rm(dir, { recursive: true, force: true });
  const file = join(dir, 'data.tar');
  try {
    await pipeline(source, createWriteStream(file, { mode: 0o600 }));
  } catch (err) {
    await release();
    throw err;
  }
  return { read: () => createReadStream(file), release };
}

/**
 * Saves an upload before the copy freezes the container, so that the freeze lasts as long as the
 * extraction, never as long as a slow client.
 */
export async function spoolUpload(source: Readable, scratch: string): Promise<Spooled> {
  return spoolFile(source, scratch).catch((err) => { throw invalid(`Error processing tar file: ${(err as Error).message}`); });
}

/** A tar spooled to a file and streamed from it; the file goes when the stream closes. */
export async function spool(tar: Readable, scratch: string): Promise<Readable> {
  const held = await spoolFile(tar, scratch);
  const out = held.read();
  out.once('close', () => void held.release());
  return out;
}

/** Extracts a tar stream into the directory `path` of the container's root. */
export async function extractInto(root: string, path: string, containerRef: string, source: Readable, opts: ExtractOptions): Promise<void> {
  const dest = await resolveScoped(root, path, true);
  const st = await lstat(hostPath(root, dest)).catch(() => undefined);
  if (!st) throw notFound(`Could not find the file ${path} in container ${containerRef}`);
  if (!st.isDirectory()) throw internal('extraction point is not a directory');
  const extract = tar.extract();
  source.on('error', (err: Error) => extract.destroy(err));
  // Sees each chunk before tar-stream does, so an entry's attributes are known when it is yielded.
  const pax = new PaxXattrReader();
  source.on('data', (chunk: Buffer) => {
    try { pax.push(chunk); } catch (err) { source.destroy(err as Error); }
  });
  source.pipe(extract as unknown as NodeJS.WritableStream);
  const dirTimes = new Map<string, Date>();
  const attrs: [string, Xattrs][] = [];
  try {
    let index = 0;
    for await (const entry of extract) {
      const e = entry as unknown as Readable & { header: Header };
      const made = await extractEntry(root, dest, e.header, e, opts, dirTimes);
      const x = pax.byEntry.get(index++);
      if (made && x) attrs.push([made, x]);
    }
    for (const [p, x] of attrs) await setXattrs(p, x);
    for (const [dir, mtime] of dirTimes) await lutimes(dir, mtime, mtime);
  } catch (err) {
    source.destroy();
    if ((err as { status?: number }).status) throw err;
    throw invalid(`Error processing tar file: ${(err as Error).message}`);
  }
}
