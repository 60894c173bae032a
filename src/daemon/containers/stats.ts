// GET /containers/{id}/stats: Docker's stats objects, one per second while streaming, each
// carrying the previous sample as precpu_stats (the CLI computes CPU % from the pair).
import { emptyStats, sampleStats, type StatsSample } from '../../runtime/cgroup-stats.js';
import type { Live } from './live.js';

const INTERVAL_MS = 1000;

export interface StatsOptions {
  stream: boolean;
  /** Without streaming: answer at once, without waiting for a second sample. */
  oneShot: boolean;
}

async function sample(l: Live): Promise<StatsSample> {
  const cgroupsPath: string | undefined = l.spec?.linux?.cgroupsPath;
  if (!l.rec.State.Running || !cgroupsPath) return emptyStats();
  const netMode = l.rec.HostConfig.NetworkMode;
  return sampleStats(cgroupsPath, l.rec.State.Pid, netMode !== 'host' && !String(netMode).startsWith('container:'));
}

/** Writes stats objects to `write` until done (one or two samples), the client goes, or the container stops. */
export async function containerStats(l: Live, opts: StatsOptions, write: (obj: object) => void, gone: AbortSignal): Promise<void> {
  let prev: StatsSample | undefined;
  const shape = (cur: StatsSample) => ({
    read: cur.read, preread: prev?.read ?? '0001-01-01T00:00:00Z',
    pids_stats: cur.pids_stats, blkio_stats: cur.blkio_stats, num_procs: cur.num_procs, storage_stats: cur.storage_stats,
    cpu_stats: cur.cpu_stats, precpu_stats: prev?.cpu_stats ?? emptyStats().cpu_stats, memory_stats: cur.memory_stats,
    name: l.rec.Name, id: l.rec.ID, ...(cur.networks ? { networks: cur.networks } : {}),
  });
  for (;;) {
    const cur = await sample(l);
    const last = !opts.stream && (opts.oneShot || prev !== undefined || !l.rec.State.Running);
    if (opts.stream || last) write(shape(cur));
    if (last || gone.aborted || (opts.stream && !l.rec.State.Running)) return;
    prev = cur;
    await new Promise<void>((resolve) => {
      const t = setTimeout(done, INTERVAL_MS);
      function done() { clearTimeout(t); gone.removeEventListener('abort', done); resolve(); }
      gone.addEventListener('abort', done);
    });
    if (gone.aborted) return;
  }
}
