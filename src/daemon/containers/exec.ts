// Exec instances: extra processes in a running container (Tasks.Exec with a process spec
// derived from the container's). Kept in memory as dockerd does; listed in the container's ExecIDs.
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { conflict, notFound, EngineError } from '../../common/errors.js';
import { anyJson, grpcMessage } from '../../runtime/containerd-client.js';
import { makeFifos, removeFifos, TaskStreams } from '../../runtime/task-io.js';
import { layerDirs } from '../../runtime/snapshot-layers.js';
import { hostCapabilities } from '../../runtime/capabilities.js';
import { resolveUser } from '../../runtime/rootfs-user.js';
import { mergeEnv } from './create-config.js';
import type { ContainerService } from './service.js';
import type { Live } from './live.js';

const PROCESS_SPEC_TYPE = 'types.containerd.io/opencontainers/runtime-spec/1/Process';
const KEEP_FINISHED = 64;

export interface ExecRecord {
  ID: string;
  ContainerID: string;
  Running: boolean;
  ExitCode: number | null;
  Pid: number;
  OpenStdin: boolean;
  OpenStdout: boolean;
  OpenStderr: boolean;
  CanRemove: boolean;
  DetachKeys: string;
  Tty: boolean;
  Env: string[];
  User: string;
  WorkingDir: string;
  Privileged: boolean;
  Cmd: string[];
  /** [height, width] of a Tty exec's terminal at start. */
  ConsoleSize: number[] | null;
  started: boolean;
  streams?: TaskStreams;
  /** Emits 'running' once started and 'exit' once the exit code is recorded. */
  bus: EventEmitter;
}

export class ExecService {
  private readonly execs = new Map<string, ExecRecord>();

  constructor(private readonly containers: ContainerService) {}

  private running(l: Live): void {
    if (!l.rec.State.Running) throw conflict(`Container ${l.rec.ID} is not running`);
    if (l.rec.State.Paused) throw conflict(`Container ${l.rec.ID} is paused, unpause the container before exec`);
    if (l.rec.State.Restarting) throw conflict(`Container ${l.rec.ID} is restarting, wait until the container is running`);
  }

  create(ref: string, body: Record<string, any>): { Id: string } {
    const l = this.containers.get(ref);
    this.running(l);
    const cmd: string[] = Array.isArray(body.Cmd) ? body.Cmd : body.Cmd ? [String(body.Cmd)] : [];
    if (cmd.length === 0) throw new EngineError(400, 'No exec command specified');
    const e: ExecRecord = {
      ID: randomBytes(32).toString('hex'), ContainerID: l.rec.ID, Running: false, ExitCode: null, Pid: 0,
      OpenStdin: !!body.AttachStdin, OpenStdout: !!body.AttachStdout, OpenStderr: !!body.AttachStderr, CanRemove: false,
      DetachKeys: body.DetachKeys ?? '', Tty: !!body.Tty, Env: body.Env ?? [], User: body.User ?? '',
      WorkingDir: body.WorkingDir ?? '', Privileged: !!body.Privileged, Cmd: cmd,
      ConsoleSize: Array.isArray(body.ConsoleSize) ? body.ConsoleSize : null, started: false, bus: new EventEmitter(),
    };
    this.execs.set(e.ID, e);
    l.rec.ExecIDs = [...(l.rec.ExecIDs ?? []), e.ID];
    this.containers.emit(l, `exec_create: ${cmd.join(' ')}`, { execID: e.ID });
    return { Id: e.ID };
  }

  get(id: string): ExecRecord {
    const e = this.execs.get(id);
    if (!e) throw notFound(`No such exec instance: ${id}`);
    return e;
  }

  inspect(id: string): Record<string, unknown> {
    const e = this.get(id);
    return {
      ID: e.ID, Running: e.Running, ExitCode: e.ExitCode,
      ProcessConfig: { tty: e.Tty, entrypoint: e.Cmd[0], arguments: e.Cmd.slice(1), privileged: e.Privileged, ...(e.User ? { user: e.User } : {}) },
      OpenStdin: e.OpenStdin, OpenStderr: e.OpenStderr, OpenStdout: e.OpenStdout, CanRemove: e.CanRemove,
      ContainerID: e.ContainerID, DetachKeys: e.DetachKeys, Pid: e.Pid,
    };
  }

  /** Checks an exec can start (before the route hijacks the connection). */
  checkStartable(id: string): ExecRecord {
    const e = this.get(id);
    if (e.started) throw conflict(`Error: Exec command ${id} is already running`);
    this.running(this.containers.get(e.ContainerID));
    return e;
  }

  /**
   * Starts the process. `ready` receives its streams before it runs so no output is missed.
   * A process that cannot start reports its error by rejecting (the exit code is then recorded).
   */
  async start(id: string, opts: { tty?: boolean }, ready: (streams: TaskStreams) => void): Promise<void> {
    const e = this.checkStartable(id);
    e.started = true;
    const l = this.containers.get(e.ContainerID);
    const cd = this.containers.d.containerd;
    if (opts.tty !== undefined) e.Tty = opts.tty;
    const fifoDir = this.containers.d.runPath('fifo', e.ContainerID, e.ID.slice(0, 32));
    let streams: TaskStreams | undefined;
    try {
      const base = l.spec?.process ?? {};
      const user = e.User ? await resolveUser(layerDirs(await this.containers.mounts(l.rec.ID)), e.User) : undefined;
      const proc = {
        ...base, terminal: e.Tty, args: e.Cmd, env: mergeEnv(base.env ?? [], [...(e.Tty ? ['TERM=xterm'] : []), ...e.Env]),
        cwd: e.WorkingDir || base.cwd || '/',
        user: user ? { uid: user.uid, gid: user.gid, additionalGids: user.additionalGids } : base.user,
        // As Docker: a privileged exec gets every capability (of this host's bounding set).
        ...(e.Privileged ? { capabilities: { bounding: hostCapabilities(), effective: hostCapabilities(), permitted: hostCapabilities() } } : {}),
      };
      const [height, width] = e.ConsoleSize ?? [];
      if (e.Tty && height && width) proc.consoleSize = { height, width };
      else delete proc.consoleSize;
      const paths = await makeFifos(this.containers.fifos, fifoDir, { stdin: e.OpenStdin, tty: e.Tty });
      streams = new TaskStreams(paths);
      e.streams = streams;
      ready(streams);
      await cd.tasks.Exec({
        container_id: e.ContainerID, exec_id: e.ID, stdin: paths.stdin, stdout: paths.stdout, stderr: paths.stderr,
        terminal: paths.terminal, spec: anyJson(PROCESS_SPEC_TYPE, proc),
      });
      const waited = cd.tasks.Wait({ container_id: e.ContainerID, exec_id: e.ID });
      try {
        const started = await cd.tasks.Start({ container_id: e.ContainerID, exec_id: e.ID });
        e.Pid = started.pid;
        streams.started(() => cd.tasks.CloseIO({ container_id: e.ContainerID, exec_id: e.ID, stdin: true }));
      } catch (err) {
        await cd.tasks.DeleteProcess({ container_id: e.ContainerID, exec_id: e.ID }).catch(() => undefined);
        throw err;
      }
      e.Running = true;
      e.bus.emit('running');
      this.containers.emit(l, `exec_start: ${e.Cmd.join(' ')}`, { execID: e.ID });
      const exit = await waited.catch(() => ({ exit_status: 126 }));
      await streams.drained(2000);
      e.ExitCode = exit.exit_status;
      e.Running = false;
      e.Pid = 0;
      // The exit is known: the client gets its answer without waiting for containerd's cleanup.
      void cd.tasks.DeleteProcess({ container_id: e.ContainerID, exec_id: e.ID }).catch(() => undefined);
      this.containers.emit(l, 'exec_die', { execID: e.ID, exitCode: String(e.ExitCode) });
    } catch (err) {
      e.Running = false;
      e.ExitCode = 126;
      throw err instanceof EngineError ? err : new EngineError(500, grpcMessage(err));
    } finally {
      streams?.close();
      void removeFifos(fifoDir);
      l.rec.ExecIDs = l.rec.ExecIDs?.filter((x) => x !== e.ID) ?? null;
      this.forgetOld(e.ContainerID);
      e.bus.emit('exit');
    }
  }

  async resize(id: string, h: number, w: number): Promise<void> {
    const e = this.get(id);
    // The CLI resizes right after the stream opens, which may be before the process runs.
    if (!e.Running && e.started && e.ExitCode === null) {
      await new Promise((resolve) => { e.bus.once('running', resolve); e.bus.once('exit', resolve); });
    }
    if (!e.Running) throw conflict(`Exec ${id} is not running`);
    await this.containers.d.containerd.tasks.ResizePty({ container_id: e.ContainerID, exec_id: e.ID, width: w, height: h });
  }

  /** The container stopped: its exec list empties; finished execs stay inspectable until it goes. */
  containerExited(l: Live): void {
    l.rec.ExecIDs = null;
  }

  /** Keeps the newest finished execs of a container (health checks would otherwise pile up). */
  private forgetOld(containerId: string): void {
    const done = [...this.execs.values()].filter((x) => x.ContainerID === containerId && x.ExitCode !== null);
    for (const old of done.slice(0, Math.max(0, done.length - KEEP_FINISHED))) this.execs.delete(old.ID);
  }

  containerRemoved(containerId: string): void {
    for (const e of this.execs.values()) if (e.ContainerID === containerId) this.execs.delete(e.ID);
  }
}
