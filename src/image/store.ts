// berth's image store on containerd: one containerd image record per name (`busybox:latest`),
// pointing at a manifest whose blob carries containerd's gc labels (config + layers), whose config
// blob references the top layer snapshot. An image that loses its last name keeps a record under
// DANGLING (never shown as a tag) until it is deleted or pruned. An in-memory index, rebuilt at
// start from containerd, answers lookups; every change goes through here, one at a time.
import { Containerd, GrpcStatus, isGrpcCode } from '../runtime/containerd-client.js';
import { notFound } from '../common/errors.js';
import { readJson, writeBuffer, type Descriptor } from './content-store.js';
import { GC_SNAPSHOT_LABEL, MEDIA, manifestGcLabels, type ImageConfig, type Manifest } from './types.js';
import { chainIds } from './layers.js';
import { snapshotSize } from './unpack.js';
import { parseReference, taggedName } from './reference.js';

const DANGLING = '<none>@';

export interface StoredImage {
  /** sha256:<config digest> */
  id: string;
  manifest: Descriptor;
  config: ImageConfig;
  configSize: number;
  layers: Descriptor[];
  chainIds: string[];
  /** Familiar `name:tag` names. */
  names: string[];
  /** When a name was last given to it (ISO time), if ever. */
  lastTagTime?: string;
  /** Bytes of all its layers unpacked. */
  size: number;
  /** Per-layer unpacked sizes, bottom first. */
  layerSizes: number[];
}

interface RecordTime { seconds: number; nanos: number }
const isoOf = (t?: RecordTime) => (t ? new Date(t.seconds * 1000 + Math.floor(t.nanos / 1e6)).toISOString() : undefined);

export class ImageStore {
  private readonly byId = new Map<string, StoredImage>();
  private readonly byName = new Map<string, string>();
  private readonly sizes = new Map<string, number>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly c: Containerd) {}

  /** Runs `fn` after every earlier change finished (changes never interleave). */
  serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  async load(): Promise<void> {
    const { images } = await this.c.images.List({ filters: [] });
    for (const rec of images as { name: string; target: any; updated_at?: RecordTime }[]) {
      try {
        const img = await this.index({ mediaType: rec.target.media_type, digest: rec.target.digest, size: Number(rec.target.size) });
        this.attach(img, rec.name, isoOf(rec.updated_at));
      } catch (err) {
        if (!isGrpcCode(err, GrpcStatus.NOT_FOUND)) throw err;
        console.error(`image record ${rec.name} lost its content, removing it: ${(err as Error).message}`);
        await this.deleteRecord(rec.name);
      }
    }
  }

  all(): StoredImage[] { return [...this.byId.values()]; }
  get(id: string): StoredImage | undefined { return this.byId.get(id); }
  idOfName(name: string): string | undefined { return this.byName.get(name); }

  /** By name[:tag], full or short ID, or sha256:ID. */
  find(ref: string): StoredImage | undefined {
    const full = /^sha256:[a-f0-9]{64}$/.test(ref) ? ref : undefined;
    if (full) return this.byId.get(full);
    try {
      const parsed = parseReference(ref);
      if (!parsed.digest) {
        const id = this.byName.get(taggedName(parsed));
        if (id) return this.byId.get(id);
      }
    } catch { /* not a reference: maybe an ID prefix */ }
    const m = /^(?:sha256:)?([a-f0-9]{1,64})$/.exec(ref);
    if (!m) return undefined;
    const hits = [...this.byId.keys()].filter((id) => id.startsWith(`sha256:${m[1]}`));
    return hits.length === 1 ? this.byId.get(hits[0]) : undefined;
  }

  /** Reads a manifest and its config, builds the index entry (not yet attached to a name). */
  private async index(target: Descriptor): Promise<StoredImage> {
    const manifest = await readJson<Manifest>(this.c, target.digest);
    const id = manifest.config.digest;
    const known = this.byId.get(id);
    if (known) return known;
    const config = await readJson<ImageConfig>(this.c, id);
    const chain = chainIds(config.rootfs?.diff_ids ?? []);
    const layerSizes = await Promise.all(chain.map((ch) => this.layerSize(ch)));
    return {
      id, manifest: target, config, configSize: Number(manifest.config.size), layers: manifest.layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: Number(l.size) })),
      chainIds: chain, names: [], size: layerSizes.reduce((a, b) => a + b, 0), layerSizes,
    };
  }

  private async layerSize(chainId: string): Promise<number> {
    let size = this.sizes.get(chainId);
    if (size === undefined) {
      size = await snapshotSize(this.c, chainId);
      this.sizes.set(chainId, size);
    }
    return size;
  }

  private attach(img: StoredImage, recordName: string, time?: string): void {
    this.byId.set(img.id, img);
    if (recordName.startsWith(DANGLING)) return;
    // Sorted, as Docker lists an image's references (RepoTags, rmi's Untagged lines).
    if (!img.names.includes(recordName)) img.names = [...img.names, recordName].sort();
    this.byName.set(recordName, img.id);
    if (time && (!img.lastTagTime || time > img.lastTagTime)) img.lastTagTime = time;
  }

  /**
   * Writes the config and manifest blobs (through `leased`, the caller's lease) and indexes the
   * image; the layers must already be in the content store and unpacked. Returns the image.
   * `manifestBytes` keeps a manifest as it came (OCI layouts); otherwise a Docker v2 manifest is made.
   */
  async commit(leased: Containerd, configBytes: Buffer, layers: Descriptor[], manifestBytes?: Buffer): Promise<StoredImage> {
    const config = JSON.parse(configBytes.toString('utf8')) as ImageConfig;
    const chain = chainIds(config.rootfs.diff_ids);
    const cfg = await writeBuffer(leased, configBytes, chain.length ? { [GC_SNAPSHOT_LABEL]: chain[chain.length - 1] } : {});
    let manifest: Manifest;
    if (manifestBytes) {
      manifest = JSON.parse(manifestBytes.toString('utf8')) as Manifest;
    } else {
      manifest = {
        schemaVersion: 2, mediaType: MEDIA.dockerManifest,
        config: { mediaType: MEDIA.dockerConfig, digest: cfg.digest, size: cfg.size },
        layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
      };
      manifestBytes = Buffer.from(JSON.stringify(manifest));
    }
    const man = await writeBuffer(leased, manifestBytes, manifestGcLabels(manifest));
    const target = { mediaType: manifest.mediaType ?? MEDIA.ociManifest, digest: man.digest, size: man.size };
    const existing = this.byId.get(cfg.digest);
    if (existing) return existing;
    const img = await this.index(target);
    this.byId.set(img.id, img);
    await this.ensureRecord(img);
    return img;
  }

  /** Keeps a dangling record for an image that has no name left, so it survives until pruned. */
  private async ensureRecord(img: StoredImage): Promise<void> {
    if (img.names.length) return;
    await this.putRecord(DANGLING + img.id, img);
  }

  private async putRecord(name: string, img: StoredImage): Promise<void> {
    const now = Date.now();
    const image = {
      name, labels: {},
      target: { media_type: img.manifest.mediaType, digest: img.manifest.digest, size: img.manifest.size },
      created_at: { seconds: Math.floor(now / 1000), nanos: (now % 1000) * 1e6 },
      updated_at: { seconds: Math.floor(now / 1000), nanos: (now % 1000) * 1e6 },
    };
    try {
      await this.c.images.Create({ image });
    } catch (err) {
      if (!isGrpcCode(err, GrpcStatus.ALREADY_EXISTS)) throw err;
      await this.c.images.Update({ image, update_mask: { paths: ['target'] } });
    }
  }

  private async deleteRecord(name: string, sync = false): Promise<void> {
    try {
      await this.c.images.Delete({ name, sync });
    } catch (err) {
      if (!isGrpcCode(err, GrpcStatus.NOT_FOUND)) throw err;
    }
  }

  /** Gives `name` to image `id`; returns the image that held the name before, if another. */
  async tag(name: string, id: string): Promise<StoredImage | undefined> {
    const img = this.byId.get(id);
    if (!img) throw notFound(`No such image: ${id}`);
    const prevId = this.byName.get(name);
    const prev = prevId && prevId !== id ? this.byId.get(prevId) : undefined;
    if (prev) {
      // The dangling record must exist before the name moves, or gc may take the old image's blobs.
      prev.names = prev.names.filter((n) => n !== name);
      await this.ensureRecord(prev);
    }
    await this.putRecord(name, img);
    const wasDangling = img.names.length === 0;
    this.attach(img, name, new Date().toISOString());
    if (wasDangling) await this.deleteRecord(DANGLING + img.id);
    return prev;
  }

  /** Removes one name; the image stays (dangling if it was its last name). */
  async untag(name: string): Promise<void> {
    const id = this.byName.get(name);
    if (!id) return;
    const img = this.byId.get(id)!;
    this.byName.delete(name);
    img.names = img.names.filter((n) => n !== name);
    await this.ensureRecord(img);
    await this.deleteRecord(name);
  }

  /** Deletes the image and every record of it; containerd's gc frees its blobs and snapshots. */
  async delete(id: string): Promise<void> {
    const img = this.byId.get(id);
    if (!img) return;
    for (const n of img.names) {
      this.byName.delete(n);
      await this.deleteRecord(n);
    }
    img.names = [];
    this.byId.delete(id);
    await this.deleteRecord(DANGLING + id, true);
    for (const ch of img.chainIds) if (!this.all().some((o) => o.chainIds.includes(ch))) this.sizes.delete(ch);
  }
}
