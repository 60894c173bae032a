// The freeze around `docker cp` on a running container (the fix Docker made for CVE-2018-15664):
// while berthd resolves paths inside /proc/<pid>/root and reads or writes there as root, the task
// is paused so nothing in the container can swap a checked directory for a symlink to the host.
// Copies on the same container share one freeze (a count of holders); the last one out resumes
// the task unless the user paused it meanwhile. Pause and resume calls are queued so a resume can
// never overtake the pause of a copy that starts right after. No events: the freeze is internal.

export interface TaskPauser {
  pause(): Promise<unknown>;
  resume(): Promise<unknown>;
  /** The user's pause (docker pause), which the freeze never undoes. */
  userPaused(): boolean;
}

export class CopyFreeze {
  private holders = 0;
  /** The task is (being) paused by copies, not by the user. */
  private ours = false;
  private queue: Promise<unknown> = Promise.resolve();
  /** The copies' pending or done pause, which later holders wait for too. */
  private pausing: Promise<unknown> = Promise.resolve();

  constructor(private readonly task: TaskPauser) {}

  /** The task is frozen by copies: a `docker pause` now only has to record itself. */
  get frozen(): boolean { return this.holders > 0 && this.ours; }

  /**
   * Holds the freeze, pausing the task first when `running` and nothing paused it yet; resolves
   * with the release once the task is paused.
   */
  async hold(running: boolean): Promise<() => Promise<void>> {
    this.holders++;
    let released = false;
    const release = async (): Promise<void> => {
      if (released) return;
      released = true;
      if (--this.holders > 0 || !this.ours) return;
      this.ours = false;
      await this.step(() => (this.task.userPaused() ? undefined : this.task.resume())).catch(() => undefined);
    };
    try {
      if (running && !this.ours && !this.task.userPaused()) {
        this.ours = true;
        this.pausing = this.step(() => this.task.pause());
        this.pausing.catch(() => { this.ours = false; });
      }
      await (this.ours ? this.pausing : this.queue);
    } catch (err) {
      await release();
      throw err;
    }
    return release;
  }

  /** `docker unpause` during a copy: the task stays frozen until the last copy ends. */
  takeOver(): boolean {
    if (this.holders === 0) return false;
    this.ours = true;
    return true;
  }

  private step(fn: () => unknown): Promise<unknown> {
    const next = this.queue.then(fn);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
