// A container's filesystem from outside: `docker cp` (stat, archive, extract), `export`, `diff`
// and `commit`. A stopped container's snapshot is mounted privately only under its lock, never
// while a client streams (what is read is spooled to a root-only file first), so a start cannot
// meet a second mount of the same upper directory and no client can hold the container up. A
// running container is read through its live root without freezing; it is frozen only while an
// upload is extracted (CVE-2018-15664 class) or its layers are read for an export.
import type { Readable } from 'node:stream';
import { EngineError } from '../../common/errors.js';
import { resolveScoped } from '../../common/scoped-path.js';
import { grpcMessage } from '../../runtime/containerd-client.js';
import { archivePath, extractInto, openRootfs, spool, spoolUpload, statPath, type PathStat, type Rootfs } from './archive.js';
import { CopyFreeze } from './copy-freeze.js';
import { mountPointAt } from './rootfs-mounts.js';
import { changes, exportRootfs, type Change } from './fs-views.js';
import type { ContainerService } from './service.js';
import type { Live } from './live.js';

export interface CommitOptions { repo: string; tag: string; comment: string; author: string; changes: string[]; pause: boolean; config?: Record<string, any> }

/**
 * As Docker checks the destination (resolved in the root) of an upload: inside a mount it must be
 * a writable one, elsewhere the rootfs must not be read-only (both 500 in dockerd 20.10; the
 * rootfs case answers 403, as the API documents it).
 */
function checkWritable(l: Live, resolved: string): void {
  const mp = mountPointAt(l.rec.MountPoints ?? [], resolved);
  if (mp && !mp.RW) throw new EngineError(500, 'mounted volume is marked read-only');
  if (!mp && l.rec.HostConfig.ReadonlyRootfs) throw new EngineError(403, 'container rootfs is marked read-only');
}

export class FsOps {
  constructor(private readonly svc: ContainerService) {}

  private get scratch(): string { return this.svc.d.runPath('mnt'); }

  /** The container's root directory: its live root, or its snapshot mounted privately. Call under the lock. */
  private openRoot(l: Live, writable: boolean): Promise<Rootfs> {
    return openRootfs(l, () => this.svc.idleMounts(l), writable, this.scratch);
  }

  /** Runs `fn` with a running container frozen; the user's own pause is never undone (see copy-freeze.ts). */
  private async frozen<T>(l: Live, fn: () => Promise<T>): Promise<T> {
    const id = l.rec.ID;
    const tasks = this.svc.d.containerd.tasks;
    l.copyFreeze ??= new CopyFreeze({
      pause: () => tasks.Pause({ container_id: id }),
      resume: () => tasks.Resume({ container_id: id }),
      userPaused: () => l.rec.State.Paused,
    });
    const thaw = await l.copyFreeze.hold(l.rec.State.Running);
    try { return await fn(); } finally { await thaw(); }
  }

  /**
   * Runs a read: on a running container at once (its live root needs no lock, so a `docker cp`
   * never waits behind a `stop`), on a stopped one under its lock (its snapshot gets mounted).
   */
  private reading<T>(l: Live, fn: () => Promise<T>): Promise<T> {
    return l.rec.State.Running ? fn() : this.svc.locked(l, fn);
  }

  /** Reads need no freeze: they never follow a link the container could swap in (see archive.ts). */
  async archiveStat(ref: string, path: string): Promise<PathStat> {
    const l = this.svc.get(ref);
    return this.reading(l, async () => {
      const root = await this.openRoot(l, false);
      try { return await statPath(root.dir, path, ref); } finally { await root.release(); }
    });
  }

  /** The path's stat and a tar of it: streamed from a running container, spooled from a stopped one. */
  async archiveGet(ref: string, path: string): Promise<{ stat: PathStat; tar: Readable }> {
    const l = this.svc.get(ref);
    const out = await this.reading(l, async () => {
      const root = await this.openRoot(l, false);
      const live = l.rec.State.Running;
      try {
        const stat = await statPath(root.dir, path, ref);
        const tar = await archivePath(root.dir, path);
        return { stat, tar: live ? tar : await spool(tar, this.scratch) };
      } finally {
        await root.release();
      }
    });
    this.svc.emit(l, 'archive-path');
    return out;
  }

  async archivePut(ref: string, path: string, body: Readable, opts: { noOverwriteDirNonDir: boolean }): Promise<void> {
    const l = this.svc.get(ref);
    const upload = await spoolUpload(body, this.scratch);
    try {
      await this.svc.locked(l, () => this.frozen(l, async () => {
        const root = await this.openRoot(l, true);
        try {
          checkWritable(l, await resolveScoped(root.dir, path, true));
          await extractInto(root.dir, path, ref, upload.read(), opts);
        } finally {
          await root.release();
        }
      }));
    } finally {
      await upload.release();
    }
    this.svc.emit(l, 'extract-to-dir');
  }

  /**
   * `docker export`: the container's filesystem (a running one's own rootfs mount, a stopped
   * one's layers in a read-only private mount), tarred to a spool file while nothing can change
   * it (a running container frozen meanwhile, a stopped one unable to start), then streamed.
   */
  async export(ref: string): Promise<Readable> {
    const l = this.svc.get(ref);
    const tar = await this.svc.locked(l, () => this.frozen(l, async () =>
      spool(await exportRootfs(await this.svc.idleMounts(l), l.rec.State.Running, this.scratch), this.scratch)));
    this.svc.emit(l, 'export');
    return tar;
  }

  async changes(ref: string): Promise<Change[]> {
    return changes(await this.svc.mounts(this.svc.get(ref).rec.ID));
  }

  /**
   * `docker commit`: pauses a running container (unless told not to) while its changes are read.
   * Under the container's lock, so a user's `pause` or `unpause` waits and is never undone.
   */
  async commit(ref: string, opts: CommitOptions): Promise<string> {
    const l = this.svc.get(ref);
    return this.svc.locked(l, async () => {
      const paused = opts.pause && l.rec.State.Running && !l.rec.State.Paused && await this.pauseForCommit(l);
      try {
        const id = await this.svc.d.images.commit({
          imageId: l.rec.Image, containerId: l.rec.ID, containerConfig: l.rec.Config,
          createdBy: [l.rec.Path, ...l.rec.Args].join(' '), changes: opts.changes, comment: opts.comment, author: opts.author,
          configOverride: opts.config, mounts: await this.svc.idleMounts(l), repo: opts.repo, tag: opts.tag,
        });
        this.svc.emit(l, 'commit', { comment: opts.comment, imageID: id, imageRef: opts.repo ? `${opts.repo}:${opts.tag || 'latest'}` : '' });
        return id;
      } finally {
        if (paused) await this.svc.d.containerd.tasks.Resume({ container_id: l.rec.ID }).catch(() => undefined);
      }
    });
  }

  /** Pauses the task; false when it has already ended (its exit not yet recorded): nothing to pause. */
  private async pauseForCommit(l: Live): Promise<boolean> {
    const tasks = this.svc.d.containerd.tasks;
    try {
      await tasks.Pause({ container_id: l.rec.ID });
      return true;
    } catch (err) {
      const status = await tasks.Get({ container_id: l.rec.ID }).then((r) => r.process?.status, () => 'STOPPED');
      if (status === 'STOPPED' || status === 'UNKNOWN') return false;
      throw new EngineError(500, grpcMessage(err));
    }
  }
}
