// The `local` volume driver: each volume is a directory `<root>/<name>/` holding its data in
// `_data` (the Mountpoint clients see) and its metadata in `volume.json`. Created with options
// (`type`, `device`, `o`, as `mount -t type -o o device`), a volume's `_data` is mounted while
// a container uses it and unmounted when the last one stops, as Docker's local driver does.
// An import stages the new content in `<root>/<name>/.import-*/` (root-only, on the same
// filesystem as `_data`) and swaps it in by renames; one cut short is undone at the next start.
import { execFile } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { writeFileAtomic } from '../common/atomic-file.js';
import { EngineError, internal, invalid, notFound } from '../common/errors.js';
import { checkArchive, exportDir, extractArchive } from './archive.js';
import { checkVolumeName } from './names.js';

const run = promisify(execFile);

export interface VolumeMeta {
  Name: string;
  CreatedAt: string;
  Labels: Record<string, string> | null;
  Options: Record<string, string> | null;
}

const OPTION_KEYS = ['type', 'device', 'o', 'size'];

/** Docker's local driver validation of `--opt`: known keys; `device` with `type`, and neither without the other. */
function checkOptions(name: string, opts: Record<string, string>): void {
  for (const key of Object.keys(opts)) {
    if (!OPTION_KEYS.includes(key)) throw invalid(`create ${name}: invalid option: "${key}"`);
  }
  if (opts.size !== undefined) throw invalid(`create ${name}: quota size requested but no quota support`);
  if ((opts.type ?? '') !== '' && (opts.device ?? '') === '') throw invalid(`create ${name}: missing required option: "device"`);
  if ((opts.device ?? '') !== '' && (opts.type ?? '') === '') throw invalid(`create ${name}: missing required option: "type"`);
  if ((opts.o ?? '') !== '' && !opts.type) throw invalid(`create ${name}: missing required option: "type"`);
}

export class LocalDriver {
  /** Users of each mounted option volume (container IDs), so the last one's stop unmounts it. */
  private readonly users = new Map<string, Set<string>>();

  constructor(readonly root: string) {}

  dir(name: string): string { return join(this.root, name); }
  dataDir(name: string): string { return join(this.root, name, '_data'); }

  async init(): Promise<void> {
    await mkdir(this.root, { recursive: true, mode: 0o701 });
  }

  async create(name: string, labels: Record<string, string> | null, options: Record<string, string> | null): Promise<VolumeMeta> {
    checkVolumeName(name);
    checkOptions(name, options ?? {});
    const meta: VolumeMeta = {
      Name: name, CreatedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      Labels: labels && Object.keys(labels).length ? labels : null,
      Options: options && Object.keys(options).length ? options : null,
    };
    await mkdir(this.dataDir(name), { recursive: true, mode: 0o755 });
    await writeFileAtomic(join(this.dir(name), 'volume.json'), JSON.stringify(meta), { mode: 0o600, durable: true });
    return meta;
  }

  /** Every volume with readable metadata (a half-created one, without, is removed). */
  async list(): Promise<VolumeMeta[]> {
    const out: VolumeMeta[] = [];
    for (const name of await readdir(this.root).catch(() => [] as string[])) {
      const meta = await this.read(name);
      if (meta) await this.recoverImport(name).catch(() => undefined);
      if (meta) out.push(meta);
      else await rm(this.dir(name), { recursive: true, force: true }).catch(() => undefined);
    }
    return out;
  }

  private async read(name: string): Promise<VolumeMeta | undefined> {
    try {
      return JSON.parse(await readFile(join(this.dir(name), 'volume.json'), 'utf8')) as VolumeMeta;
    } catch {
      return undefined;
    }
  }

  /** An import cut short: the replaced `_data` is put back if the new one never took its place; staging goes. */
  private async recoverImport(name: string): Promise<void> {
    for (const entry of await readdir(this.dir(name))) {
      if (!entry.startsWith('.import-')) continue;
      const staging = join(this.dir(name), entry);
      if (!(await stat(this.dataDir(name)).catch(() => undefined))) await rename(join(staging, 'old'), this.dataDir(name)).catch(() => undefined);
      await rm(staging, { recursive: true, force: true });
    }
  }

  async isEmpty(name: string): Promise<boolean> {
    return (await readdir(this.dataDir(name))).length === 0;
  }

  /** `_data` as a tar stream (see archive.ts). */
  export(name: string): Readable {
    return exportDir(this.dataDir(name));
  }

  /**
   * Replaces `_data` with the archive's content: spooled, checked, extracted into a staging
   * directory, then swapped in. Anything failing before the swap leaves `_data` untouched.
   */
  async import(name: string, source: Readable): Promise<void> {
    const staging = await mkdtemp(join(this.dir(name), '.import-'));
    try {
      const file = join(staging, 'archive.tar');
      await pipeline(source, createWriteStream(file, { mode: 0o600 })).catch((err: Error) => {
        throw invalid(`Error processing tar file: ${err.message}`);
      });
      await checkArchive(createReadStream(file));
      const data = join(staging, 'data');
      await mkdir(data);
      await chmod(data, 0o755); // an archive without a `./` entry keeps a volume's usual mode
      await extractArchive(file, data);
      const old = join(staging, 'old');
      await rename(this.dataDir(name), old);
      await rename(data, this.dataDir(name)).catch(async (err) => {
        await rename(old, this.dataDir(name));
        throw err;
      });
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }

  /** Makes `_data` ready for a container: mounts an option volume for its first user. */
  async mount(meta: VolumeMeta, containerId: string): Promise<string> {
    const data = this.dataDir(meta.Name);
    const o = meta.Options;
    if (!o?.type) return data;
    let users = this.users.get(meta.Name);
    // Still mounted from before a berthd restart: the mount is reused, never stacked.
    if (!users && !(await mounted(data))) {
      const flags = o.o ? ['-o', o.o] : [];
      await run('mount', ['-t', o.type, ...flags, o.device ?? '', data]).catch((err: { stderr?: string; message: string }) => {
        throw new EngineError(500, `error while mounting volume '${data}': failed to mount local volume: mount ${o.device}:${data}, flags: ${o.o ?? ''}: ${(err.stderr || err.message).trim()}`);
      });
    }
    if (!users) this.users.set(meta.Name, users = new Set());
    users.add(containerId);
    return data;
  }

  /** The container stopped using the volume; the last user unmounts an option volume. */
  async unmount(name: string, containerId: string): Promise<void> {
    const users = this.users.get(name);
    if (!users?.delete(containerId) || users.size) return;
    this.users.delete(name);
    await unmountData(this.dataDir(name));
  }

  /** After a berthd restart: a running container is a user again (its mounts stayed). */
  adopt(name: string, containerId: string): void {
    const users = this.users.get(name) ?? new Set<string>();
    users.add(containerId);
    this.users.set(name, users);
  }

  async remove(name: string): Promise<void> {
    if (!(await this.read(name))) throw notFound(`get ${name}: no such volume`);
    this.users.delete(name);
    const data = this.dataDir(name);
    // Never deleted through a mount: a bind or device volume's data is the user's own.
    if (await mounted(data)) await unmountData(data);
    if (await mounted(data)) throw internal(`remove ${name}: its data directory ${data} is still mounted`);
    await rm(join(this.dir(name), 'volume.json'), { force: true });
    // GNU rm: several times faster than a walk from JS on many small files, and it never
    // crosses into a file system mounted below (a device volume's data stays the user's).
    await run('rm', ['-rf', '--one-file-system', '--', this.dir(name)]);
  }
}

const mounted = (dir: string): Promise<boolean> => run('mountpoint', ['-q', dir]).then(() => true, () => false);

async function unmountData(dir: string): Promise<void> {
  await run('umount', [dir]).catch(() => run('umount', ['-l', dir])).catch(() => undefined);
}
