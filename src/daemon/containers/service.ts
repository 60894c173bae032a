// The container service: records and their lifecycle on containerd (create, start, stop,
// kill, pause, wait, remove, rename, restart policies) and reconciliation after a berthd
// restart. Views (inspect, list) live in views.ts, task stdio in runtime/task-io.ts, exec in exec.ts.
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { rmSync, mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { conflict, invalid, notFound, notModified, EngineError } from '../../common/errors.js';
import { anyJson, GrpcStatus, isGrpcCode, type GrpcError } from '../../runtime/containerd-client.js';
import { FifoPool } from '../../runtime/fifo-pool.js';
import { removeFifos, type TaskStreams, type OutputSink } from '../../runtime/task-io.js';
import type { Mount } from '../../runtime/snapshot-layers.js';
import type { NetworkRequest } from '../../network/service.js';
import { validateLogConfig, type Logger } from './logs/index.js';
import { generateName, normalizeName } from './names.js';
import { initialState, RecordStore, rfc3339Nano, ZERO_TIME, type ContainerRecord } from './record.js';
import { commandOf, mergeImageConfig, validateHostConfig, withHostDefaults } from './create-config.js';
import { parseSignal } from './signals.js';
import { checkCreateBody } from './body-types.js';
import { createWarnings } from './field-support.js';
import { taskResources, updatedHostConfig, LINUX_RESOURCES_TYPE } from './update.js';
import { stateWord } from './status.js';
import { ExecService } from './exec.js';
import { changes, exportRootfs, sizes, type Change } from './fs-views.js';
import { top } from './top.js';
import { archivePath, extractInto, openRootfs, spoolUpload, statPath, type PathStat, type Rootfs } from './archive.js';
import { CopyFreeze } from './copy-freeze.js';
import { writeInitStubs } from './init-stubs.js';
import { SNAPSHOTTER, TaskRunner, type WaitResponse } from './task-runner.js';
import { watchOom } from '../../runtime/task-oom.js';
import { NAMESPACE, type Daemon } from '../daemon.js';
import { summary } from './views.js';
import type { Readable } from 'node:stream';

const SIGKILL = 9;

export interface ExitInfo { code: number; at: string }

/** A container in memory: its record plus whatever is live while it runs. */
export interface Live {
  rec: ContainerRecord;
  streams?: TaskStreams;
  logger?: Logger;
  spec?: Record<string, any>;
  /** Attached clients; they follow the container across a start. */
  attachers: Set<OutputSink>;
  /** Emits 'exit' (ExitInfo), 'removed', 'start'. */
  bus: EventEmitter;
  /** containerd reported an OOM kill in the current task. */
  oom?: boolean;
  /** Resolves when the current exit has been fully processed. */
  exitDone?: Promise<void>;
  /** Resolves once containerd's task and container of the last exit are deleted. */
  taskGone?: Promise<void>;
  restartTimer?: NodeJS.Timeout;
  lock: Promise<unknown>;
  /** Holds the task paused while `docker cp` works in its root. */
  copyFreeze?: CopyFreeze;
}

export interface CreateRequest { name?: string; body: Record<string, any>; platform?: string }

function grpcMessage(err: unknown): string {
  return (err as GrpcError).details || (err as Error).message;
}

/** The exit status dockerd reports when a task cannot be created (as `docker run` exits). */
function startFailureCode(message: string): number {
  if (/executable file not found|no such file or directory/.test(message)) return 127;
  if (/permission denied|not a directory|is a directory/.test(message)) return 126;
  return 128;
}

export class ContainerService {
  readonly store: RecordStore;
  readonly execs: ExecService;
  readonly fifos: FifoPool;
  private readonly runner = new TaskRunner(this);
  private readonly live = new Map<string, Live>();
  private readonly names = new Map<string, string>();
  private readonly snapshotMounts = new Map<string, Mount[]>();
  /** Removals still cleaning up in the background (awaited at shutdown). */
  private readonly cleanups = new Set<Promise<void>>();
  private accepting = true;
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

  private register(rec: ContainerRecord): Live {
    const l: Live = { rec, attachers: new Set(), bus: new EventEmitter(), lock: Promise.resolve() };
    l.bus.setMaxListeners(0);
    this.live.set(rec.ID, l);
    this.names.set(rec.Name, rec.ID);
    return l;
  }

  /** Runs `fn` after every earlier locked operation on the container finished. */
  private locked<T>(l: Live, fn: () => Promise<T>): Promise<T> {
    const next = l.lock.then(fn, fn);
    l.lock = next.catch(() => undefined);
    return next;
  }

  save(l: Live): void {
    l.rec.State.Status = stateWord(l.rec);
    this.store.saveState(l.rec);
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
  private async idleMounts(l: Live): Promise<Mount[]> {
    await l.taskGone;
    return this.mounts(l.rec.ID);
  }

  // ---- create ---------------------------------------------------------------------------

  async create(req: CreateRequest): Promise<{ Id: string; Warnings: string[] }> {
    if (!this.accepting) throw new EngineError(503, 'daemon is shutting down');
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
    const dir = this.store.dir(id);
    const { path, args } = commandOf(config);
    const rec: ContainerRecord = {
      ID: id, Created: rfc3339Nano(), Path: path, Args: args, Config: config, HostConfig: hostConfig,
      NetworkingConfig: NetworkingConfig ?? null, State: initialState(), Image: image.id, ImageRef: rawConfig.Image,
      Name: name, RestartCount: 0, Driver: SNAPSHOTTER, Platform: 'linux', MountLabel: '', ProcessLabel: '',
      AppArmorProfile: '', ExecIDs: null, LogPath: join(dir, `${id}-json.log`), ResolvConfPath: '', HostnamePath: '',
      HostsPath: '', HasBeenStartedBefore: false, HasBeenManuallyStopped: false,
    };
    this.names.set(name, id);
    try {
      mkdirSync(dir, { recursive: true, mode: 0o710 });
      // Both settle before any failure is handled, so the clean-up below races no write.
      const [rootfs, etcFiles] = await Promise.allSettled([
        this.d.containerd.snapshots.Prepare({
          snapshotter: SNAPSHOTTER, key: id, parent: image.chainIds.at(-1) ?? '',
          labels: { 'containerd.io/gc.root': rec.Created },
        }).then((prepared) => { this.snapshotMounts.set(id, prepared.mounts); return writeInitStubs(prepared.mounts); }),
        this.d.networks.writeEtcFiles(dir, this.networkRequest(rec)),
      ]);
      if (rootfs.status === 'rejected') throw rootfs.reason;
      if (etcFiles.status === 'rejected') throw etcFiles.reason;
      const etc = etcFiles.value;
      rec.HostsPath = etc.hostsPath; rec.HostnamePath = etc.hostnamePath; rec.ResolvConfPath = etc.resolvConfPath;
      this.store.save(rec);
    } catch (err) {
      this.names.delete(name);
      this.snapshotMounts.delete(id);
      await this.d.containerd.snapshots.Remove({ snapshotter: SNAPSHOTTER, key: id }).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
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

  // ---- start ----------------------------------------------------------------------------

  async start(ref: string): Promise<void> {
    const l = this.get(ref);
    await this.locked(l, async () => {
      if (l.rec.State.Running) throw notModified();
      if (l.rec.State.RemovalInProgress || l.rec.State.Dead) throw conflict(`container is marked for removal and cannot be started`);
      clearTimeout(l.restartTimer);
      await this.startTask(l);
    });
  }

  /** Starts the task and records it; on failure records the exit status dockerd would. */
  private async startTask(l: Live): Promise<void> {
    const rec = l.rec;
    await l.taskGone;
    try {
      const { pid, exited } = await this.runner.launch(l);
      Object.assign(rec.State, {
        Running: true, Paused: false, Restarting: false, OOMKilled: false, Dead: false, Pid: pid, ExitCode: 0, Error: '',
        StartedAt: rfc3339Nano(), FinishedAt: rec.HasBeenStartedBefore ? rec.State.FinishedAt : ZERO_TIME,
      });
      rec.HasBeenStartedBefore = true;
      rec.HasBeenManuallyStopped = false;
      this.save(l);
      this.emit(l, 'start');
      l.bus.emit('start');
      this.watchExit(l, exited);
    } catch (err) {
      // As dockerd: the error and an exit code stay in State, and an AutoRemove container goes.
      const message = err instanceof EngineError ? err.message : grpcMessage(err);
      const code = startFailureCode(message);
      rec.State.ExitCode = code;
      rec.State.Error = message;
      this.save(l);
      this.emit(l, 'die', { exitCode: String(code) });
      l.bus.emit('exit', { code, at: rfc3339Nano() } satisfies ExitInfo);
      if (rec.HostConfig.AutoRemove) void this.removeRecord(l);
      if (err instanceof EngineError) throw err;
      throw code === 128 ? new EngineError(500, message) : invalid(message);
    }
  }

  // ---- exit -----------------------------------------------------------------------------

  private watchExit(l: Live, exited: Promise<WaitResponse>): void {
    exited.then(
      (r) => this.handleExit(l, { code: r.exit_status, at: timestampOf(r.exited_at) }),
      (err) => {
        // On shutdown the channel closes under the waits: the tasks live on, a later berthd reattaches.
        if (!this.accepting) return undefined;
        console.error(`berthd: wait ${l.rec.ID.slice(0, 12)}: ${grpcMessage(err)}`);
        return this.handleExit(l, { code: 255, at: rfc3339Nano() });
      },
    );
  }

  /** Everything that follows a task's exit; idempotent per task. */
  private handleExit(l: Live, exit: ExitInfo): Promise<void> {
    if (l.exitDone) return l.exitDone;
    l.exitDone = (async () => {
      const rec = l.rec;
      // containerd's task delete (the shim's teardown, ~20 ms) is not waited for by clients of
      // the exit; what needs the task gone (a new start, the snapshot's removal) awaits taskGone.
      l.taskGone = this.runner.deleteTask(rec.ID);
      await this.runner.release(l);
      this.execs.containerExited(l);
      Object.assign(rec.State, { Running: false, Paused: false, Pid: 0, ExitCode: exit.code, FinishedAt: exit.at, OOMKilled: !!l.oom });
      l.oom = false;
      const restart = this.shouldRestart(rec, exit.code);
      if (restart) rec.State.Restarting = true;
      this.save(l);
      this.emit(l, 'die', { exitCode: String(exit.code), execDuration: String(Math.max(0, Math.round((Date.parse(exit.at) - Date.parse(rec.State.StartedAt)) / 1000))) });
      l.bus.emit('exit', exit);
      if (rec.HostConfig.AutoRemove) await this.removeRecord(l);
      else if (restart) this.scheduleRestart(l);
    })().finally(() => { l.exitDone = undefined; });
    return l.exitDone;
  }

  private shouldRestart(rec: ContainerRecord, code: number): boolean {
    if (rec.HasBeenManuallyStopped || !this.accepting) return false;
    const p = rec.HostConfig.RestartPolicy ?? {};
    switch (p.Name) {
      case 'always': case 'unless-stopped': return true;
      case 'on-failure': return code !== 0 && (!p.MaximumRetryCount || rec.RestartCount < p.MaximumRetryCount);
      default: return false;
    }
  }

  private scheduleRestart(l: Live): void {
    const delay = Math.min(100 * 2 ** Math.min(l.rec.RestartCount, 10), 60_000);
    l.restartTimer = setTimeout(() => {
      void this.locked(l, async () => {
        if (!l.rec.State.Restarting || !this.live.has(l.rec.ID)) return;
        l.rec.RestartCount++;
        l.rec.State.Restarting = false;
        try {
          await this.startTask(l);
          this.emit(l, 'restart');
        } catch (err) {
          console.error(`berthd: restarting ${l.rec.ID.slice(0, 12)}: ${(err as Error).message}`);
        }
      });
    }, delay);
  }

  // ---- signals, stop, pause ---------------------------------------------------------------

  private requireRunning(l: Live, prefix = ''): void {
    if (!l.rec.State.Running) throw conflict(`${prefix}Container ${l.rec.ID} is not running`);
  }

  async kill(ref: string, signal?: string): Promise<void> {
    const l = this.get(ref);
    const sig = signal ? parseSignal(signal) : SIGKILL;
    this.requireRunning(l, `Cannot kill container: ${ref}: `);
    if (l.rec.State.Paused && sig !== SIGKILL) throw conflict(`Cannot kill container: ${ref}: Container ${l.rec.ID} is paused. Unpause the container before stopping or killing`);
    l.rec.HasBeenManuallyStopped = true;
    this.save(l);
    // As dockerd: a SIGKILL returns once the container is down (bounded wait).
    const exited = sig === SIGKILL ? this.nextExit(l, 10_000) : undefined;
    await this.signal(l, sig);
    if (exited && await exited) await l.exitDone;
  }

  private async signal(l: Live, sig: number): Promise<void> {
    this.emit(l, 'kill', { signal: String(sig) });
    try {
      await this.d.containerd.tasks.Kill({ container_id: l.rec.ID, exec_id: '', signal: sig, all: false });
    } catch (err) {
      if (!isGrpcCode(err, GrpcStatus.NOT_FOUND)) throw err;
    }
  }

  /** Resolves with the next exit, or after `ms` with undefined. */
  private nextExit(l: Live, ms: number): Promise<ExitInfo | undefined> {
    return new Promise((resolve) => {
      const done = (e?: ExitInfo) => { clearTimeout(t); l.bus.off('exit', done); resolve(e); };
      const t = ms >= 0 ? setTimeout(() => done(undefined), ms) : undefined;
      l.bus.on('exit', done);
    });
  }

  async stop(ref: string, opts: { t?: number; signal?: string } = {}): Promise<void> {
    const l = this.get(ref);
    if (!l.rec.State.Running) {
      if (l.rec.State.Restarting) { this.cancelRestart(l); return; }
      throw notModified();
    }
    l.rec.HasBeenManuallyStopped = true;
    this.save(l);
    await this.stopTask(l, opts);
    this.emit(l, 'stop');
  }

  private cancelRestart(l: Live): void {
    clearTimeout(l.restartTimer);
    l.rec.State.Restarting = false;
    l.rec.HasBeenManuallyStopped = true;
    this.save(l);
  }

  private async stopTask(l: Live, opts: { t?: number; signal?: string }): Promise<void> {
    const sig = parseSignal(opts.signal || l.rec.Config.StopSignal || 'SIGTERM');
    const timeout = opts.t ?? l.rec.Config.StopTimeout ?? 10;
    const exited = this.nextExit(l, timeout < 0 ? -1 : timeout * 1000);
    if (l.rec.State.Paused && sig !== SIGKILL) {
      await this.d.containerd.tasks.Resume({ container_id: l.rec.ID }).catch(() => undefined);
    }
    await this.signal(l, sig);
    if (await exited) return;
    const killed = this.nextExit(l, 30_000);
    await this.signal(l, SIGKILL);
    await killed;
  }

  async restart(ref: string, opts: { t?: number; signal?: string } = {}): Promise<void> {
    const l = this.get(ref);
    await this.locked(l, async () => {
      if (l.rec.State.Running) {
        l.rec.HasBeenManuallyStopped = true;
        await this.stopTask(l, opts);
        await l.exitDone;
        this.emit(l, 'stop');
      }
      clearTimeout(l.restartTimer);
      l.rec.State.Restarting = false;
      await this.startTask(l);
      this.emit(l, 'restart');
    });
  }

  async pause(ref: string): Promise<void> {
    const l = this.get(ref);
    this.requireRunning(l);
    if (l.rec.State.Paused) throw conflict(`Container ${l.rec.ID} is already paused`);
    if (!l.copyFreeze?.frozen) await this.d.containerd.tasks.Pause({ container_id: l.rec.ID });
    l.rec.State.Paused = true;
    this.save(l);
    this.emit(l, 'pause');
  }

  async unpause(ref: string): Promise<void> {
    const l = this.get(ref);
    if (!l.rec.State.Paused) throw conflict(`Container ${l.rec.ID} is not paused`);
    if (!l.copyFreeze?.takeOver()) await this.d.containerd.tasks.Resume({ container_id: l.rec.ID });
    l.rec.State.Paused = false;
    this.save(l);
    this.emit(l, 'unpause');
  }

  // ---- wait -----------------------------------------------------------------------------

  /**
   * Checks the request synchronously (404, 400 before any header is sent), then resolves with
   * the exit status once the condition is met.
   */
  wait(ref: string, condition = 'not-running', gone?: AbortSignal): Promise<{ StatusCode: number; Error: { Message: string } | null }> {
    const l = this.get(ref);
    if (!['not-running', 'next-exit', 'removed', ''].includes(condition)) throw invalid(`invalid condition: "${condition}"`);
    const result = (code: number) => ({ StatusCode: code, Error: null });
    if ((condition === 'not-running' || condition === '') && !l.rec.State.Running && !l.rec.State.Restarting) return Promise.resolve(result(l.rec.State.ExitCode));
    return new Promise((resolve, reject) => {
      const event = condition === 'removed' ? 'removed' : 'exit';
      const done = () => { l.bus.off(event, done); gone?.removeEventListener('abort', abort); resolve(result(l.rec.State.ExitCode)); };
      const abort = () => { l.bus.off(event, done); reject(new Error('client went away')); };
      l.bus.on(event, done);
      gone?.addEventListener('abort', abort);
    });
  }

  // ---- remove, rename ---------------------------------------------------------------------

  async remove(ref: string, opts: { force?: boolean; volumes?: boolean } = {}): Promise<void> {
    const l = this.get(ref);
    if (l.rec.State.Running || l.rec.State.Restarting) {
      if (!opts.force) {
        if (l.rec.State.Paused) throw conflict(`cannot remove container "${l.rec.Name}": container is paused and must be unpaused first`);
        throw conflict(`You cannot remove a running container ${l.rec.ID}. Stop the container before attempting removal or force remove`);
      }
      clearTimeout(l.restartTimer);
      l.rec.HasBeenManuallyStopped = true;
      if (l.rec.State.Running) {
        const exited = this.nextExit(l, 30_000);
        await this.signal(l, SIGKILL);
        await exited;
        await l.exitDone;
      }
    }
    if (!this.live.has(l.rec.ID)) return;
    if (l.rec.State.RemovalInProgress) {
      if (!opts.force) throw conflict(`removal of container ${ref} is already in progress`);
      await new Promise((resolve) => l.bus.once('removed', resolve));
      return;
    }
    await this.removeRecord(l);
  }

  private async removeRecord(l: Live): Promise<void> {
    const rec = l.rec;
    if (rec.State.RemovalInProgress) return;
    rec.State.RemovalInProgress = true;
    // Saved so that a berthd killed before the cleanup below finished completes it at restart.
    this.save(l);
    clearTimeout(l.restartTimer);
    this.execs.containerRemoved(rec.ID);
    // Gone for clients (name free, `wait --condition removed` and the remove answered) before
    // the cleanup on disk and in containerd, which goes on in the background of the reply.
    this.live.delete(rec.ID);
    this.snapshotMounts.delete(rec.ID);
    if (this.names.get(rec.Name) === rec.ID) this.names.delete(rec.Name);
    this.emit(l, 'destroy');
    l.bus.emit('removed');
    const done: Promise<void> = this.cleanUp(rec.ID, l.taskGone).finally(() => this.cleanups.delete(done));
    this.cleanups.add(done);
  }

  /** The snapshot (once the task is deleted), the record's directory and the FIFOs of a removed container. */
  private async cleanUp(id: string, taskGone: Promise<void> | undefined): Promise<void> {
    await taskGone;
    await this.d.containerd.snapshots.Remove({ snapshotter: SNAPSHOTTER, key: id }).catch((err) => {
      if (!isGrpcCode(err, GrpcStatus.NOT_FOUND)) console.error(`berthd: removing snapshot ${id.slice(0, 12)}: ${grpcMessage(err)}`);
    });
    await Promise.all([
      rm(this.store.dir(id), { recursive: true, force: true }).catch((err) => console.error(`berthd: removing ${id.slice(0, 12)}: ${err.message}`)),
      removeFifos(this.d.runPath('fifo', id)),
    ]);
  }

  async rename(ref: string, newName: string): Promise<void> {
    const l = this.get(ref);
    if (!newName) throw invalid('Neither old nor new names may be empty');
    const name = normalizeName(newName);
    if (name === l.rec.Name) throw invalid('Renaming a container with the same name as its current name');
    this.checkNameFree(name);
    const old = l.rec.Name;
    this.names.delete(old);
    this.names.set(name, l.rec.ID);
    l.rec.Name = name;
    this.save(l);
    this.emit(l, 'rename', { oldName: old });
  }

  // ---- attach -----------------------------------------------------------------------------

  /** The container, if a client may attach to it now (dockerd's conflicts otherwise). */
  attachable(ref: string): Live {
    const l = this.get(ref);
    if (l.rec.State.Paused) throw conflict('You cannot attach to a paused container, unpause it first');
    if (l.rec.State.Restarting) throw conflict('You cannot attach to a restarting container, wait until it is running');
    return l;
  }

  /** Registers an output sink for the container's current task, or its next one. */
  attachOutput(l: Live, sink: OutputSink): () => void {
    if (l.streams && !l.streams.done) return l.streams.attach(sink);
    l.attachers.add(sink);
    let inner: (() => void) | undefined;
    const onStart = () => { if (l.attachers.has(sink) && l.streams) { l.attachers.delete(sink); inner = l.streams.attach(sink); } };
    l.bus.on('start', onStart);
    return () => { l.attachers.delete(sink); l.bus.off('start', onStart); inner?.(); };
  }

  /** The writer of the current task's stdin, waiting for the next start when there is none. */
  async stdinOf(l: Live): Promise<TaskStreams | undefined> {
    if (l.streams) return l.streams;
    if (!l.rec.Config.OpenStdin) return undefined;
    await new Promise<void>((resolve) => l.bus.once('start', () => resolve()));
    return l.streams;
  }

  // ---- views of a container ----------------------------------------------------------------

  async top(ref: string, psArgs: string): Promise<{ Titles: string[]; Processes: string[][] }> {
    const l = this.get(ref);
    this.requireRunning(l);
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
      this.store.save(l.rec);
      this.emit(l, 'update');
      return { Warnings: [] };
    });
  }

  async resize(ref: string, h: number, w: number): Promise<void> {
    const l = this.get(ref);
    this.requireRunning(l, 'cannot resize a stopped container: ');
    await this.d.containerd.tasks.ResizePty({ container_id: l.rec.ID, exec_id: '', width: w, height: h }).catch((err) => {
      throw invalid(grpcMessage(err));
    });
    this.emit(l, 'resize', { height: String(h), width: String(w) });
  }

  async export(ref: string): Promise<Readable> {
    const l = this.get(ref);
    const stream = await exportRootfs(await this.mounts(l.rec.ID), this.d.runPath('mnt'));
    this.emit(l, 'export');
    return stream;
  }

  // ---- commit ------------------------------------------------------------------------------

  /** `docker commit`: pauses a running container (unless told not to) while its changes are read. */
  async commit(ref: string, opts: { repo: string; tag: string; comment: string; author: string; changes: string[]; pause: boolean; config?: Record<string, any> }): Promise<string> {
    const l = this.get(ref);
    const pause = opts.pause && l.rec.State.Running && !l.rec.State.Paused;
    if (pause) await this.d.containerd.tasks.Pause({ container_id: l.rec.ID });
    try {
      const id = await this.d.images.commit({
        imageId: l.rec.Image, containerId: l.rec.ID, containerConfig: l.rec.Config,
        createdBy: [l.rec.Path, ...l.rec.Args].join(' '), changes: opts.changes, comment: opts.comment, author: opts.author,
        configOverride: opts.config, mounts: await this.idleMounts(l), repo: opts.repo, tag: opts.tag,
      });
      this.emit(l, 'commit', { comment: opts.comment, imageID: id, imageRef: opts.repo ? `${opts.repo}:${opts.tag || 'latest'}` : '' });
      return id;
    } finally {
      if (pause) await this.d.containerd.tasks.Resume({ container_id: l.rec.ID }).catch(() => undefined);
    }
  }

  // ---- docker cp --------------------------------------------------------------------------

  /** The container's root directory for a copy (its live root, or its snapshot mounted for the call). */
  private openCopyRoot(l: Live, writable: boolean): Promise<Rootfs> {
    return openRootfs(l, () => this.idleMounts(l), writable, this.d.runPath('mnt'));
  }

  /** Runs `fn` on the container's root directory with a running container frozen (see copy-freeze.ts). */
  private async onFrozenRootfs<T>(l: Live, writable: boolean, fn: (root: string) => Promise<T>): Promise<T> {
    const id = l.rec.ID;
    const tasks = this.d.containerd.tasks;
    l.copyFreeze ??= new CopyFreeze({
      pause: () => tasks.Pause({ container_id: id }),
      resume: () => tasks.Resume({ container_id: id }),
      userPaused: () => l.rec.State.Paused,
    });
    const thaw = await l.copyFreeze.hold(l.rec.State.Running);
    try {
      const root = await this.openCopyRoot(l, writable);
      try { return await fn(root.dir); } finally { await root.release(); }
    } finally {
      await thaw();
    }
  }

  /** Reads need no freeze: they never follow a link the container could swap in (see archive.ts). */
  async archiveStat(ref: string, path: string): Promise<PathStat> {
    const l = this.get(ref);
    const root = await this.openCopyRoot(l, false);
    try { return await statPath(root.dir, path, ref); } finally { await root.release(); }
  }

  /** The path's stat and a tar of it; a stopped container's root stays mounted until the tar stream closes. */
  async archiveGet(ref: string, path: string): Promise<{ stat: PathStat; tar: Readable }> {
    const l = this.get(ref);
    const root = await this.openCopyRoot(l, false);
    try {
      const stat = await statPath(root.dir, path, ref);
      const tar = await archivePath(root.dir, path);
      tar.once('close', () => void root.release());
      this.emit(l, 'archive-path');
      return { stat, tar };
    } catch (err) {
      await root.release();
      throw err;
    }
  }

  async archivePut(ref: string, path: string, body: Readable, opts: { noOverwriteDirNonDir: boolean }): Promise<void> {
    const l = this.get(ref);
    if (l.rec.HostConfig.ReadonlyRootfs) throw new EngineError(403, 'container rootfs is marked read-only');
    const upload = await spoolUpload(body, this.d.runPath('mnt'));
    try {
      await this.onFrozenRootfs(l, true, (root) => extractInto(root, path, ref, upload.read(), opts));
    } finally {
      await upload.release();
    }
    this.emit(l, 'extract-to-dir');
  }

  async changes(ref: string): Promise<Change[]> {
    return changes(await this.mounts(this.get(ref).rec.ID));
  }

  /** For the logs reader: the container stopped and its logger finished writing. */
  logsFinished(l: Live): boolean {
    return !l.rec.State.Running && !l.logger && !l.exitDone;
  }

  async prune(candidates: Live[]): Promise<{ ContainersDeleted: string[] | null; SpaceReclaimed: number }> {
    const deleted: string[] = [];
    let reclaimed = 0;
    for (const l of candidates) {
      const size = await this.mounts(l.rec.ID).then((m) => sizes(m)).catch(() => ({ SizeRw: 0 }));
      await this.removeRecord(l).then(() => { deleted.push(l.rec.ID); reclaimed += size.SizeRw; }).catch(() => undefined);
    }
    this.d.events.emit('container', 'prune', '', { reclaimed: String(reclaimed) });
    return { ContainersDeleted: deleted.length ? deleted : null, SpaceReclaimed: reclaimed };
  }

  async df(): Promise<Record<string, unknown>[]> {
    return Promise.all(this.all().map((l) => summary(this, l, true)));
  }

  // ---- daemon start and stop ---------------------------------------------------------------

  async init(): Promise<void> {
    await this.fifos.fill();
    this.stopOomWatch = watchOom(this.d.containerd, NAMESPACE, (id) => {
      const l = this.live.get(id);
      if (!l) return;
      l.oom = true;
      this.emit(l, 'oom');
    });
    const recs = this.store.loadAll();
    for (const rec of recs) this.register(rec);
    await Promise.all(this.all().map((l) => this.reconcile(l).catch((err) => {
      console.error(`berthd: reconciling ${l.rec.ID.slice(0, 12)}: ${err instanceof Error ? err.message : err}`);
    })));
    for (const l of this.all()) {
      const p = l.rec.HostConfig.RestartPolicy?.Name;
      if (!l.rec.State.Running && !l.rec.State.Restarting && !l.rec.HasBeenManuallyStopped && (p === 'always' || p === 'unless-stopped') && l.rec.HasBeenStartedBefore) {
        void this.locked(l, () => this.startTask(l)).catch((err) => console.error(`berthd: restart ${l.rec.ID.slice(0, 12)}: ${err.message}`));
      }
    }
  }

  /** Brings one record in line with containerd after berthd (re)started. */
  private async reconcile(l: Live): Promise<void> {
    const rec = l.rec;
    rec.State.Restarting = false;
    if (rec.State.RemovalInProgress) {
      // berthd died while removing it: the removal is finished now.
      rec.State.RemovalInProgress = false;
      l.taskGone = this.runner.deleteTask(rec.ID);
      await this.removeRecord(l);
      return;
    }
    const cd = this.d.containerd;
    let proc: any;
    try {
      proc = (await cd.tasks.Get({ container_id: rec.ID })).process;
    } catch (err) {
      if (!isGrpcCode(err, GrpcStatus.NOT_FOUND)) throw err;
    }
    if (proc && (proc.status === 'RUNNING' || proc.status === 'PAUSED' || proc.status === 'PAUSING')) {
      // Also a task berthd started but died before recording: it runs, so it is adopted.
      if (!rec.State.Running) Object.assign(rec.State, { Running: true, Pid: proc.pid, StartedAt: rfc3339Nano(), ExitCode: 0, Error: '' });
      rec.State.Paused = proc.status !== 'RUNNING';
      this.watchExit(l, (await this.runner.reattach(l)).exited);
      this.save(l);
      return;
    }
    if (rec.State.Running) {
      await this.handleExit(l, proc ? { code: proc.exit_status, at: timestampOf(proc.exited_at) } : { code: 255, at: rfc3339Nano() });
    } else if (proc) {
      await this.runner.deleteTask(rec.ID);
    }
  }

  async shutdown(): Promise<void> {
    this.accepting = false;
    this.stopOomWatch?.();
    const closing: Promise<void>[] = [];
    for (const l of this.live.values()) {
      clearTimeout(l.restartTimer);
      l.streams?.close();
      if (l.logger) closing.push(l.logger.close().catch(() => undefined));
    }
    await Promise.all([...closing, ...this.cleanups]);
  }
}

/** A protobuf Timestamp as RFC 3339 with nanoseconds. */
export function timestampOf(ts: { seconds?: number | string; nanos?: number } | null | undefined): string {
  if (!ts || !Number(ts.seconds)) return rfc3339Nano();
  const ms = Number(ts.seconds) * 1000;
  const nanos = ts.nanos ?? 0;
  return rfc3339Nano(ms + Math.floor(nanos / 1e6), nanos % 1e6);
}
