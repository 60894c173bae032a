// `cp` between a container and the local filesystem, with docker's rules (cli/command/container/cp.go
// and its archive package): copying into an existing directory keeps the source name, otherwise the
// copy takes the destination name; destination symlinks are followed, source ones only with -L.
import { existsSync, lstatSync, readlinkSync, statSync } from 'node:fs';
import { dirname, join, posix, resolve } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import type { Command } from '../command.js';
import type { Cli } from '../context.js';
import { StatusError } from '../context.js';
import { ApiError } from '../../client/errors.js';
import { extract, pack } from './cp-archive.js';
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

/** A path's stat as the engine reports it (X-Docker-Container-Path-Stat; Go FileMode bits). */
interface PathStat {
  name: string;
  mode: number;
  linkTarget?: string;
}

const MODE_DIR = 2 ** 31;
const MODE_SYMLINK = 2 ** 27;
const MODE_DEVICE = 2 ** 26;
const MODE_IRREGULAR = 2 ** 19;

function hasMode(st: PathStat | undefined, bit: number): boolean {
  return !!st && Math.floor(st.mode / bit) % 2 === 1;
}

/** HEAD on the archive endpoint; undefined when the engine refuses (docker ignores why). */
async function statPath(cli: Cli, id: string, path: string): Promise<PathStat | undefined> {
  try {
    const head = await cli.engine.request('HEAD', `/containers/${id}/archive`, { query: { path } });
    head.resume();
    const header = head.headers['x-docker-container-path-stat'];
    return typeof header === 'string' ? (JSON.parse(Buffer.from(header, 'base64').toString()) as PathStat) : undefined;
  } catch (e) {
    if (e instanceof ApiError) return undefined;
    throw e;
  }
}

/** The path names the directory itself ("d/."): its contents are copied, not the directory. */
function specifiesCurrentDir(p: string): boolean {
  return /(^|\/)\.\/*$/.test(p);
}

/** A trailing "/" or "/." says the destination must be a directory. */
function assertsDirectory(p: string): boolean {
  return p.endsWith('/') || specifiesCurrentDir(p);
}

/** Go's archive.SplitPathDirEntry: "/a/b/" → ["/a", "b"], "/a/b/." → ["/a/b", "."]. */
function splitDirEntry(path: string): [string, string] {
  let cleaned = posix.normalize(path);
  if (cleaned.length > 1) cleaned = cleaned.replace(/\/+$/, '');
  if (specifiesCurrentDir(path) && cleaned !== '.') cleaned += '/.';
  return [posix.dirname(cleaned), posix.basename(cleaned) || cleaned];
}

/** Go's archive.PreserveTrailingDotOrSeparator: gives `cleaned` the "/." or "/" `original` ends with. */
function preserveTrailing(cleaned: string, original: string): string {
  let p = cleaned;
  if (!specifiesCurrentDir(p) && specifiesCurrentDir(original)) p += p.endsWith('/') ? '.' : '/.';
  if (!p.endsWith('/') && original.endsWith('/')) p += '/';
  return p;
}

/** docker's ValidateOutputPath: the parent must exist, the path must not be a device. */
function validateOutputPath(path: string): void {
  const dir = dirname(posix.normalize(path).replace(/(.)\/+$/, '$1'));
  if (!existsSync(dir)) throw new StatusError(1, `invalid output path: directory ${JSON.stringify(dir)} does not exist`);
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') return;
    throw new StatusError(1, `stat ${path}: ${err.message.replace(/^\w+: /, '').replace(/, stat .*$/, '')}`);
  }
  if (st.isDirectory() || st.isFile()) return;
  const what = st.isBlockDevice() || st.isCharacterDevice() ? 'a device' : 'an irregular file';
  throw new StatusError(1, `invalid output path: ${JSON.stringify(path)} must be a directory or a regular file: got ${what}`);
}

/** Go's archive.CopyInfoDestinationPath: follows a local destination symlink (10 hops at most). */
function localDestination(path: string): { path: string; exists: boolean; isDir: boolean } {
  let p = path;
  for (let hops = 0; ; hops++) {
    let st;
    try {
      st = lstatSync(p);
    } catch {
      const parent = splitDirEntry(p)[0];
      if (!existsSync(parent)) throw new StatusError(1, `stat ${parent}: no such file or directory`);
      if (!statSync(parent).isDirectory()) throw new StatusError(1, 'not a directory');
      return { path: p, exists: false, isDir: false };
    }
    if (!st.isSymbolicLink()) return { path: p, exists: true, isDir: st.isDirectory() };
    if (hops >= 10) throw new StatusError(1, `too many symlinks in ${path}`);
    const target = readlinkSync(p);
    p = target.startsWith('/') ? target : join(splitDirEntry(p)[0], target);
  }
}

/**
 * Container → local, as docker's copyFromContainer: with -L a source symlink is replaced by its
 * target (keeping the link's name); an existing local directory receives the source under its
 * own name, anything else gets the destination's name.
 */
async function fromContainer(cli: Cli, src: Target, dest: string, followLink: boolean): Promise<void> {
  const id = encodeURIComponent(src.container!);
  const dstPath = dest === '-' ? dest : preserveTrailing(resolve(dest), dest);
  if (dest !== '-') validateOutputPath(dstPath);
  let srcPath = src.path;
  let rebaseName = '';
  if (followLink) {
    const st = await statPath(cli, id, srcPath);
    if (st && hasMode(st, MODE_SYMLINK)) {
      let target = st.linkTarget ?? '';
      if (!target.startsWith('/')) target = posix.join(splitDirEntry(srcPath)[0], target);
      target = preserveTrailing(target, srcPath);
      if (posix.basename(srcPath) !== posix.basename(target)) rebaseName = posix.basename(srcPath);
      srcPath = target;
    }
  }
  const res = await cli.engine.request('GET', `/containers/${id}/archive`, { query: { path: srcPath } });
  if (dest === '-') {
    await pipeAll(res, process.stdout);
    return;
  }
  const header = res.headers['x-docker-container-path-stat'];
  const stat = typeof header === 'string' ? (JSON.parse(Buffer.from(header, 'base64').toString()) as PathStat) : undefined;
  const srcIsDir = hasMode(stat, MODE_DIR);
  const srcBase = splitDirEntry(srcPath)[1];
  const dst = localDestination(dstPath);
  const [dstDir, dstBase] = splitDirEntry(dst.path);
  const refuse = (msg: string): never => {
    res.resume();
    throw new StatusError(1, msg);
  };
  if (dst.exists && dst.isDir) await extract(res, dst.path, rebaseName ? { from: srcBase, to: rebaseName } : undefined);
  else if (dst.exists && srcIsDir) refuse('cannot copy directory');
  else if (!dst.exists && !srcIsDir && assertsDirectory(dst.path)) refuse('no such directory');
  else await extract(res, dstDir, { from: srcBase, to: dstBase });
}

/**
 * Local → container, as docker's copyToContainer: a destination symlink is followed, an existing
 * directory receives the source under its own name, anything else is replaced by (or created as)
 * the source renamed to the destination's name.
 */
async function toContainer(cli: Cli, src: string, dest: Target, copyUidGid: boolean): Promise<void> {
  const container = dest.container!;
  const id = encodeURIComponent(container);
  let dstPath = dest.path;
  let st = await statPath(cli, id, dstPath);
  if (st && hasMode(st, MODE_SYMLINK)) {
    const target = st.linkTarget ?? '';
    dstPath = target.startsWith('/') ? target : posix.join(splitDirEntry(dest.path)[0], target);
    st = await statPath(cli, id, dstPath);
  }
  const mustBe = `destination "${container}:${dest.path}" must be a directory`;
  if (hasMode(st, MODE_DEVICE)) throw new StatusError(1, `${mustBe} or a regular file: got a device`);
  if (hasMode(st, MODE_IRREGULAR)) throw new StatusError(1, `${mustBe} or a regular file: got an irregular file`);
  const dstIsDir = hasMode(st, MODE_DIR);
  const upload = (path: string, stream: Readable): Promise<unknown> =>
    cli.engine.call('PUT', `/containers/${id}/archive`, {
      query: { path, noOverwriteDirNonDir: 'true', ...(copyUidGid ? { copyUIDGID: 'true' } : {}) },
      stream,
    });
  if (src === '-') {
    if (!dstIsDir) throw new StatusError(1, mustBe);
    await upload(dstPath, process.stdin.pipe(new PassThrough()));
    return;
  }
  let srcIsDir: boolean;
  try {
    srcIsDir = lstatSync(src).isDirectory();
  } catch {
    throw new StatusError(1, `lstat ${resolve(src)}: no such file or directory`);
  }
  const [dstDir, dstBase] = splitDirEntry(dstPath);
  let extractTo = dstDir;
  let rootName = dstBase;
  if (st && dstIsDir) {
    extractTo = dstPath;
    rootName = splitDirEntry(src)[1];
  } else if (st && srcIsDir) throw new StatusError(1, 'cannot copy directory');
  else if (!st && !srcIsDir && assertsDirectory(dstPath)) throw new StatusError(1, 'no such directory');
  await upload(extractTo, await pack(resolve(src), rootName));
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
  async run(cli, flags, [a, b]) {
    const src = splitTarget(a);
    const dest = splitTarget(b);
    if (src.container && dest.container) throw new StatusError(1, 'copying between containers is not supported');
    if (!src.container && !dest.container) throw new StatusError(1, 'must specify at least one container source');
    if (src.container) await fromContainer(cli, src, dest.path, flags.bool('follow-link'));
    else await toContainer(cli, src.path, dest, flags.bool('archive'));
  },
};
