// The volume service: the Engine's /volumes (create, inspect, list, remove, prune, disk usage)
// over the local driver, and what containers need of it (a volume made on first use, mounted
// while a container runs). Which containers use a volume is never stored: it is read from the
// containers' own records, so it is right after any restart or kill -9.
//
// Export and import (a feature of berth's own, not Docker's): export streams a volume's content
// at any time, a running container writing to it included (it is a plain directory). Import
// replaces the whole content of a volume: it creates a volume that does not exist, refuses a
// non-empty one unless forced (then nothing of the old content stays), and refuses while a
// container runs with the volume, as that container would keep seeing the replaced directory.
// A volume with driver options (a mounted device) is refused: its `_data` is only an empty
// mount point while no container uses it.
import type { Readable } from 'node:stream';
import { diskUsage } from '../common/disk-usage.js';
import { conflict, invalid, notFound } from '../common/errors.js';
import { checkFilterNames, matchLabels, type Filters } from '../common/filters.js';
import { compileUserRegexp } from '../common/regexp.js';
import { LocalDriver, type VolumeMeta } from '../volume/local-driver.js';
import { ANONYMOUS_LABEL, anonymousVolumeName } from '../volume/names.js';
import type { Daemon } from './daemon.js';

export interface VolumeView {
  CreatedAt: string;
  Driver: string;
  Labels: Record<string, string> | null;
  Mountpoint: string;
  Name: string;
  Options: Record<string, string> | null;
  Scope: string;
  UsageData?: { Size: number; RefCount: number };
}

export interface CreateVolume { Name?: string; Driver?: string; DriverOpts?: Record<string, string> | null; Labels?: Record<string, string> | null }

const FILTERS = ['dangling', 'name', 'label', 'driver', 'label!'];
const isTrue = (v: string) => ['1', 'true'].includes(v.toLowerCase());

function checkDriver(driver: string | undefined): void {
  if (driver && driver !== 'local') throw notFound(`error looking up volume plugin ${driver}: plugin "${driver}" not found`);
}

export class VolumeService {
  private readonly driver: LocalDriver;
  private readonly volumes = new Map<string, VolumeMeta>();
  /** Creations and removals in flight, per name, so that two never interleave. */
  private readonly pending = new Map<string, Promise<unknown>>();
  /** The containers that mounted each volume and have not yet released it (running or starting). */
  private readonly holders = new Map<string, Set<string>>();

  constructor(private readonly d: Daemon) {
    this.driver = new LocalDriver(d.path('volumes'));
  }

  async init(): Promise<void> {
    await this.driver.init();
    for (const meta of await this.driver.list()) this.volumes.set(meta.Name, meta);
  }

  private serial<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const before = this.pending.get(name) ?? Promise.resolve();
    const next = before.catch(() => undefined).then(fn);
    this.pending.set(name, next);
    void next.catch(() => undefined).then(() => { if (this.pending.get(name) === next) this.pending.delete(name); });
    return next;
  }

  private view(meta: VolumeMeta): VolumeView {
    return {
      CreatedAt: meta.CreatedAt, Driver: 'local', Labels: meta.Labels, Mountpoint: this.driver.dataDir(meta.Name),
      Name: meta.Name, Options: meta.Options, Scope: 'local',
    };
  }

  private meta(name: string): VolumeMeta {
    const meta = this.volumes.get(name);
    if (!meta) throw notFound(`get ${name}: no such volume`);
    return meta;
  }

  /** POST /volumes/create: a new volume, or the existing one of that name. */
  async create(req: CreateVolume): Promise<VolumeView> {
    if (req == null || typeof req !== 'object') throw invalid('invalid volume create request');
    checkDriver(req.Driver);
    const name = req.Name || anonymousVolumeName();
    return this.view(await this.ensure(name, req.Labels ?? null, req.DriverOpts ?? null));
  }

  /** The volume of that name, created (with these labels and options) when there is none. */
  ensure(name: string, labels: Record<string, string> | null, options: Record<string, string> | null): Promise<VolumeMeta> {
    const known = this.volumes.get(name);
    if (known) return Promise.resolve(known);
    return this.serial(name, async () => {
      const again = this.volumes.get(name);
      if (again) return again;
      const meta = await this.driver.create(name, labels, options);
      this.volumes.set(name, meta);
      this.d.events.emit('volume', 'create', name, { driver: 'local' });
      return meta;
    });
  }

  /** An anonymous volume for a container's mount (labelled as Docker labels them). */
  createAnonymous(): Promise<VolumeMeta> {
    return this.ensure(anonymousVolumeName(), { [ANONYMOUS_LABEL]: '' }, null);
  }

  inspect(name: string): VolumeView {
    return this.view(this.meta(name));
  }

  exists(name: string): boolean { return this.volumes.has(name); }

  dataDir(name: string): string { return this.driver.dataDir(name); }

  isAnonymous(name: string): boolean {
    return ANONYMOUS_LABEL in (this.volumes.get(name)?.Labels ?? {});
  }

  private matches(meta: VolumeMeta, f: Filters): boolean {
    const dangling = f.get('dangling');
    if (dangling?.length) {
      const want = isTrue(dangling[0]);
      if (want !== (this.d.containers.usingVolume(meta.Name).length === 0)) return false;
    }
    const names = f.get('name');
    if (names?.length && !names.some((n) => compileUserRegexp(n).test(meta.Name))) return false;
    const drivers = f.get('driver');
    if (drivers?.length && !drivers.includes('local')) return false;
    if (!matchLabels(f.get('label'), meta.Labels)) return false;
    const notLabels = f.get('label!');
    if (notLabels?.length && notLabels.some((l) => matchLabels([l], meta.Labels))) return false;
    return true;
  }

  list(f: Filters): { Volumes: VolumeView[]; Warnings: string[] } {
    checkFilterNames(f, FILTERS);
    for (const v of f.get('dangling') ?? []) {
      if (!['0', '1', 'true', 'false'].includes(v.toLowerCase())) throw invalid(`invalid filter 'dangling=${v}'`);
    }
    const out = [...this.volumes.values()].filter((m) => this.matches(m, f)).map((m) => this.view(m));
    return { Volumes: out.sort((a, b) => a.Name.localeCompare(b.Name)), Warnings: [] };
  }

  /** DELETE /volumes/{name}: refused while any container (running or not) uses it; `force` ignores a missing one. */
  remove(name: string, force: boolean): Promise<void> {
    return this.serial(name, async () => {
      if (!this.volumes.has(name)) {
        if (force) return;
        throw notFound(`get ${name}: no such volume`);
      }
      const users = this.d.containers.usingVolume(name);
      if (users.length) throw conflict(`remove ${name}: volume is in use - [${users.join(', ')}]`);
      await this.driver.remove(name);
      this.volumes.delete(name);
      this.d.events.emit('volume', 'destroy', name, { driver: 'local' });
    });
  }

  /** POST /volumes/prune: unused anonymous volumes (every unused one with all=true). */
  async prune(f: Filters): Promise<{ VolumesDeleted: string[] | null; SpaceReclaimed: number }> {
    checkFilterNames(f, ['label', 'label!', 'all']);
    const all = (f.get('all') ?? []).some(isTrue);
    const deleted: string[] = [];
    let reclaimed = 0;
    for (const meta of [...this.volumes.values()]) {
      if (!all && !(ANONYMOUS_LABEL in (meta.Labels ?? {}))) continue;
      if (!this.matches(meta, f) || this.d.containers.usingVolume(meta.Name).length) continue;
      const size = await diskUsage(this.driver.dataDir(meta.Name));
      try {
        await this.remove(meta.Name, false);
      } catch {
        continue; // taken meanwhile
      }
      deleted.push(meta.Name);
      reclaimed += size;
    }
    this.d.events.emit('volume', 'prune', '', { reclaimed: String(reclaimed) });
    return { VolumesDeleted: deleted.length ? deleted : null, SpaceReclaimed: reclaimed };
  }

  /** `system df`: every volume with its size and how many containers use it. */
  async df(): Promise<VolumeView[]> {
    return Promise.all([...this.volumes.values()].map(async (m) => ({
      ...this.view(m),
      UsageData: { Size: await diskUsage(this.driver.dataDir(m.Name)), RefCount: this.d.containers.usingVolume(m.Name).length },
    })));
  }

  /** GET /volumes/{name}/export: the volume's content as a tar stream (see archive.ts). */
  export(name: string): Readable {
    this.checkPlain(this.meta(name));
    return this.driver.export(name);
  }

  /** PUT /volumes/{name}/import: replaces the volume's content with the archive's (see the header comment). */
  async import(name: string, body: Readable, opts: { force: boolean }): Promise<void> {
    const created = !this.volumes.has(name);
    if (!created) this.checkPlain(this.meta(name));
    await this.ensure(name, null, null);
    try {
      await this.serial(name, async () => {
        const users = this.runningUsers(name);
        if (users.length) throw conflict(`import ${name}: volume is in use - [${users.join(', ')}]`);
        if (!opts.force && !(await this.driver.isEmpty(name))) {
          throw conflict(`import ${name}: volume is not empty (force replaces its content)`);
        }
        await this.driver.import(name, body);
      });
    } catch (err) {
      body.destroy();
      if (created) await this.remove(name, true).catch(() => undefined);
      throw err;
    }
  }

  private checkPlain(meta: VolumeMeta): void {
    if (meta.Options?.type) throw invalid(`volume ${meta.Name} has driver options (type ${meta.Options.type}): export and import are only for plain local volumes`);
  }

  /** Containers running (or starting) with the volume mounted. */
  private runningUsers(name: string): string[] {
    const ids = new Set(this.holders.get(name));
    for (const id of this.d.containers.usingVolume(name)) {
      if (this.d.containers.has(id) && this.d.containers.get(id).rec.State.Running) ids.add(id);
    }
    return [...ids];
  }

  /** A starting container's volume: its directory, mounted first for an option volume (never during an import). */
  mount(name: string, containerId: string, event: { destination: string; rw: boolean; propagation: string }): Promise<string> {
    return this.serial(name, () => this.mountNow(name, containerId, event));
  }

  private async mountNow(name: string, containerId: string, event: { destination: string; rw: boolean; propagation: string }): Promise<string> {
    const dir = await this.driver.mount(this.meta(name), containerId);
    this.hold(name, containerId);
    this.d.events.emit('volume', 'mount', name, {
      container: containerId, destination: event.destination, driver: 'local', propagation: event.propagation, 'read/write': String(event.rw),
    });
    return dir;
  }

  async unmount(name: string, containerId: string): Promise<void> {
    this.holders.get(name)?.delete(containerId);
    if (!this.holders.get(name)?.size) this.holders.delete(name);
    if (!this.volumes.has(name)) return;
    await this.driver.unmount(name, containerId);
    this.d.events.emit('volume', 'unmount', name, { container: containerId, driver: 'local' });
  }

  /** After a berthd restart, a running container's volume counts it as a user again. */
  adopt(name: string, containerId: string): void {
    if (!this.volumes.has(name)) return;
    this.hold(name, containerId);
    this.driver.adopt(name, containerId);
  }

  private hold(name: string, containerId: string): void {
    const set = this.holders.get(name) ?? new Set<string>();
    set.add(containerId);
    this.holders.set(name, set);
  }
}
