// One berthd per data-root and per pidfile: each is held under an exclusive flock(2) for the
// daemon's lifetime and records its pid. Node has no flock, so util-linux flock(1) locks the open
// file description berthd hands it as fd 3; the lock stays with berthd's descriptor after flock(1)
// exits, and the kernel drops it when berthd dies, even by kill -9, so a stale file never blocks.
import { closeSync, constants, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname } from 'node:path';

/** flock(1)'s exit code when the file is locked by another process (-E). */
const HELD = 75;

export class AlreadyRunning extends Error {
  constructor(readonly pid: string) {
    super(`berthd is already running (pid ${pid})`);
  }
}

/**
 * Locks every path (created if missing) and writes this process's pid into each; the
 * descriptors stay open until exit. Throws AlreadyRunning when another process holds one.
 */
export function holdExclusive(paths: string[]): void {
  const held: number[] = [];
  try {
    for (const path of paths) {
      mkdirSync(dirname(path), { recursive: true, mode: 0o711 });
      const fd = openSync(path, constants.O_RDWR | constants.O_CREAT, 0o644);
      held.push(fd);
      const r = spawnSync('flock', ['--exclusive', '--nonblock', '--conflict-exit-code', String(HELD), '3'], {
        stdio: ['ignore', 'ignore', 'pipe', fd],
        encoding: 'utf8',
      });
      if (r.status === HELD) throw new AlreadyRunning(readFileSync(path, 'utf8').trim() || 'unknown');
      if (r.status !== 0) throw new Error(`locking ${path}: ${r.error?.message ?? r.stderr.trim()}`);
      ftruncateSync(fd);
      writeSync(fd, `${process.pid}`, 0);
    }
  } catch (err) {
    for (const fd of held) closeSync(fd);
    throw err;
  }
}
