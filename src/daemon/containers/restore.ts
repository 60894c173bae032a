// berthd's start: the records on disk brought in line with containerd. Running tasks are
// adopted (also one started just before a crash), exits that happened meanwhile are recorded,
// removals that a crash interrupted are finished, and restart policies honoured.
import { GrpcStatus, isGrpcCode } from '../../runtime/containerd-client.js';
import { rfc3339Nano, timestampOf } from './record.js';
import type { ContainerService } from './service.js';
import type { Live } from './live.js';
import { volumeNames } from './mount-points.js';

export async function restoreContainers(svc: ContainerService): Promise<void> {
  for (const rec of svc.store.loadAll()) svc.register(rec);
  await Promise.all(svc.all().map((l) => reconcile(svc, l).catch((err) => {
    console.error(`berthd: reconciling ${l.rec.ID.slice(0, 12)}: ${err instanceof Error ? err.message : err}`);
  })));
  for (const l of svc.all()) {
    const p = l.rec.HostConfig.RestartPolicy?.Name;
    if (!l.rec.State.Running && !l.rec.State.Restarting && !l.rec.HasBeenManuallyStopped && (p === 'always' || p === 'unless-stopped') && l.rec.HasBeenStartedBefore) {
      void svc.locked(l, () => svc.lifecycle.startTask(l)).catch((err) => console.error(`berthd: restart ${l.rec.ID.slice(0, 12)}: ${err.message}`));
    }
  }
}

async function reconcile(svc: ContainerService, l: Live): Promise<void> {
  const rec = l.rec;
  rec.State.Restarting = false;
  if (rec.State.RemovalInProgress) {
    // berthd died while removing it: the removal is finished now.
    rec.State.RemovalInProgress = false;
    l.taskGone = svc.runner.deleteTask(rec.ID);
    await svc.removal.removeRecord(l);
    return;
  }
  let proc: any;
  try {
    proc = (await svc.d.containerd.tasks.Get({ container_id: rec.ID })).process;
  } catch (err) {
    if (!isGrpcCode(err, GrpcStatus.NOT_FOUND)) throw err;
  }
  if (proc && (proc.status === 'RUNNING' || proc.status === 'PAUSED' || proc.status === 'PAUSING')) {
    // Also a task berthd started but died before recording: it runs, so it is adopted.
    if (!rec.State.Running) Object.assign(rec.State, { Running: true, Pid: proc.pid, StartedAt: rfc3339Nano(), ExitCode: 0, Error: '' });
    rec.State.Paused = proc.status !== 'RUNNING';
    for (const name of volumeNames(rec)) svc.d.volumes.adopt(name, rec.ID);
    svc.exits.watch(l, (await svc.runner.reattach(l)).exited);
    await svc.save(l);
    return;
  }
  if (rec.State.Running) {
    await svc.exits.handle(l, proc ? { code: proc.exit_status, at: timestampOf(proc.exited_at) } : { code: 255, at: rfc3339Nano() });
  } else if (proc) {
    await svc.runner.deleteTask(rec.ID);
  }
}
