// What follows a task's exit: the state recorded, the `die` event, the waiters told, then the
// restart policy (Docker's back-off: 100 ms doubling, at most a minute) or the auto-removal.
import { grpcMessage } from '../../runtime/containerd-client.js';
import { rfc3339Nano, timestampOf, type ContainerRecord } from './record.js';
import type { WaitResponse } from './task-runner.js';
import type { ContainerService } from './service.js';
import type { ExitInfo, Live } from './live.js';

export class ExitHandler {
  constructor(private readonly svc: ContainerService) {}

  /** Follows the task's exit. */
  watch(l: Live, exited: Promise<WaitResponse>): void {
    exited.then(
      (r) => this.handle(l, { code: r.exit_status, at: timestampOf(r.exited_at) }),
      (err) => {
        // On shutdown the channel closes under the waits: the tasks live on, a later berthd reattaches.
        if (!this.svc.accepting) return undefined;
        console.error(`berthd: wait ${l.rec.ID.slice(0, 12)}: ${grpcMessage(err)}`);
        return this.handle(l, { code: 255, at: rfc3339Nano() });
      },
    );
  }

  /** Everything that follows a task's exit; idempotent per task. */
  handle(l: Live, exit: ExitInfo): Promise<void> {
    if (l.exitDone) return l.exitDone;
    l.exitDone = (async () => {
      const rec = l.rec;
      const svc = this.svc;
      // containerd's task delete (the shim's teardown, ~20 ms) is not waited for by clients of
      // the exit; what needs the task gone (a new start, the snapshot's removal) awaits taskGone.
      l.taskGone = svc.runner.deleteTask(rec.ID);
      await svc.runner.release(l);
      svc.execs.containerExited(l);
      Object.assign(rec.State, { Running: false, Paused: false, Pid: 0, ExitCode: exit.code, FinishedAt: exit.at, OOMKilled: !!l.oom });
      l.oom = false;
      const restart = this.shouldRestart(rec, exit.code);
      if (restart) rec.State.Restarting = true;
      void svc.save(l);
      svc.emit(l, 'die', { exitCode: String(exit.code), execDuration: String(Math.max(0, Math.round((Date.parse(exit.at) - Date.parse(rec.State.StartedAt)) / 1000))) });
      l.bus.emit('exit', exit);
      if (rec.HostConfig.AutoRemove) await svc.removal.removeRecord(l, true);
      else if (restart) this.scheduleRestart(l);
    })().finally(() => { l.exitDone = undefined; });
    return l.exitDone;
  }

  private shouldRestart(rec: ContainerRecord, code: number): boolean {
    if (rec.HasBeenManuallyStopped || !this.svc.accepting) return false;
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
      void this.svc.locked(l, async () => {
        if (!l.rec.State.Restarting || !this.svc.has(l.rec.ID)) return;
        l.rec.RestartCount++;
        l.rec.State.Restarting = false;
        try {
          await this.svc.lifecycle.startTask(l);
          this.svc.emit(l, 'restart');
        } catch (err) {
          console.error(`berthd: restarting ${l.rec.ID.slice(0, 12)}: ${(err as Error).message}`);
        }
      });
    }, delay);
  }
}
