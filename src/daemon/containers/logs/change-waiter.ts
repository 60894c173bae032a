// Sleeps a log follower until something changes in the log's directory (inotify through
// fs.watch), a poll interval passes (in case an event is missed) or the client goes away.
import { watch, type FSWatcher } from 'node:fs';

export class ChangeWaiter {
  private watcher: FSWatcher | null = null;
  private changed = false;
  private wake: (() => void) | null = null;

  constructor(dir: string, private readonly signal: AbortSignal) {
    try {
      this.watcher = watch(dir, () => this.notify());
      this.watcher.on('error', () => this.close());
    } catch {
      this.watcher = null; // the poll interval alone keeps the follower going
    }
  }

  private notify(): void {
    this.changed = true;
    this.wake?.();
  }

  /** Resolves at the next change (at once if one happened since the last wait) or after `ms`. */
  async wait(ms: number): Promise<void> {
    if (!this.changed && !this.signal.aborted) {
      await new Promise<void>((resolve) => {
        const finish = () => {
          clearTimeout(timer);
          this.signal.removeEventListener('abort', finish);
          this.wake = null;
          resolve();
        };
        const timer = setTimeout(finish, ms);
        this.signal.addEventListener('abort', finish);
        this.wake = finish;
      });
    }
    this.changed = false;
  }

  close(): void {
    this.watcher?.close();
    this.watcher = null;
  }
}
