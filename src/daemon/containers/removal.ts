// Removing containers: `rm` (with `-f`), the auto-removal after an exit, `container prune`.
// A container is gone for clients at once; its snapshot, directory and FIFOs are cleaned up in
// the background of the reply (awaited at shutdown, finished at the next start after a crash).
import { rm } from 'node:fs/promises';
import { conflict } from '../../common/errors.js';
import { GrpcStatus, grpcMessage, isGrpcCode } from '../../runtime/containerd-client.js';
import { removeFifos } from '../../runtime/task-io.js';
import { sizes } from './fs-views.js';
import { SNAPSHOTTER } from './task-runner.js';
import type { ContainerService } from './service.js';
import type { Live } from './live.js';
import type { ContainerRecord } from './record.js';
import { removeAnonymousVolumes, removeImageViews } from './mount-points.js';

export class Removal {
  /** Removals still cleaning up in the background (awaited at shutdown). */
  private readonly cleanups = new Set<Promise<void>>();

  constructor(private readonly svc: ContainerService) {}

  async remove(ref: string, opts: { force?: boolean; volumes?: boolean } = {}): Promise<void> {
    const l = this.svc.get(ref);
    const { lifecycle } = this.svc;
    const forceStop = async () => {
      clearTimeout(l.restartTimer);
      l.rec.HasBeenManuallyStopped = true;
      await lifecycle.killAndWait(l);
    };
    // The kill goes out before the lock is taken, so `rm -f` never waits behind a `stop`'s timeout.
    if (opts.force && (l.rec.State.Running || l.rec.State.Restarting)) await forceStop();
    await this.svc.locked(l, async () => {
      if (!this.svc.has(l.rec.ID)) return;
      if (l.rec.State.Running || l.rec.State.Restarting) {
        if (!opts.force) {
          if (l.rec.State.Paused) throw conflict(`cannot remove container "${l.rec.Name}": container is paused and must be unpaused first`);
          throw conflict(`You cannot remove a running container ${l.rec.ID}. Stop the container before attempting removal or force remove`);
        }
        // Started while this removal waited for the lock.
        await forceStop();
      }
      if (!this.svc.has(l.rec.ID)) return;
      await this.removeRecord(l, false, !!opts.volumes);
    });
  }

  /**
   * Removes a container that is not running. An explicit removal is answered at once and cleans
   * up in the background; the auto-removal after an exit keeps the container visible (status
   * "removing") until its files are gone, as dockerd does, so that clients looking at it right
   * after its exit (docker-py's `containers.run` reads its logs and waits) still find it.
   * `volumes` (`rm -v`, and the auto-removal) removes its anonymous volumes too.
   */
  async removeRecord(l: Live, visibleUntilClean = false, volumes = visibleUntilClean): Promise<void> {
    const rec = l.rec;
    if (rec.State.RemovalInProgress) return;
    rec.State.RemovalInProgress = true;
    // Saved so that a berthd killed before the cleanup below finished completes it at restart.
    await this.svc.save(l);
    clearTimeout(l.restartTimer);
    this.svc.execs.containerRemoved(rec.ID);
    const done: Promise<void> = this.cleanUp(rec, l.taskGone).finally(() => this.cleanups.delete(done));
    this.cleanups.add(done);
    if (visibleUntilClean) await Promise.all([done, l.networkGone]);
    this.svc.unregister(l);
    if (volumes) await removeAnonymousVolumes(this.svc, rec);
    this.svc.emit(l, 'destroy');
    l.bus.emit('removed');
  }

  /** The snapshot (once the task is deleted), the record's directory, the FIFOs and mount leftovers of a removed container. */
  private async cleanUp(rec: ContainerRecord, taskGone: Promise<void> | undefined): Promise<void> {
    const id = rec.ID;
    await Promise.all([taskGone, this.svc.store.flushed(id)]);
    await this.svc.d.containerd.snapshots.Remove({ snapshotter: SNAPSHOTTER, key: id }).catch((err) => {
      if (!isGrpcCode(err, GrpcStatus.NOT_FOUND)) console.error(`berthd: removing snapshot ${id.slice(0, 12)}: ${grpcMessage(err)}`);
    });
    await Promise.all([
      rm(this.svc.store.dir(id), { recursive: true, force: true }).catch((err) => console.error(`berthd: removing ${id.slice(0, 12)}: ${err.message}`)),
      removeFifos(this.svc.d.runPath('fifo', id)),
    ]);
    await removeImageViews(this.svc, rec);
  }

  /** `container prune`: each candidate that is still stopped once its lock is free. */
  async prune(candidates: Live[]): Promise<{ ContainersDeleted: string[] | null; SpaceReclaimed: number }> {
    const deleted: string[] = [];
    let reclaimed = 0;
    for (const l of candidates) {
      await this.svc.locked(l, async () => {
        if (!this.svc.has(l.rec.ID) || l.rec.State.Running || l.rec.State.Restarting) return;
        const size = await this.svc.mounts(l.rec.ID).then((m) => sizes(m)).catch(() => ({ SizeRw: 0 }));
        await this.removeRecord(l);
        deleted.push(l.rec.ID);
        reclaimed += size.SizeRw;
      }).catch(() => undefined);
    }
    this.svc.d.events.emit('container', 'prune', '', { reclaimed: String(reclaimed) });
    return { ContainersDeleted: deleted.length ? deleted : null, SpaceReclaimed: reclaimed };
  }

  /** Cleanups still running (for shutdown). */
  settled(): Promise<unknown> {
    return Promise.all(this.cleanups);
  }
}
