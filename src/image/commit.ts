// `docker commit`: a container's changes become a new image on top of its image. containerd's
// diff service compares a read-only view of the image's top layer with the container's snapshot
// and writes the changes as an uncompressed layer; the init stubs berth adds to every container
// (empty /etc/hosts, /etc/hostname, /etc/resolv.conf, /.dockerenv: Docker's init layer) are left
// out of it. The layer is unpacked as a committed snapshot and the image indexed by the store.
import { randomBytes } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import type { Containerd } from '../runtime/containerd-client.js';
import { readBlob, withLease, writeBlob, type Descriptor } from './content-store.js';
import { unpackLayers } from './unpack.js';
import { applyChanges } from './changes.js';
import { goTimestamp } from '../common/go-time.js';
import { goArch } from './platform.js';
import { MEDIA, SNAPSHOTTER, type ImageConfig } from './types.js';
import type { ImageStore, StoredImage } from './store.js';

interface Mount { type: string; source: string; target?: string; options: string[] }

const INIT_STUB_FILES = new Set(['etc/hostname', 'etc/hosts', 'etc/resolv.conf', '.dockerenv']);

export interface CommitInput {
  /** The container's image (undefined only if it is gone). */
  parent: StoredImage | undefined;
  containerId: string;
  /** The container's Config (the image's config merged in at create). */
  containerConfig: Record<string, any>;
  /** `Path Args` of the container, for the history's created_by. */
  createdBy: string;
  changes: string[];
  comment: string;
  author: string;
  /** Fields of a Config object given in the request body, over the container's. */
  configOverride?: Record<string, any>;
  /** The container snapshot's mounts. */
  mounts: Mount[];
  engineVersion: string;
}

/** The diff tar without the init stub files (each is empty and never part of an image). */
async function* withoutInitStubs(c: Containerd, digest: string): AsyncGenerator<Buffer> {
  const extract = tar.extract();
  const pack = tar.pack();
  const source = readBlob(c, digest);
  source.on('error', (err: Error) => extract.destroy(err));
  source.pipe(extract as unknown as NodeJS.WritableStream);
  const copying = (async () => {
    try {
      for await (const entry of extract) {
        const e = entry as unknown as Readable & { header: tar.Header };
        const name = e.header.name.replace(/^\.?\//, '').replace(/\/$/, '');
        if (INIT_STUB_FILES.has(name) && e.header.type === 'file' && !e.header.size) { e.resume(); continue; }
        await pipeline(e, pack.entry({ ...e.header }) as unknown as Writable);
      }
      pack.finalize();
    } catch (err) {
      pack.destroy(err as Error);
    }
  })();
  try {
    for await (const chunk of pack) yield chunk as Buffer;
  } finally {
    // Also when the consumer stops early (the blob write failed): end the read and the copy.
    source.destroy();
    extract.destroy();
    await copying;
  }
}

export async function commitContainer(store: ImageStore, c: Containerd, input: CommitInput): Promise<StoredImage> {
  return withLease(c, async (leased) => {
    const parentChain = input.parent?.chainIds.at(-1) ?? '';
    const viewKey = `berth-commit-${randomBytes(8).toString('hex')}`;
    const view = parentChain ? await leased.snapshots.View({ snapshotter: SNAPSHOTTER, key: viewKey, parent: parentChain }) : { mounts: [] };
    let raw: Descriptor;
    try {
      const r = await leased.diff.Diff({ left: view.mounts, right: input.mounts, media_type: MEDIA.ociLayer, ref: viewKey });
      raw = { mediaType: r.diff.media_type, digest: r.diff.digest, size: Number(r.diff.size) };
    } finally {
      if (parentChain) await leased.snapshots.Remove({ snapshotter: SNAPSHOTTER, key: viewKey }).catch(() => undefined);
    }
    const blob = await writeBlob(leased, withoutInitStubs(leased, raw.digest));
    const layer: Descriptor = { mediaType: MEDIA.dockerLayer, digest: blob.digest, size: blob.size };
    const base = input.parent?.config;
    const diffIds = [...(base?.rootfs.diff_ids ?? []), blob.digest];
    await unpackLayers(leased, [...(input.parent?.layers ?? []), layer], diffIds);
    const created = goTimestamp();
    const config = applyChanges({ ...input.containerConfig, ...(input.configOverride ?? {}) }, input.changes);
    const history = [...(base?.history ?? []), {
      created, created_by: input.createdBy,
      ...(input.author ? { author: input.author } : {}), ...(input.comment ? { comment: input.comment } : {}),
    }];
    const image: ImageConfig = {
      architecture: base?.architecture ?? goArch(), os: base?.os ?? 'linux',
      ...(input.author ? { author: input.author } : {}), ...(input.comment ? { comment: input.comment } : {}),
      config, container: input.containerId, container_config: input.containerConfig, created,
      docker_version: input.engineVersion, history,
      ...(input.parent ? { parent: input.parent.id } : {}),
      rootfs: { type: 'layers', diff_ids: diffIds },
    };
    return store.serial(() => store.commit(leased, Buffer.from(JSON.stringify(image)), [...(input.parent?.layers ?? []), layer]));
  });
}
