// Unpacks layer blobs into committed overlayfs snapshots named by chain ID (containerd's unpacker
// convention): Prepare(random key, parent chain) → Diff.Apply(blob, mounts) → Commit(chain ID).
// containerd's diff service does the tar application (and roots every path in the snapshot).
import { randomBytes } from 'node:crypto';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Containerd, GrpcStatus, isGrpcCode } from '../runtime/containerd-client.js';
import { invalid } from '../common/errors.js';
import { chainIds } from './layers.js';
import { SNAPSHOTTER } from './types.js';
import type { Descriptor } from './content-store.js';

const SIZE_LABEL = 'io.berth.unpacked-size';

interface Mount { type: string; source: string; options: string[] }

/** The directory that receives a layer's files: the bind source, or the overlay's upperdir. */
function layerDir(mounts: Mount[]): string | undefined {
  const m = mounts[0];
  if (!m) return undefined;
  if (m.type === 'bind') return m.source;
  return m.options.find((o) => o.startsWith('upperdir='))?.slice('upperdir='.length);
}

/** Sum of the sizes of everything but directories under `dir`, as Docker counts a layer's size. */
async function contentSize(dir: string | undefined): Promise<number> {
  if (!dir) return 0;
  let total = 0;
  const seen = new Set<number>();
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) { await walk(p); continue; }
      const st = await lstat(p);
      if (st.nlink > 1) { if (seen.has(st.ino)) continue; seen.add(st.ino); }
      total += st.size;
    }
  };
  await walk(dir);
  return total;
}

async function snapshotExists(c: Containerd, key: string): Promise<boolean> {
  try {
    await c.snapshots.Stat({ snapshotter: SNAPSHOTTER, key });
    return true;
  } catch (err) {
    if (isGrpcCode(err, GrpcStatus.NOT_FOUND)) return false;
    throw err;
  }
}

/**
 * Makes sure a committed snapshot exists for every layer; returns the diff IDs and chain IDs.
 * `diffIds` are what the image config promises (a layer whose content differs is refused);
 * an undefined entry (legacy archives) takes the digest of what was applied.
 */
export async function unpackLayers(c: Containerd, layers: Descriptor[], diffIds: (string | undefined)[]): Promise<{ diffIds: string[]; chainIds: string[] }> {
  if (layers.length !== diffIds.length) throw invalid(`invalid image: ${layers.length} layers but ${diffIds.length} diff IDs`);
  const applied: string[] = [];
  let chain: string[] = [];
  for (let i = 0; i < layers.length; i++) {
    const parent = i ? chain[i - 1] : '';
    const known = diffIds[i];
    if (known) {
      chain = chainIds([...applied, known]);
      if (await snapshotExists(c, chain[i])) { applied.push(known); continue; }
    }
    const key = `extract-${randomBytes(8).toString('hex')} ${known ?? ''}`;
    const { mounts } = await c.snapshots.Prepare({ snapshotter: SNAPSHOTTER, key, parent });
    try {
      const res = await c.diff.Apply({
        diff: { media_type: layers[i].mediaType, digest: layers[i].digest, size: layers[i].size },
        mounts,
      });
      const digest: string = res.applied.digest;
      if (known && digest !== known) {
        throw invalid(`layer ${layers[i].digest} does not match its diff ID ${known} (content is ${digest})`);
      }
      applied.push(digest);
      chain = chainIds(applied);
      const size = await contentSize(layerDir(mounts));
      await c.snapshots.Commit({ snapshotter: SNAPSHOTTER, name: chain[i], key, labels: { [SIZE_LABEL]: String(size) } });
    } catch (err) {
      await c.snapshots.Remove({ snapshotter: SNAPSHOTTER, key }).catch(() => undefined);
      if (isGrpcCode(err, GrpcStatus.ALREADY_EXISTS)) continue;
      if (isGrpcCode(err, GrpcStatus.UNKNOWN) || isGrpcCode(err, GrpcStatus.INVALID_ARGUMENT)) {
        throw invalid(`failed to apply layer ${layers[i].digest}: ${(err as Error & { details: string }).details}`);
      }
      throw err;
    }
  }
  return { diffIds: applied, chainIds: chain };
}

/** Bytes of one layer's own files (recorded at unpack time; measured by containerd otherwise). */
export async function snapshotSize(c: Containerd, chainId: string): Promise<number> {
  try {
    const { info } = await c.snapshots.Stat({ snapshotter: SNAPSHOTTER, key: chainId });
    const recorded = info.labels?.[SIZE_LABEL];
    if (recorded !== undefined) return Number(recorded);
    const usage = await c.snapshots.Usage({ snapshotter: SNAPSHOTTER, key: chainId });
    return Number(usage.size);
  } catch (err) {
    if (isGrpcCode(err, GrpcStatus.NOT_FOUND)) return 0;
    throw err;
  }
}
