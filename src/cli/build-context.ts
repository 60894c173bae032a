// The build context as docker's CLI sends it: the context directory as a tar stream (entries in
// lexical walk order, owned by 0:0), filtered by .dockerignore with moby's patternmatcher rules
// (last matching pattern wins, `!` re-includes, `**` spans directories, a pattern matching a
// parent directory excludes everything under it). The Dockerfile and .dockerignore are always sent.
import { createReadStream, existsSync, lstatSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { posix, join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';

interface Pattern {
  re: RegExp;
  exclusion: boolean;
}

function patternRegExp(pattern: string): RegExp {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        i++;
        if (pattern[i + 1] === '/') {
          i++;
          re += '(.*/)?';
        } else re += '.*';
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += `[${pattern.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else if (c === '\\' && i + 1 < pattern.length) re += `\\${pattern[++i]}`;
    else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`${re}$`);
}

/** Parses .dockerignore text into matchers (comments and blank lines skipped, paths cleaned). */
export function parseDockerignore(text: string): Pattern[] {
  const out: Pattern[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const exclusion = line.startsWith('!');
    if (exclusion) line = line.slice(1).trim();
    let clean = posix.normalize(line);
    clean = clean.replace(/^\/+/, '').replace(/\/+$/, '') || '.';
    out.push({ re: patternRegExp(clean), exclusion });
  }
  return out;
}

/** Whether `path` (slash-separated, relative to the context) or one of its parents is excluded. */
export function isExcluded(path: string, patterns: Pattern[]): boolean {
  const parts = path.split('/');
  let excluded = false;
  for (const p of patterns) {
    if (p.exclusion === excluded) {
      let hit = p.re.test(path);
      for (let n = 1; !hit && n < parts.length; n++) hit = p.re.test(parts.slice(0, n).join('/'));
      if (hit) excluded = !p.exclusion;
    }
  }
  return excluded;
}

/** The relative paths to send from `dir`, in the order of Go's filepath.Walk. */
function walk(dir: string, patterns: Pattern[], keep: Set<string>): string[] {
  const hasExceptions = patterns.some((p) => p.exclusion);
  const out: string[] = [];
  const visit = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const path = rel ? `${rel}/${name}` : name;
      const isDir = lstatSync(join(dir, path)).isDirectory();
      if (!keep.has(path) && isExcluded(path, patterns)) {
        if (isDir && hasExceptions) visit(path);
        continue;
      }
      out.push(path);
      if (isDir) visit(path);
    }
  };
  visit('');
  return out;
}

/**
 * Tars `dir` (minus ignored files) as a stream; `dockerfile` is the Dockerfile's path in it, or
 * with `outside` the name under which a Dockerfile from outside the directory is added.
 */
export async function contextTar(dir: string, dockerfile: string, outside?: Buffer): Promise<Readable> {
  const ignoreFile = join(dir, '.dockerignore');
  const patterns = existsSync(ignoreFile) ? parseDockerignore(readFileSync(ignoreFile, 'utf8')) : [];
  const files = walk(dir, patterns, new Set(['.dockerignore', dockerfile]));
  const tar = await import('tar-stream');
  const pack = tar.pack();
  const owner = { uid: 0, gid: 0, uname: '', gname: '' };
  (async () => {
    for (const name of files) {
      const st = lstatSync(join(dir, name));
      const base = { name, mode: st.mode & 0o7777, mtime: st.mtime, ...owner };
      if (st.isDirectory()) pack.entry({ ...base, type: 'directory' });
      else if (st.isSymbolicLink()) pack.entry({ ...base, type: 'symlink', linkname: readlinkSync(join(dir, name)) });
      else if (st.isFile()) {
        const entry = pack.entry({ ...base, type: 'file', size: st.size });
        await new Promise<void>((resolve, reject) => {
          createReadStream(join(dir, name)).on('error', reject).pipe(entry).on('finish', resolve).on('error', reject);
        });
      }
    }
    if (outside) pack.entry({ name: dockerfile, mode: 0o600, mtime: new Date(), ...owner }, outside);
    pack.finalize();
  })().catch((e: Error) => pack.destroy(e));
  return pack.pipe(new PassThrough());
}

/** A one-file context: a Dockerfile given on stdin. */
export async function dockerfileTar(content: Buffer): Promise<Readable> {
  const tar = await import('tar-stream');
  const pack = tar.pack();
  pack.entry({ name: 'Dockerfile', mode: 0o600, mtime: new Date(), uid: 0, gid: 0 }, content);
  pack.finalize();
  return pack.pipe(new PassThrough());
}

/** Whether `data` already is an archive (tar, or compressed) rather than a plain Dockerfile. */
export function isArchive(data: Buffer): boolean {
  const magic = [[0x1f, 0x8b], [0x42, 0x5a, 0x68], [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], [0x28, 0xb5, 0x2f, 0xfd]];
  if (magic.some((m) => m.every((b, i) => data[i] === b))) return true;
  return data.length >= 262 && data.subarray(257, 262).toString('latin1') === 'ustar';
}
