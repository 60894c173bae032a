// Disk usage of a directory tree as `docker system df` counts it.
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Bytes used by the regular files (and symlinks) under `dir`, hard links counted once. */
export async function diskUsage(dir: string): Promise<number> {
  const seen = new Set<string>();
  let total = 0;
  const walk = async (d: string): Promise<void> => {
    let entries: string[];
    try { entries = await readdir(d); } catch { return; }
    for (const name of entries) {
      const p = join(d, name);
      const st = await lstat(p).catch(() => undefined);
      if (!st) continue;
      if (st.isDirectory()) { await walk(p); continue; }
      const key = `${st.dev}:${st.ino}`;
      if (seen.has(key)) continue;
      seen.add(key);
      total += st.size;
    }
  };
  await walk(dir);
  return total;
}
