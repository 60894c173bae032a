// A volume's content as a tar archive and back (`volume export` / `volume import`).
//
// Export tars the data directory as it is: entries are named `./`, `./a`, `./a/b` (the `./`
// entry carries the directory's own owner and mode), owners numeric, every extended attribute
// (file capabilities included) in PAX records, hard links as links. A container may be writing
// to the volume meanwhile: it is a plain directory, and the archive is what tar read of it.
//
// Import treats the archive as hostile. It is spooled to a file, then every entry is checked
// (checkArchive) before anything is extracted: absolute names, `..` components, hard links to
// names that are not earlier entries, entries (or hard-link targets) under a symlink the archive
// made, device nodes and unknown entry types are refused. Only then does GNU tar extract it into
// a fresh empty directory (which GNU tar also protects: it refuses `..` members and creates
// symlinks only once everything else is written).
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import tar from 'tar-stream';
import { invalid } from '../common/errors.js';
import { TAR_CREATE_FLAGS, tarOutput } from '../common/tar-output.js';

/** GNU tar's flags to extract as archived: owners by number, modes without umask, every xattr. */
const TAR_EXTRACT_FLAGS = ['--numeric-owner', '--same-owner', '--same-permissions', '--xattrs', '--xattrs-include=*'];

/** The directory's content as a tar stream that fails when tar does (see tar-output.ts). */
export function exportDir(dir: string): Readable {
  return tarOutput(spawn('tar', [...TAR_CREATE_FLAGS, '-C', dir, '-cf', '-', '.'],
    { stdio: ['ignore', 'pipe', 'pipe'] }) as ChildProcessByStdio<null, Readable, Readable>);
}

const ALLOWED = new Set(['file', 'contiguous-file', 'directory', 'symlink', 'link', 'fifo']);

/** The entry's path relative to the archive's top (`''` for the top itself); refused when it could leave it. */
function relative(name: string, what: string, entry: string): string[] {
  if (name.startsWith('/')) throw invalid(`invalid tar entry ${JSON.stringify(entry)}: ${what} is an absolute path`);
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw invalid(`invalid tar entry ${JSON.stringify(entry)}: ${what} contains ".."`);
  return parts;
}

/** Whether a proper prefix of `parts` is one of the archive's symlinks. */
function underSymlink(parts: string[], symlinks: Set<string>): boolean {
  for (let i = 1; i < parts.length; i++) if (symlinks.has(parts.slice(0, i).join('/'))) return true;
  return false;
}

/** Checks every entry of the archive (see the header comment); a 400 names the first refused one. */
export async function checkArchive(source: Readable): Promise<void> {
  const extract = tar.extract();
  source.on('error', (err: Error) => extract.destroy(err));
  source.pipe(extract as unknown as NodeJS.WritableStream);
  const symlinks = new Set<string>();
  const seen = new Set<string>();
  try {
    for await (const entry of extract) {
      const e = entry as unknown as Readable & { header: tar.Header };
      const h = e.header;
      e.resume();
      const type = h.type ?? 'file';
      if (type === 'character-device' || type === 'block-device') {
        throw invalid(`invalid tar entry ${JSON.stringify(h.name)}: device nodes are not imported into a volume`);
      }
      if (!ALLOWED.has(type)) throw invalid(`invalid tar entry ${JSON.stringify(h.name)}: unsupported entry type ${type}`);
      const parts = relative(h.name, 'its name', h.name);
      const path = parts.join('/');
      if (path === '' && type !== 'directory') throw invalid(`invalid tar entry ${JSON.stringify(h.name)}: the archive's top must be a directory`);
      if (underSymlink(parts, symlinks)) throw invalid(`invalid tar entry ${JSON.stringify(h.name)}: it is under a symlink of the archive`);
      if (type === 'link') {
        const target = relative(h.linkname ?? '', 'its link target', h.name);
        const to = target.join('/');
        if (!seen.has(to) || underSymlink(target, symlinks)) {
          throw invalid(`invalid tar entry ${JSON.stringify(h.name)}: its link target ${JSON.stringify(h.linkname ?? '')} is not a file of the archive`);
        }
      }
      if (type === 'symlink') symlinks.add(path);
      if (type !== 'directory') seen.add(path); else seen.delete(path);
    }
  } catch (err) {
    source.destroy();
    if ((err as { status?: number }).status) throw err;
    throw invalid(`Error processing tar file: ${(err as Error).message}`);
  }
}

/** Extracts a checked archive file into an empty directory with GNU tar (owners, modes, xattrs, links as archived). */
export function extractArchive(file: string, dir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('tar', ['-x', ...TAR_EXTRACT_FLAGS, '-C', dir, '-f', file], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => { if (stderr.length < 4096) stderr += d; });
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve();
      else reject(invalid(`Error processing tar file: tar failed (exit status ${code}): ${stderr.trim()}`));
    });
  });
}
