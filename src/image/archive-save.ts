// `docker save`: writes images as Docker 25+ does, a docker-archive (manifest.json, repositories)
// that is also an OCI image layout (oci-layout, index.json, blobs/sha256/…), streamed blob by blob
// from the content store.
import { pipeline } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import tar from 'tar-stream';
import { Containerd } from '../runtime/containerd-client.js';
import { readBlob } from './content-store.js';
import { MEDIA } from './types.js';
import { splitTagged } from './reference.js';
import type { StoredImage } from './store.js';

/** An image to save and the name it was asked for by (none when asked for by ID). */
export interface SaveItem { img: StoredImage; name?: string }

const hex = (digest: string) => digest.slice('sha256:'.length);

export async function saveArchive(c: Containerd, items: SaveItem[], out: Writable): Promise<void> {
  const pack = tar.pack();
  const piping = pipeline(pack, out);
  const mtime = new Date(Date.parse(items[0]?.img.config.created ?? '') || 0);
  const written = new Set<string>();
  const dir = (name: string) => new Promise<void>((resolve, reject) => {
    pack.entry({ name, type: 'directory', mode: 0o755, mtime }, (err) => (err ? reject(err) : resolve()));
  });
  const file = (name: string, data: Buffer) => new Promise<void>((resolve, reject) => {
    pack.entry({ name, mode: 0o644, mtime }, data, (err) => (err ? reject(err) : resolve()));
  });
  const blob = async (digest: string, size: number) => {
    if (written.has(digest)) return;
    written.add(digest);
    const entry = pack.entry({ name: `blobs/sha256/${hex(digest)}`, size, mode: 0o644, mtime });
    await pipeline(readBlob(c, digest), entry);
  };

  try {
    await dir('blobs/');
    await dir('blobs/sha256/');
    const manifestJson: Record<string, unknown>[] = [];
    const index: Record<string, unknown>[] = [];
    const repositories: Record<string, Record<string, string>> = {};
    const seen = new Map<string, Record<string, unknown>>();
    for (const { img, name } of items) {
      const tags = name ? [name] : [];
      let entry = seen.get(img.id);
      if (!entry) {
        await blob(img.id, img.configSize);
        for (const l of img.layers) await blob(l.digest, l.size);
        await blob(img.manifest.digest, img.manifest.size);
        entry = { Config: `blobs/sha256/${hex(img.id)}`, RepoTags: [] as string[], Layers: img.layers.map((l) => `blobs/sha256/${hex(l.digest)}`) };
        seen.set(img.id, entry);
        manifestJson.push(entry);
        if (!tags.length) index.push({ mediaType: img.manifest.mediaType, digest: img.manifest.digest, size: img.manifest.size });
      }
      for (const t of tags) {
        if ((entry.RepoTags as string[]).includes(t)) continue;
        (entry.RepoTags as string[]).push(t);
        const { repo, tag } = splitTagged(t);
        index.push({
          mediaType: img.manifest.mediaType, digest: img.manifest.digest, size: img.manifest.size,
          annotations: { 'io.containerd.image.name': t, 'org.opencontainers.image.ref.name': tag },
        });
        const top = img.layers[img.layers.length - 1];
        (repositories[repo] ??= {})[tag] = hex(top ? top.digest : img.id);
      }
    }
    for (const e of manifestJson) if (!(e.RepoTags as string[]).length) e.RepoTags = null;
    await file('index.json', Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA.ociIndex, manifests: index })));
    await file('manifest.json', Buffer.from(JSON.stringify(manifestJson)));
    await file('oci-layout', Buffer.from(JSON.stringify({ imageLayoutVersion: '1.0.0' })));
    if (Object.keys(repositories).length) await file('repositories', Buffer.from(JSON.stringify(repositories)));
    pack.finalize();
  } catch (err) {
    pack.destroy(err as Error);
  }
  await piping;
}

