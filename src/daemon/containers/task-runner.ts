// A container's containerd side: from the snapshot and the record to a started task (spec,
// FIFOs, logger, network attach), reattaching to a running task after a berthd restart, and
// releasing everything once the task exited. State and events stay with the service.
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { conflict } from '../../common/errors.js';
import { GrpcStatus, isGrpcCode, anyJson, OCI_SPEC_TYPE } from '../../runtime/containerd-client.js';
import { makeFifos, removeFifos, TaskStreams } from '../../runtime/task-io.js';
import { layerDirs } from '../../runtime/snapshot-layers.js';
import { buildSpec } from '../../runtime/oci-spec.js';
import { resolveUser } from '../../runtime/rootfs-user.js';
import type { NetworkState } from '../../network/types.js';
import { createLogger, type Logger } from './logs/index.js';
import { mergeEnv, DEFAULT_PATH } from './create-config.js';
import type { ContainerRecord } from './record.js';
import type { ContainerService } from './service.js';
import type { Live } from './live.js';
import { releaseMounts, specMounts } from './mount-points.js';

export const SNAPSHOTTER = 'overlayfs';
const RUNTIME = 'io.containerd.runc.v2';
// Static init binaries (`--init`), as Debian installs them.
const INIT_BINARIES = ['/usr/bin/docker-init', '/usr/bin/tini-static'];

let initFound: string | undefined;
/** The first init binary installed (remembered once found). */
async function initBinary(): Promise<string | undefined> {
  for (const p of initFound ? [initFound] : INIT_BINARIES) {
    if (await access(p).then(() => true, () => false)) return (initFound = p);
  }
  return undefined;
}

/** What Tasks.Wait answers. */
export interface WaitResponse { exit_status: number; exited_at?: { seconds?: number | string; nanos?: number } }

export class TaskRunner {
  constructor(private readonly svc: ContainerService) {}

  private get cd() { return this.svc.d.containerd; }

  private fifoDir(id: string): string { return this.svc.d.runPath('fifo', id); }

  /**
   * Creates and starts the task; on success l.streams/logger/spec and rec.NetworkState are set.
   * On failure everything made so far is undone and the error is rethrown.
   */
  async launch(l: Live): Promise<{ pid: number; exited: Promise<WaitResponse> }> {
    const rec = l.rec;
    const c = rec.Config;
    const cd = this.cd;
    const d = this.svc.d;
    const netReq = this.svc.networkRequest(rec);
    let streams: TaskStreams | undefined;
    let logger: Logger | undefined;
    let created = false;
    let netState: NetworkState | undefined;
    let volumesHeld = false;
    try {
      const [mounts, prepared, extraMounts] = await Promise.all([this.svc.mounts(rec.ID), d.networks.prepare(netReq),
        specMounts(this.svc, rec).then((m) => { volumesHeld = true; return m; })]);
      const user = await resolveUser(layerDirs(mounts), c.User ?? '', rec.HostConfig.GroupAdd ?? []);
      const env = mergeEnv([`PATH=${DEFAULT_PATH}`, `HOSTNAME=${c.Hostname}`, ...(c.Tty ? ['TERM=xterm'] : [])], c.Env ?? []);
      const spec = buildSpec({
        id: rec.ID, hostname: c.Hostname, domainname: c.Domainname ?? '', args: [rec.Path, ...rec.Args], env,
        cwd: c.WorkingDir || '/', user, tty: !!c.Tty, openStdin: !!c.OpenStdin, netns: prepared.netns,
        etcFiles: { hosts: rec.HostsPath, hostname: rec.HostnamePath, resolvConf: rec.ResolvConfPath },
        hostConfig: rec.HostConfig, cgroupsPath: `/berth/${rec.ID}`, namespacePaths: this.joinedNamespaces(rec),
        initPath: rec.HostConfig.Init ? await initBinary() : undefined, mounts: extraMounts,
      }) as unknown as Record<string, any>;
      const paths = await makeFifos(this.svc.fifos, this.fifoDir(rec.ID), { stdin: !!c.OpenStdin, tty: !!c.Tty });
      streams = new TaskStreams(paths);
      logger = this.attachLogger(rec, streams);
      for (const sink of l.attachers) streams.attach(sink);
      await this.createContainer(rec, spec);
      created = true;
      const task = await cd.tasks.Create({
        container_id: rec.ID, rootfs: mounts, stdin: paths.stdin, stdout: paths.stdout, stderr: paths.stderr, terminal: paths.terminal,
      });
      netState = await d.networks.attach(netReq, task.pid);
      if (prepared.netns !== 'host') await d.networks.writeEtcFiles(this.svc.store.dir(rec.ID), netReq, netState);
      const exited: Promise<WaitResponse> = cd.tasks.Wait({ container_id: rec.ID });
      exited.catch(() => undefined);
      await cd.tasks.Start({ container_id: rec.ID });
      streams.started(() => cd.tasks.CloseIO({ container_id: rec.ID, exec_id: '', stdin: true }));
      rec.NetworkState = netState;
      l.streams = streams; l.logger = logger; l.spec = spec;
      l.attachers.clear();
      return { pid: task.pid, exited };
    } catch (err) {
      streams?.close();
      await logger?.close().catch(() => undefined);
      if (created) {
        await cd.tasks.Delete({ container_id: rec.ID }).catch(() => undefined);
        await cd.containers.Delete({ id: rec.ID }).catch(() => undefined);
      }
      if (netState) await d.networks.detach(rec.ID, netState).catch(() => undefined);
      if (volumesHeld) await releaseMounts(this.svc, rec);
      throw err;
    }
  }

  /** /proc/<pid>/ns/* of the containers named by IpcMode/PidMode/UTSMode `container:<ref>`. */
  private joinedNamespaces(rec: ContainerRecord): { ipc?: string; pid?: string; uts?: string } {
    const out: { ipc?: string; pid?: string; uts?: string } = {};
    for (const [key, field] of [['ipc', 'IpcMode'], ['pid', 'PidMode'], ['uts', 'UTSMode']] as const) {
      const mode: string = rec.HostConfig[field] ?? '';
      if (!mode.startsWith('container:')) continue;
      const other = this.svc.get(mode.slice('container:'.length));
      if (!other.rec.State.Running) throw conflict(`cannot join ${key.toUpperCase()} of a non running container: ${other.rec.ID}`);
      out[key] = `/proc/${other.rec.State.Pid}/ns/${key}`;
    }
    return out;
  }

  private async createContainer(rec: ContainerRecord, spec: object): Promise<void> {
    const container = {
      id: rec.ID, image: rec.ImageRef, runtime: { name: RUNTIME }, spec: anyJson(OCI_SPEC_TYPE, spec),
      snapshotter: SNAPSHOTTER, snapshot_key: rec.ID, labels: { 'berth.name': rec.Name.slice(1) },
    };
    try {
      await this.cd.containers.Create({ container });
    } catch (err) {
      if (!isGrpcCode(err, GrpcStatus.ALREADY_EXISTS)) throw err;
      await this.deleteTask(rec.ID);
      await this.cd.containers.Create({ container });
    }
  }

  /** Creates the container's logger and feeds it the task's output. */
  private attachLogger(rec: ContainerRecord, streams: TaskStreams): Logger {
    const lc = rec.HostConfig.LogConfig;
    const logger = createLogger(lc.Type, lc.Config ?? {}, rec.LogPath, {
      id: rec.ID, name: rec.Name, imageId: rec.Image, imageName: rec.ImageRef, labels: rec.Config.Labels ?? {}, env: rec.Config.Env ?? [],
    });
    streams.attach({ write: (stream, chunk) => { logger.write(stream, chunk); return true; }, end: () => undefined });
    return logger;
  }

  /** Reopens a running task's FIFOs (kept under the exec-root) and resumes logging; resolves its spec and exit. */
  async reattach(l: Live): Promise<{ exited: Promise<WaitResponse> }> {
    const rec = l.rec;
    const cd = this.cd;
    const dir = this.fifoDir(rec.ID);
    const streams = new TaskStreams({
      stdin: rec.Config.OpenStdin ? join(dir, 'stdin') : '', stdout: join(dir, 'stdout'),
      stderr: rec.Config.Tty ? '' : join(dir, 'stderr'), terminal: !!rec.Config.Tty,
    });
    streams.started(() => cd.tasks.CloseIO({ container_id: rec.ID, exec_id: '', stdin: true }));
    l.logger = this.attachLogger(rec, streams);
    l.streams = streams;
    const c = await cd.containers.Get({ id: rec.ID });
    l.spec = JSON.parse(Buffer.from(c.container.spec.value).toString());
    return { exited: cd.tasks.Wait({ container_id: rec.ID }) };
  }

  /** Deletes the task (if any) and the containerd container. */
  async deleteTask(id: string): Promise<void> {
    await this.cd.tasks.Delete({ container_id: id }).catch(() => undefined);
    await this.cd.containers.Delete({ id }).catch(() => undefined);
  }

  /** After an exit: output drained and logged, network released, FIFOs removed (the task is deleted by the caller). */
  async release(l: Live): Promise<void> {
    const rec = l.rec;
    const netState = rec.NetworkState as NetworkState | undefined;
    rec.NetworkState = undefined;
    // Not awaited: the ports and the endpoint are released at once, the CNI DEL (portmap's
    // iptables work, ~100 ms) finishes in the background and a clashing attach waits for it.
    if (netState) {
      l.networkGone = this.svc.d.networks.detach(rec.ID, netState)
        .catch((err) => console.error(`berthd: network detach ${rec.ID.slice(0, 12)}: ${err.message}`));
    }
    await l.streams?.drained(2000);
    l.streams?.close();
    await l.logger?.close().catch(() => undefined);
    l.streams = undefined; l.logger = undefined; l.spec = undefined;
    await Promise.all([removeFifos(this.fifoDir(rec.ID)), releaseMounts(this.svc, rec)]);
  }
}
