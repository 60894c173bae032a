// A container's task lifecycle: start, stop, kill, restart, pause, unpause and wait. Every state
// transition runs under the container's lock (service.locked); signals are sent outside it, so a
// `kill` or an `rm -f` never waits behind a `stop` that is waiting for its timeout.
import { conflict, invalid, notModified, EngineError } from '../../common/errors.js';
import { GrpcStatus, grpcMessage, isGrpcCode } from '../../runtime/containerd-client.js';
import { rfc3339Nano, ZERO_TIME } from './record.js';
import { parseSignal } from './signals.js';
import type { ContainerService } from './service.js';
import type { ExitInfo, Live } from './live.js';

export const SIGKILL = 9;

/** The exit status dockerd reports when a task cannot be created (as `docker run` exits). */
function startFailureCode(message: string): number {
  if (/executable file not found|no such file or directory/.test(message)) return 127;
  if (/permission denied|not a directory|is a directory/.test(message)) return 126;
  return 128;
}

export function requireRunning(l: Live, prefix = ''): void {
  if (!l.rec.State.Running) throw conflict(`${prefix}Container ${l.rec.ID} is not running`);
}

export class Lifecycle {
  constructor(private readonly svc: ContainerService) {}

  async start(ref: string): Promise<void> {
    const l = this.svc.get(ref);
    await this.svc.locked(l, async () => {
      if (l.rec.State.Running) throw notModified();
      if (l.rec.State.RemovalInProgress || l.rec.State.Dead) throw conflict(`container is marked for removal and cannot be started`);
      clearTimeout(l.restartTimer);
      await this.startTask(l);
    });
  }

  /** Starts the task and records it; on failure records the exit status dockerd would. Call under the lock. */
  async startTask(l: Live): Promise<void> {
    const rec = l.rec;
    await l.taskGone;
    try {
      const { pid, exited } = await this.svc.runner.launch(l);
      Object.assign(rec.State, {
        Running: true, Paused: false, Restarting: false, OOMKilled: false, Dead: false, Pid: pid, ExitCode: 0, Error: '',
        StartedAt: rfc3339Nano(), FinishedAt: rec.HasBeenStartedBefore ? rec.State.FinishedAt : ZERO_TIME,
      });
      rec.HasBeenStartedBefore = true;
      rec.HasBeenManuallyStopped = false;
      await this.svc.save(l);
      this.svc.emit(l, 'start');
      l.bus.emit('start');
      this.svc.exits.watch(l, exited);
    } catch (err) {
      // As dockerd: the error and an exit code stay in State, and an AutoRemove container goes.
      const message = err instanceof EngineError ? err.message : grpcMessage(err);
      const code = startFailureCode(message);
      rec.State.ExitCode = code;
      rec.State.Error = message;
      await this.svc.save(l);
      this.svc.emit(l, 'die', { exitCode: String(code) });
      l.bus.emit('exit', { code, at: rfc3339Nano() } satisfies ExitInfo);
      if (rec.HostConfig.AutoRemove) void this.svc.removal.removeRecord(l, true);
      if (err instanceof EngineError) throw err;
      throw code === 128 ? new EngineError(500, message) : invalid(message);
    }
  }

  async kill(ref: string, signal?: string): Promise<void> {
    const l = this.svc.get(ref);
    const sig = signal ? parseSignal(signal) : SIGKILL;
    requireRunning(l, `Cannot kill container: ${ref}: `);
    if (l.rec.State.Paused && sig !== SIGKILL) throw conflict(`Cannot kill container: ${ref}: Container ${l.rec.ID} is paused. Unpause the container before stopping or killing`);
    l.rec.HasBeenManuallyStopped = true;
    await this.svc.save(l);
    // As dockerd: a SIGKILL returns once the container is down (bounded wait).
    const exited = sig === SIGKILL ? this.nextExit(l, 10_000) : undefined;
    await this.signal(l, sig);
    if (exited && await exited) await l.exitDone;
  }

  async signal(l: Live, sig: number): Promise<void> {
    this.svc.emit(l, 'kill', { signal: String(sig) });
    try {
      await this.svc.d.containerd.tasks.Kill({ container_id: l.rec.ID, exec_id: '', signal: sig, all: false });
    } catch (err) {
      if (!isGrpcCode(err, GrpcStatus.NOT_FOUND)) throw err;
    }
  }

  /** Resolves with the next exit, or after `ms` with undefined (never with ms < 0). */
  nextExit(l: Live, ms: number): Promise<ExitInfo | undefined> {
    return new Promise((resolve) => {
      const done = (e?: ExitInfo) => { clearTimeout(t); l.bus.off('exit', done); resolve(e); };
      const t = ms >= 0 ? setTimeout(() => done(undefined), ms) : undefined;
      l.bus.on('exit', done);
    });
  }

  /** SIGKILL, and the exit fully processed (bounded wait); a container not running is left alone. */
  async killAndWait(l: Live): Promise<void> {
    if (!l.rec.State.Running) return;
    const exited = this.nextExit(l, 30_000);
    await this.signal(l, SIGKILL);
    await exited;
    await l.exitDone;
  }

  async stop(ref: string, opts: { t?: number; signal?: string } = {}): Promise<void> {
    const l = this.svc.get(ref);
    await this.svc.locked(l, async () => {
      if (!l.rec.State.Running) {
        if (l.rec.State.Restarting) { await this.cancelRestart(l); return; }
        throw notModified();
      }
      l.rec.HasBeenManuallyStopped = true;
      await this.svc.save(l);
      await this.stopTask(l, opts);
      this.svc.emit(l, 'stop');
    });
  }

  private cancelRestart(l: Live): Promise<void> {
    clearTimeout(l.restartTimer);
    l.rec.State.Restarting = false;
    l.rec.HasBeenManuallyStopped = true;
    return this.svc.save(l);
  }

  private async stopTask(l: Live, opts: { t?: number; signal?: string }): Promise<void> {
    const sig = parseSignal(opts.signal || l.rec.Config.StopSignal || 'SIGTERM');
    const timeout = opts.t ?? l.rec.Config.StopTimeout ?? 10;
    const exited = this.nextExit(l, timeout < 0 ? -1 : timeout * 1000);
    if (l.rec.State.Paused && sig !== SIGKILL) {
      await this.svc.d.containerd.tasks.Resume({ container_id: l.rec.ID }).catch(() => undefined);
    }
    await this.signal(l, sig);
    if (await exited) return;
    const killed = this.nextExit(l, 30_000);
    await this.signal(l, SIGKILL);
    await killed;
  }

  async restart(ref: string, opts: { t?: number; signal?: string } = {}): Promise<void> {
    const l = this.svc.get(ref);
    await this.svc.locked(l, async () => {
      if (l.rec.State.Running) {
        l.rec.HasBeenManuallyStopped = true;
        await this.stopTask(l, opts);
        await l.exitDone;
        this.svc.emit(l, 'stop');
      }
      if (l.rec.State.RemovalInProgress) return;
      clearTimeout(l.restartTimer);
      l.rec.State.Restarting = false;
      await this.startTask(l);
      this.svc.emit(l, 'restart');
    });
  }

  async pause(ref: string): Promise<void> {
    const l = this.svc.get(ref);
    await this.svc.locked(l, async () => {
      requireRunning(l);
      if (l.rec.State.Paused) throw conflict(`Container ${l.rec.ID} is already paused`);
      if (!l.copyFreeze?.frozen) await this.svc.d.containerd.tasks.Pause({ container_id: l.rec.ID });
      l.rec.State.Paused = true;
      await this.svc.save(l);
      this.svc.emit(l, 'pause');
    });
  }

  async unpause(ref: string): Promise<void> {
    const l = this.svc.get(ref);
    await this.svc.locked(l, async () => {
      if (!l.rec.State.Paused) throw conflict(`Container ${l.rec.ID} is not paused`);
      if (!l.copyFreeze?.takeOver()) await this.svc.d.containerd.tasks.Resume({ container_id: l.rec.ID });
      l.rec.State.Paused = false;
      await this.svc.save(l);
      this.svc.emit(l, 'unpause');
    });
  }

  /**
   * Checks the request synchronously (404, 400 before any header is sent), then resolves with
   * the exit status once the condition is met.
   */
  wait(ref: string, condition = 'not-running', gone?: AbortSignal): Promise<{ StatusCode: number; Error: { Message: string } | null }> {
    const l = this.svc.get(ref);
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
}
