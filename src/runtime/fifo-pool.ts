// Named pipes for task stdio without a process spawn on the hot path. Node cannot mkfifo(3),
// so berthd keeps a pool of spare FIFOs made by one `mkfifo` run with many names (off the hot
// path) and renames them into place when a container or exec needs them (rename is a syscall).
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

const BATCH = 48;
const LOW = 16;

export class FifoPool {
  private spare: string[] = [];
  private filling?: Promise<void>;

  constructor(private readonly dir: string) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  /** Makes one batch of spare FIFOs (one spawn); concurrent callers share it. */
  fill(): Promise<void> {
    this.filling ??= new Promise<void>((resolve, reject) => {
      const names = Array.from({ length: BATCH }, () => join(this.dir, randomBytes(8).toString('hex')));
      execFile('mkfifo', ['-m', '600', ...names], (err) => {
        this.filling = undefined;
        if (err) { reject(err); return; }
        this.spare.push(...names);
        resolve();
      });
    });
    return this.filling;
  }

  /** Moves a spare FIFO to `dest` (which must be on the same filesystem). */
  async take(dest: string): Promise<void> {
    while (this.spare.length === 0) await this.fill();
    renameSync(this.spare.pop()!, dest);
    if (this.spare.length < LOW) this.fill().catch((err) => console.error(`berthd: fifo pool: ${err.message}`));
  }

  /** Number of spare FIFOs on disk (for tests and diagnostics). */
  size(): number { return readdirSync(this.dir).length; }
}
