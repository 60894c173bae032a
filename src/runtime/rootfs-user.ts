// Resolves a container's `User` ("name", "uid", "name:group", "uid:gid", …) to numeric ids the way
// Docker does (runc's libcontainer/user GetExecUser + GetAdditionalGroups), reading /etc/passwd and
// /etc/group straight from the overlay layer directories of the container's rootfs, before anything
// is mounted. The layers are read as overlayfs would merge them (topmost first; whiteouts, opaque
// directories), and symlinks are resolved against that merged view, so nothing outside the rootfs
// is ever read.
import { lstat, readFile, readlink } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { join } from 'node:path';
import { getAttribute } from '@napi-rs/xattr';
import { invalid } from '../common/errors.js';

export interface ContainerUser { uid: number; gid: number; additionalGids: number[] }

const MAX_SYMLINKS = 40;
const MAX_ID = 2 ** 31 - 1;
// passwd and group are read whole: an image must not make the daemon hold gigabytes.
const MAX_FILE = 64 * 1024 * 1024;

async function lstatOrNull(path: string): Promise<Stats | null> {
  return lstat(path).catch(() => null);
}

async function isOpaque(dir: string): Promise<boolean> {
  if (await lstatOrNull(join(dir, '.wh..wh..opq'))) return true;
  const attr = await getAttribute(dir, 'trusted.overlay.opaque').catch(() => null);
  return attr?.toString() === 'y';
}

interface Entry { layer: string; stat: Stats; dirLayers: string[] }

/** Finds `name` in directory `dir` (a path relative to each layer) of the merged view of `layers`. */
async function lookupEntry(layers: string[], dir: string[], name: string): Promise<Entry | null> {
  let hit: Entry | null = null;
  for (const layer of layers) {
    const parent = join(layer, ...dir);
    if (await lstatOrNull(join(parent, `.wh.${name}`))) break;
    const path = join(parent, name);
    const stat = await lstatOrNull(path);
    if (!stat) continue;
    if (stat.isCharacterDevice() && stat.rdev === 0) break;
    hit ??= { layer, stat, dirLayers: [] };
    if (!stat.isDirectory()) break;
    hit.dirLayers.push(layer);
    if (await isOpaque(path)) break;
  }
  return hit;
}

function splitPath(parts: string[]): string[] {
  const out: string[] = [];
  for (const p of parts.flatMap((s) => s.split('/'))) {
    if (p === '' || p === '.') continue;
    if (p === '..') out.pop();
    else out.push(p);
  }
  return out;
}

/**
 * Contents of the regular file at `path` in the merged view of overlay `layers` (topmost first),
 * or null when it does not exist (or is not a regular file). Symlinks resolve inside the view.
 */
export async function readLayeredFile(layers: string[], path: string): Promise<Buffer | null> {
  let parts = splitPath([path]);
  let hops = 0;
  walk: for (;;) {
    let active = layers;
    const done: string[] = [];
    for (let i = 0; i < parts.length; i++) {
      const hit = await lookupEntry(active, done, parts[i]);
      if (!hit) return null;
      if (hit.stat.isSymbolicLink()) {
        if (++hops > MAX_SYMLINKS) return null;
        const target = await readlink(join(hit.layer, ...done, parts[i]));
        parts = splitPath([...(target.startsWith('/') ? [] : done), target, ...parts.slice(i + 1)]);
        continue walk;
      }
      if (i === parts.length - 1) {
        if (!hit.stat.isFile()) return null;
        if (hit.stat.size > MAX_FILE) throw invalid(`${path} in the container is too large to read (more than ${MAX_FILE >> 20} MiB)`);
        return readFile(join(hit.layer, ...done, parts[i]));
      }
      if (!hit.stat.isDirectory()) return null;
      active = hit.dirLayers;
      done.push(parts[i]);
    }
    return null;
  }
}

/** Lines of a colon-separated database (passwd, group) split into fields; null when the file is absent. */
async function readDatabase(layers: string[], path: string): Promise<string[][] | null> {
  const data = await readLayeredFile(layers, path);
  if (!data) return null;
  return data.toString('utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '').map((l) => l.split(':'));
}

/** Go's strconv.Atoi-style parse: the number, or undefined when `s` is not an integer. */
function parseId(s: string): number | undefined {
  if (!/^[+-]?\d+$/.test(s)) return undefined;
  const n = Number(s);
  if (n < 0 || n > MAX_ID) throw invalid(`uids and gids must be in range 0-${MAX_ID}`);
  return n;
}

const num = (field: string | undefined): number => parseInt(field ?? '', 10) || 0;

interface Group { name: string; gid: number; members: string[] }

function groupsOf(db: string[][] | null): Group[] {
  return (db ?? []).map((f) => ({ name: f[0], gid: num(f[2]), members: f[3] ? f[3].split(',') : [] }));
}

/** Gids of HostConfig.GroupAdd entries (names or numbers), resolved against the image's /etc/group. */
function additionalGroups(groupAdd: string[], groups: Group[]): number[] {
  return groupAdd.map((ag) => {
    const g = groups.find((x) => x.name === ag || String(x.gid) === ag);
    if (g) return g.gid;
    const gid = parseId(ag);
    if (gid === undefined) throw invalid(`Unable to find group ${ag}: no matching entries in group file`);
    return gid;
  });
}

/**
 * The uid, gid and supplementary gids for `user` in a rootfs made of overlay `layers` (topmost first).
 * additionalGids = [gid, groups listing the user as a member (implicit group form only), ...groupAdd],
 * as Docker 20.10.24+ gives them.
 */
export async function resolveUser(layers: string[], user: string, groupAdd: string[] = []): Promise<ContainerUser> {
  const [userArg = '', groupArg = ''] = user.split(':');
  const uidArg = parseId(userArg);
  const gidArg = parseId(groupArg);
  const passwd = await readDatabase(layers, '/etc/passwd');
  const entry = (passwd ?? []).find((f) => (userArg === '' ? num(f[2]) === 0 : uidArg !== undefined
    ? num(f[2]) === uidArg : f[0] === userArg));
  let uid = 0;
  let gid = 0;
  if (entry) {
    uid = num(entry[2]);
    gid = num(entry[3]);
  } else if (userArg !== '') {
    if (uidArg === undefined) throw invalid(`unable to find user ${userArg}: no matching entries in passwd file`);
    uid = uidArg;
  }
  const needGroups = groupArg !== '' || entry !== undefined || groupAdd.length > 0;
  const groups = needGroups ? groupsOf(await readDatabase(layers, '/etc/group')) : [];
  let memberGids: number[] = [];
  if (groupArg !== '') {
    const g = groups.find((x) => (gidArg !== undefined ? x.gid === gidArg : x.name === groupArg));
    if (g) gid = g.gid;
    else if (gidArg !== undefined) gid = gidArg;
    else throw invalid(`unable to find group ${groupArg}: no matching entries in group file`);
  } else if (entry) {
    memberGids = groups.filter((g) => g.members.includes(entry[0])).map((g) => g.gid);
  }
  const additionalGids = [...new Set([gid, ...memberGids, ...additionalGroups(groupAdd, groups)])];
  return { uid, gid, additionalGids };
}
