// The container service: the registry of containers (by id, name and prefix, each with its
// lock), their creation, and the jobs that own one part each: lifecycle.ts (start, stop, kill,
// pause, wait), exits.ts (exit and restart policy), removal.ts, restore.ts (berthd's start),
// exec.ts, attach.ts; views (inspect, list) in views.ts.
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { conflict, invalid, notFound, EngineError } from '../../common/errors.js';
import { anyJson, grpcMessage } from '../../runtime/containerd-client.js';
import { FifoPool } from '../../runtime/fifo-pool.js';
import type { Mount } from '../../runtime/snapshot-layers.js';
import type { NetworkRequest } from '../../network/types.js';
import { validateLogConfig } from './logs/index.js';
import { generateName, normalizeName } from './names.js';
import { initialState, RecordStore, rfc3339Nano, type ContainerRecord } from './record.js';
import { commandOf, mergeImageConfig, validateHostConfig, withHostDefaults } from './create-config.js';
import { checkCreateBody } from './body-types.js';
import { createWarnings } from './field-support.js';
import { taskResources, updatedHostConfig, LINUX_RESOURCES_TYPE } from './update.js';
import { stateWord } from './status.js';
import { ExecService } from './exec.js';
import { top } from './top.js';
import { writeInitStubs } from './init-stubs.js';
import { SNAPSHOTTER, TaskRunner } from './task-runner.js';
import { Lifecycle, requireRunning } from './lifecycle.js';
import { ExitHandler } from './exits.js';
import { Removal } from './removal.js';
import { FsOps } from './fs-ops.js';
import { restoreContainers } from './restore.js';
import { watchOom } from '../../runtime/task-oom.js';
import type { Daemon } from '../daemon.js';
import { summary } from './views.js';
import { materializeMounts, planMounts, volumeNames } from './mount-points.js';
import type { Live } from './live.js';

export interface CreateRequest { name?: string; body: Record<string, any>; platform?: string }

export class ContainerService {
  readonly store: RecordStore;
  readonly execs: ExecService;
  readonly fifos: FifoPool;
  readonly runner = new TaskRunner(this);
  readonly lifecycle = new Lifecycle(this);
  readonly exits = new ExitHandler(this);
  readonly removal = new Removal(this);
  readonly fs = new FsOps(this);
  private readonly live = new Map<string, Live>();
  private readonly names = new Map<string, string>();
  private readonly snapshotMounts = new Map<string, Mount[]>();
  private open = true;
  private stopOomWatch?: () => void;

  constructor(readonly d: Daemon) {
    this.store = new RecordStore(d.path('containers'));
    this.fifos = new FifoPool(d.runPath('fifo', '.pool'));
    this.execs = new ExecService(this);
  }

  // ---- registry -------------------------------------------------------------------------

  all(): Live[] { return [...this.live.values()]; }

  /** By full id, by name, or by a unique id prefix (Docker's order). */
  get(ref: string): Live {
    const byId = this.live.get(ref);
    if (byId) return byId;
    const byName = this.names.get(ref.startsWith('/') ? ref : `/${ref}`);
    if (byName) return this.live.get(byName)!;
    if (/^[0-9a-f]+$/.test(ref)) {
      const hits = [...this.live.keys()].filter((id) => id.startsWith(ref));
      if (hits.length === 1) return this.live.get(hits[0])!;
      if (hits.length > 1) throw invalid(`Multiple IDs found with provided prefix: ${ref}`);
    }
    throw notFound(`No such container: ${ref}`);
  }

  has(id: string): boolean { return this.live.has(id); }

  /** New requests are served (false once shutdown began). */
  get accepting(): boolean { return this.open; }

  register(rec: ContainerRecord): Live {
    const l: Live = { rec, attachers: new Set(), bus: new EventEmitter(), lock: Promise.resolve() };
    l.bus.setMaxListeners(0);
    this.live.set(rec.ID, l);
    this.names.set(rec.Name, rec.ID);
    return l;
  }

  /** Gone for clients: its name is free and it is no longer listed. */
  unregister(l: Live): void {
    this.live.delete(l.rec.ID);
    this.snapshotMounts.delete(l.rec.ID);
    if (this.names.get(l.rec.Name) === l.rec.ID) this.names.delete(l.rec.Name);
  }

  /** Runs `fn` after every earlier locked operation on the container finished. */
  locked<T>(l: Live, fn: () => Promise<T>): Promise<T> {
    const next = l.lock.then(fn, fn);
    l.lock = next.catch(() => undefined);
    return next;
  }

  /** Writes the state; resolves once it is on disk (a failed write is logged: memory stays the truth). */
  save(l: Live): Promise<void> {
    l.rec.State.Status = stateWord(l.rec);
    return this.store.saveState(l.rec).catch((err) => {
      if (this.live.has(l.rec.ID)) console.error(`berthd: saving ${l.rec.ID.slice(0, 12)}: ${(err as Error).message}`);
    });
  }

  emit(l: Live, action: string, extra: Record<string, string> = {}): void {
    this.d.events.emit('container', action, l.rec.ID, {
      ...(l.rec.Config.Labels ?? {}), image: l.rec.ImageRef, name: l.rec.Name.slice(1), ...extra,
    });
  }

  counts() {
    let running = 0; let paused = 0;
    for (const l of this.live.values()) {
      if (l.rec.State.Running && l.rec.State.Paused) paused++;
      else if (l.rec.State.Running) running++;
    }
    return { total: this.live.size, running, paused, stopped: this.live.size - running - paused };
  }

  imageUsers(imageId: string): { id: string; running: boolean }[] {
    return this.all().filter((l) => l.rec.Image === imageId).map((l) => ({ id: l.rec.ID, running: l.rec.State.Running }));
  }

  networkRequest(rec: ContainerRecord): NetworkRequest {
    const c = rec.Config; const h = rec.HostConfig;
    return {
      containerId: rec.ID, name: rec.Name.slice(1), hostname: c.Hostname, domainname: c.Domainname ?? '',
      networkMode: h.NetworkMode || 'default', portBindings: h.PortBindings ?? {}, publishAllPorts: !!h.PublishAllPorts,
      exposedPorts: c.ExposedPorts ?? {}, dns: h.Dns ?? [], dnsSearch: h.DnsSearch ?? [], dnsOptions: h.DnsOptions ?? [],
      extraHosts: h.ExtraHosts ?? [], macAddress: c.MacAddress || undefined, links: h.Links ?? undefined,
    };
  }

  /** The rootfs mounts of a container's snapshot; they never change, so they are asked for once. */
  async mounts(id: string): Promise<Mount[]> {
    let m = this.snapshotMounts.get(id);
    if (!m) {
      m = (await this.d.containerd.snapshots.Mounts({ snapshotter: SNAPSHOTTER, key: id })).mounts as Mount[];
      if (this.live.has(id)) this.snapshotMounts.set(id, m);
    }
    return m;
  }

  /** The snapshot's mounts once the last task (deleted after the exit is reported) let go of its rootfs. */
  async idleMounts(l: Live): Promise<Mount[]> {
    await l.taskGone;
    return this.mounts(l.rec.ID);
  }

  // ---- create ---------------------------------------------------------------------------

  async create(req: CreateRequest): Promise<{ Id: string; Warnings: string[] }> {
    if (!this.open) throw new EngineError(503, 'daemon is shutting down');
    const body = req.body;
    checkCreateBody(body, req.platform);
    if (Object.keys(body).length === 0) throw invalid('Config cannot be empty in order to create a container');
    const { HostConfig: rawHost, NetworkingConfig, ...rawConfig } = body;
    let name = req.name ? normalizeName(req.name) : '';
    if (name) this.checkNameFree(name);
    const hostConfig = withHostDefaults(rawHost, this.d.config.runtime);
    validateHostConfig(hostConfig);
    if (!hostConfig.LogConfig?.Type) hostConfig.LogConfig = { Type: this.d.config.logDriver, Config: { ...this.d.config.logOpts, ...(hostConfig.LogConfig?.Config ?? {}) } };
    validateLogConfig(hostConfig.LogConfig.Type, hostConfig.LogConfig.Config ?? {});
    if (!rawConfig.Image) throw invalid('Config cannot be empty in order to create a container');
    const image = await this.d.images.resolve(rawConfig.Image);
    const config = mergeImageConfig(rawConfig, image);
    const id = randomBytes(32).toString('hex');
    if (!config.Hostname) config.Hostname = hostConfig.NetworkMode === 'host' ? hostname() : id.slice(0, 12);
    if (!name) {
      for (let i = 0; !name || this.names.has(name); i++) name = `/${generateName(i)}`;
    }
    this.checkNameFree(name);
    const mountPoints = await planMounts(this, hostConfig, config);
    const dir = this.store.dir(id);
    const { path, args } = commandOf(config);
    const rec: ContainerRecord = {
      ID: id, Created: rfc3339Nano(), Path: path, Args: args, Config: config, HostConfig: hostConfig,
      NetworkingConfig: NetworkingConfig ?? null, State: initialState(), Image: image.id, ImageRef: rawConfig.Image,
      Name: name, RestartCount: 0, Driver: SNAPSHOTTER, Platform: 'linux', MountLabel: '', ProcessLabel: '',
      AppArmorProfile: '', ExecIDs: null, LogPath: join(dir, `${id}-json.log`), ResolvConfPath: '', HostnamePath: '',
      HostsPath: '', HasBeenStartedBefore: false, HasBeenManuallyStopped: false, MountPoints: mountPoints,
    };
    this.names.set(name, id);
    const anonymous: string[] = [];
    try {
      await mkdir(dir, { recursive: true, mode: 0o710 });
      // Both settle before any failure is handled, so the clean-up below races no write.
      const [rootfs, etcFiles] = await Promise.allSettled([
        this.d.containerd.snapshots.Prepare({
          snapshotter: SNAPSHOTTER, key: id, parent: image.chainIds.at(-1) ?? '',
          labels: { 'containerd.io/gc.root': rec.Created },
        }).then(async (prepared) => { this.snapshotMounts.set(id, prepared.mounts); await writeInitStubs(prepared.mounts); return prepared.mounts as Mount[]; }),
        this.d.networks.writeEtcFiles(dir, this.networkRequest(rec)),
      ]);
      if (rootfs.status === 'rejected') throw rootfs.reason;
      if (etcFiles.status === 'rejected') throw etcFiles.reason;
      await materializeMounts(this, mountPoints, rootfs.value, anonymous);
      const etc = etcFiles.value;
      rec.HostsPath = etc.hostsPath; rec.HostnamePath = etc.hostnamePath; rec.ResolvConfPath = etc.resolvConfPath;
      await this.store.save(rec);
    } catch (err) {
      this.names.delete(name);
      this.snapshotMounts.delete(id);
      for (const v of anonymous) await this.d.volumes.remove(v, true).catch(() => undefined);
      await this.d.containerd.snapshots.Remove({ snapshotter: SNAPSHOTTER, key: id }).catch(() => undefined);
      await this.store.flushed(id);
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
    const l = this.register(rec);
    this.emit(l, 'create');
    return { Id: id, Warnings: createWarnings(config) };
  }

  private checkNameFree(name: string): void {
    const owner = this.names.get(name);
    if (owner) {
      throw conflict(`Conflict. The container name "${name}" is already in use by container "${owner}". You have to remove (or rename) that container to be able to reuse that name.`);
    }
  }

  // ---- rename, update and other settings -------------------------------------------------

  async rename(ref: string, newName: string): Promise<void> {
    const l = this.get(ref);
    if (!newName) throw invalid('Neither old nor new names may be empty');
    const name = normalizeName(newName);
    await this.locked(l, async () => {
      if (name === l.rec.Name) throw invalid('Renaming a container with the same name as its current name');
      this.checkNameFree(name);
      const old = l.rec.Name;
      this.names.delete(old);
      this.names.set(name, l.rec.ID);
      l.rec.Name = name;
      await this.save(l);
      this.emit(l, 'rename', { oldName: old });
    });
  }

  // ---- views of a container ----------------------------------------------------------------

  async top(ref: string, psArgs: string): Promise<{ Titles: string[]; Processes: string[][] }> {
    const l = this.get(ref);
    requireRunning(l);
    const r = await this.d.containerd.tasks.ListPids({ container_id: l.rec.ID });
    const out = await top(r.processes.map((p: { pid: number }) => p.pid), psArgs);
    this.emit(l, 'top');
    return out;
  }

  /** New resource limits and restart policy; a running task gets the limits at once. */
  async update(ref: string, body: Record<string, any>): Promise<{ Warnings: string[] }> {
    const l = this.get(ref);
    return this.locked(l, async () => {
      const hc = updatedHostConfig(l.rec.ID, l.rec.HostConfig, body);
      if (l.rec.State.Running) {
        await this.d.containerd.tasks.Update({
          container_id: l.rec.ID, resources: anyJson(LINUX_RESOURCES_TYPE, taskResources(hc)),
        }).catch((err) => { throw new EngineError(500, `Cannot update container ${l.rec.ID}: ${grpcMessage(err)}`); });
      }
      l.rec.HostConfig = hc;
      await this.store.save(l.rec);
      this.emit(l, 'update');
      return { Warnings: [] };
    });
  }

  async resize(ref: string, h: number, w: number): Promise<void> {
    const l = this.get(ref);
    requireRunning(l, 'cannot resize a stopped container: ');
    await this.d.containerd.tasks.ResizePty({ container_id: l.rec.ID, exec_id: '', width: w, height: h }).catch((err) => {
      throw invalid(grpcMessage(err));
    });
    this.emit(l, 'resize', { height: String(h), width: String(w) });
  }

  /** For the logs reader: the container stopped and its logger finished writing. */
  logsFinished(l: Live): boolean {
    return !l.rec.State.Running && !l.logger && !l.exitDone;
  }

  /** IDs of the containers (in any state) whose mounts include the volume. */
  usingVolume(name: string): string[] {
    return this.all().filter((l) => volumeNames(l.rec).includes(name)).map((l) => l.rec.ID);
  }

  async df(): Promise<Record<string, unknown>[]> {
    return Promise.all(this.all().map((l) => summary(this, l, true)));
  }

  // ---- daemon start and stop ---------------------------------------------------------------

  async init(): Promise<void> {
    await this.fifos.fill();
    this.stopOomWatch = watchOom(this.d.containerd, this.d.containerd.namespace, (id) => {
      const l = this.live.get(id);
      if (!l) return;
      l.oom = true;
      this.emit(l, 'oom');
    });
    await restoreContainers(this);
  }

  async shutdown(): Promise<void> {
    this.open = false;
    this.stopOomWatch?.();
    const closing: Promise<void>[] = [];
    for (const l of this.live.values()) {
      clearTimeout(l.restartTimer);
      l.streams?.close();
      if (l.logger) closing.push(l.logger.close().catch(() => undefined));
    }
    await Promise.all([...closing, this.removal.settled()]);
    await this.store.settled();
  }
}
