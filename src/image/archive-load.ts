// `docker load`: reads a docker-archive (manifest.json; or the legacy v1 layout with only a
// `repositories` file) or an OCI image layout (index.json + blobs/) from a request stream, plain
// or gzip-compressed, and stores every image in it. Image IDs are kept: config blobs are stored
// byte for byte.
import { Containerd } from '../runtime/containerd-client.js';
import { invalid } from '../common/errors.js';
import { withLease, type Descriptor } from './content-store.js';
import { decompressed } from './decompress.js';
import { ArchiveEntries } from './archive-entries.js';
import { unpackLayers } from './unpack.js';
import { parseReference, taggedName } from './reference.js';
import { goArch } from './platform.js';
import { MEDIA, type HistoryEntry, type ImageConfig, type Manifest } from './types.js';
import type { ImageStore, StoredImage } from './store.js';

const MAX_IMAGES = 1000;
const MAX_LEGACY_DEPTH = 500;
const NAME_ANNOTATION = 'io.containerd.image.name';
const REF_ANNOTATION = 'org.opencontainers.image.ref.name';

export type OnLoaded = (img: StoredImage, names: string[]) => Promise<void>;

interface Found { configBytes: Buffer; layers: Descriptor[]; diffIds: (string | undefined)[]; names: string[]; manifestBytes?: Buffer }

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

function names(refs: string[]): string[] {
  return refs.map((r) => {
    try {
      const ref = parseReference(r);
      if (ref.digest) throw invalid('digest');
      return taggedName(ref);
    } catch {
      throw invalid(`invalid archive: invalid reference ${JSON.stringify(r)}`);
    }
  });
}

function parseConfig(bytes: Buffer, where: string): ImageConfig {
  let config: ImageConfig;
  try { config = JSON.parse(bytes.toString('utf8')); } catch (err) { throw invalid(`invalid archive: ${where}: ${(err as Error).message}`); }
  if (typeof config !== 'object' || config === null || !isStringArray(config.rootfs?.diff_ids)) {
    throw invalid(`invalid archive: ${where} is not an image config (no rootfs.diff_ids)`);
  }
  return config;
}

/** manifest.json: [{Config, RepoTags, Layers}] */
async function dockerArchive(files: ArchiveEntries): Promise<Found[]> {
  const manifest = await files.json<unknown>('manifest.json');
  if (!Array.isArray(manifest)) throw invalid('invalid archive: manifest.json is not a list');
  if (manifest.length > MAX_IMAGES) throw invalid(`invalid archive: manifest.json lists more than ${MAX_IMAGES} images`);
  const out: Found[] = [];
  for (const item of manifest as Record<string, unknown>[]) {
    if (typeof item !== 'object' || item === null || typeof item.Config !== 'string' || !isStringArray(item.Layers) || (item.RepoTags != null && !isStringArray(item.RepoTags))) {
      throw invalid('invalid archive: malformed manifest.json entry');
    }
    const configBytes = await files.bytes(item.Config);
    const config = parseConfig(configBytes, item.Config);
    if (config.rootfs.diff_ids.length !== item.Layers.length) throw invalid(`invalid archive: ${item.Config} has ${config.rootfs.diff_ids.length} diff IDs for ${item.Layers.length} layers`);
    const layers: Descriptor[] = [];
    for (const l of item.Layers) layers.push(await files.blob(l));
    out.push({ configBytes, layers, diffIds: config.rootfs.diff_ids, names: names((item.RepoTags as string[] | null) ?? []) });
  }
  return out;
}

function blobPath(digest: unknown): string {
  if (typeof digest !== 'string' || !/^sha256:[a-f0-9]{64}$/.test(digest)) throw invalid(`invalid archive: bad digest ${JSON.stringify(digest)}`);
  return `blobs/sha256/${digest.slice(7)}`;
}

async function verifiedBytes(files: ArchiveEntries, digest: unknown): Promise<Buffer> {
  const path = blobPath(digest);
  if ((await files.digest(path)) !== digest) throw invalid(`invalid archive: ${path} does not match its digest`);
  return files.bytes(path);
}

const isObject = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A verified blob (an index or a manifest) and its bytes parsed as a JSON object. */
async function verifiedObject(files: ArchiveEntries, digest: unknown, what: string): Promise<{ bytes: Buffer; doc: Record<string, any> }> {
  const bytes = await verifiedBytes(files, digest);
  let doc: unknown;
  try { doc = JSON.parse(bytes.toString('utf8')); } catch { throw invalid(`invalid archive: ${what} ${digest} is not JSON`); }
  if (!isObject(doc)) throw invalid(`invalid archive: ${what} ${digest} is malformed`);
  return { bytes, doc };
}

/** OCI image layout: index.json → (index →) manifest → config + layers. */
async function ociLayout(files: ArchiveEntries): Promise<Found[]> {
  const index = await files.json<{ manifests?: unknown }>('index.json');
  if (!Array.isArray(index?.manifests)) throw invalid('invalid archive: index.json has no manifests');
  const out: Found[] = [];
  for (const d of index.manifests as unknown[]) {
    if (out.length >= MAX_IMAGES) throw invalid(`invalid archive: more than ${MAX_IMAGES} images`);
    if (!isObject(d)) throw invalid('invalid archive: malformed index.json entry');
    let desc = d;
    if (desc.mediaType === MEDIA.ociIndex || desc.mediaType === MEDIA.dockerManifestList) {
      const { doc: nested } = await verifiedObject(files, desc.digest, 'index');
      const list = (Array.isArray(nested.manifests) ? nested.manifests : []).filter(isObject);
      desc = list.find((m) => m.platform?.os === 'linux' && m.platform?.architecture === goArch()) ?? list[0];
      if (!desc) continue;
    }
    const { bytes: manifestBytes, doc } = await verifiedObject(files, desc.digest, 'manifest');
    const manifest = doc as Manifest;
    if (!isObject(manifest.config) || !Array.isArray(manifest.layers) || !manifest.layers.every(isObject)) {
      throw invalid(`invalid archive: manifest ${desc.digest} is malformed`);
    }
    const configBytes = await verifiedBytes(files, manifest.config.digest);
    const config = parseConfig(configBytes, blobPath(manifest.config.digest));
    const layers: Descriptor[] = [];
    for (const l of manifest.layers) {
      const path = blobPath(l.digest);
      const blob = await files.blob(path, typeof l.mediaType === 'string' ? l.mediaType : undefined);
      if (blob.digest !== l.digest) throw invalid(`invalid archive: ${path} does not match its digest`);
      layers.push(blob);
    }
    const ann: Record<string, unknown> = isObject(d.annotations) ? d.annotations : {};
    const ref = typeof ann[REF_ANNOTATION] === 'string' ? ann[REF_ANNOTATION] : '';
    const refName = typeof ann[NAME_ANNOTATION] === 'string' ? ann[NAME_ANNOTATION] : (ref.includes(':') || ref.includes('/') ? ref : undefined);
    out.push({ configBytes, layers, diffIds: config.rootfs.diff_ids, names: names(refName ? [refName] : []), manifestBytes });
  }
  return out;
}

/** The pre-1.10 layout: `repositories` {repo: {tag: v1 id}}, `<id>/json` with parents, `<id>/layer.tar`. */
async function legacyArchive(files: ArchiveEntries): Promise<Found[]> {
  const repos = await files.json<unknown>('repositories');
  if (!isObject(repos)) throw invalid('invalid archive: malformed repositories file');
  const byTop = new Map<string, string[]>();
  for (const [repo, tags] of Object.entries(repos)) {
    if (!isObject(tags)) throw invalid('invalid archive: malformed repositories file');
    for (const [tag, id] of Object.entries(tags)) byTop.set(String(id), [...(byTop.get(String(id)) ?? []), `${repo}:${tag}`]);
  }
  const out: Found[] = [];
  for (const [top, refs] of byTop) {
    const chain: Record<string, any>[] = [];
    for (let id: string | undefined = top; id; ) {
      if (!/^[a-f0-9]{64}$/.test(id)) throw invalid(`invalid archive: bad layer ID ${JSON.stringify(id)}`);
      if (chain.length >= MAX_LEGACY_DEPTH || chain.some((j) => j.id === id)) throw invalid('invalid archive: layer parents do not end');
      const json: unknown = await files.json<unknown>(`${id}/json`);
      if (!isObject(json)) throw invalid(`invalid archive: ${id}/json is not a layer description`);
      chain.unshift({ ...json, id });
      id = typeof json.parent === 'string' ? json.parent : undefined;
    }
    const layers: Descriptor[] = [];
    for (const j of chain) layers.push(await files.blob(`${j.id}/layer.tar`));
    const history: HistoryEntry[] = chain.map((j) => ({
      created: j.created, author: j.author || undefined, comment: j.comment || undefined,
      created_by: Array.isArray(j.container_config?.Cmd) ? j.container_config.Cmd.join(' ') : undefined,
    }));
    const { id: _id, parent: _parent, Size: _size, parent_id: _pid, layer_id: _lid, throwaway: _tw, ...rest } = chain[chain.length - 1];
    const config = { ...rest, os: rest.os ?? 'linux', architecture: rest.architecture ?? goArch(), history, rootfs: { type: 'layers', diff_ids: [] as string[] } };
    out.push({ configBytes: Buffer.from(JSON.stringify(config)), layers, diffIds: layers.map(() => undefined), names: names(refs) });
  }
  return out;
}

export async function loadArchive(store: ImageStore, c: Containerd, body: AsyncIterable<Buffer>, onLoaded: OnLoaded): Promise<void> {
  const plain = await decompressed(body);
  await withLease(c, async (leased) => {
    const files = await ArchiveEntries.read(leased, plain);
    let found: Found[];
    if (files.has('manifest.json')) found = await dockerArchive(files);
    else if (files.has('index.json')) found = await ociLayout(files);
    else if (files.has('repositories')) found = await legacyArchive(files);
    else throw invalid('invalid archive: no manifest.json, index.json or repositories file in it');
    for (const f of found) {
      const { diffIds } = await unpackLayers(leased, f.layers, f.diffIds);
      let configBytes = f.configBytes;
      if (f.diffIds.some((d) => d === undefined)) {
        const config = JSON.parse(configBytes.toString('utf8'));
        config.rootfs.diff_ids = diffIds;
        configBytes = Buffer.from(JSON.stringify(config));
      }
      const img = await store.serial(() => store.commit(leased, configBytes, f.layers, f.manifestBytes));
      await onLoaded(img, f.names);
    }
  });
}
