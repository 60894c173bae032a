// Image service: the daemon's face of the image store (src/image). Resolves references for the
// container service, and implements import, load, save, tag, remove, list, inspect, history and
// prune with Docker's semantics, reporting image events.
import type { Writable } from 'node:stream';
import type { Daemon } from './daemon.js';
import { conflict, EngineError, invalid, notFound } from '../common/errors.js';
import { ENGINE_VERSION } from './system.js';
import { ImageStore, type StoredImage } from '../image/store.js';
import { importRootfs, type ImportOptions } from '../image/import.js';
import { commitContainer, type CommitInput } from '../image/commit.js';
import { parseReference, parseRepoTag, referenceMatches, splitTagged, taggedName } from '../image/reference.js';
import { imageHistory, imageInspect, imageSummary } from '../image/views.js';
import { loadArchive } from '../image/archive-load.js';
import { saveArchive } from '../image/archive-save.js';
import { matchLabels, parseTimestamp, type Filters } from '../common/filters.js';

/** What the container service needs to know of an image. */
export interface ResolvedImage {
  /** sha256:<config digest> */
  id: string;
  /** The image config's `config` object (Env, Cmd, Entrypoint, WorkingDir, User, ExposedPorts, Volumes, StopSignal, Labels, Healthcheck). */
  config: Record<string, any>;
  /** Chain IDs of the layers, bottom first; the last one is the committed snapshot a container's rootfs is prepared on. */
  chainIds: string[];
  repoTags: string[];
}

/** `all` is accepted but changes nothing: berth keeps no intermediate (parent) images to hide. */
export interface ListOptions { filters: Filters; sharedSize: boolean }
export type DeleteItem = { Untagged: string } | { Deleted: string };

/** Docker names a missing image by its normalised reference (`x` → `x:latest`). */
function notFoundName(ref: string): string {
  if (/^sha256:|^[0-9a-f]{64}$/.test(ref)) return ref;
  try { return taggedName(parseReference(ref)); } catch { return ref; }
}

const shortId = (id: string) => id.replace(/^sha256:/, '').slice(0, 12);

export class ImageService {
  private store!: ImageStore;

  constructor(readonly d: Daemon) {}

  async init(): Promise<void> {
    this.store = new ImageStore(this.d.containerd);
    await this.store.load();
  }

  async count(): Promise<number> { return this.store.all().length; }

  /** Containers created from an image, running or not. */
  private users(id: string): { id: string; running: boolean }[] {
    return this.d.containers.imageUsers(id);
  }

  private get(ref: string): StoredImage {
    const img = this.store.find(ref);
    if (img) return img;
    // Docker answers a reference that does not parse (and is not an ID) with the parse error.
    if (!/^(sha256:)?[0-9a-f]{1,64}$/.test(ref)) parseReference(ref);
    throw notFound(`No such image: ${notFoundName(ref)}`);
  }

  async resolve(ref: string): Promise<ResolvedImage> {
    const img = this.get(ref);
    return { id: img.id, config: img.config.config ?? {}, chainIds: [...img.chainIds], repoTags: [...img.names] };
  }

  /** The image's ID and those of every image built on it (by parent chain), for the `ancestor` filter. */
  lineage(ref: string): string[] {
    const ids = [this.get(ref).id];
    for (let i = 0; i < ids.length; i++) {
      for (const o of this.store.all()) if (o.config.parent === ids[i] && !ids.includes(o.id)) ids.push(o.id);
    }
    return ids;
  }

  inspect(ref: string): Record<string, unknown> {
    try {
      return imageInspect(this.get(ref));
    } catch (err) {
      if (err instanceof EngineError && err.status === 400) throw invalid(`no such image: ${ref}: ${err.message}`);
      throw err;
    }
  }
  history(ref: string): Record<string, unknown>[] { return imageHistory(this.get(ref)); }

  /** Imports a rootfs tar; tags it `repo[:tag]` when a repo is given. Returns the image ID. */
  async importImage(body: AsyncIterable<Buffer>, repo: string, tag: string, opts: Omit<ImportOptions, 'engineVersion'>): Promise<string> {
    const ref = repo ? parseRepoTag(repo, tag) : undefined;
    const img = await importRootfs(this.store, this.d.containerd, body, { ...opts, engineVersion: ENGINE_VERSION });
    this.d.events.emit('image', 'import', img.id, { name: img.id });
    if (ref) await this.tagImage(img, taggedName(ref));
    return img.id;
  }

  /** `docker commit`: the container's changes as a new image on its image (tagged `repo[:tag]` if given). */
  async commit(input: Omit<CommitInput, 'parent' | 'engineVersion'> & { imageId: string; repo: string; tag: string }): Promise<string> {
    const ref = input.repo ? parseRepoTag(input.repo, input.tag) : undefined;
    const img = await commitContainer(this.store, this.d.containerd, { ...input, parent: this.store.get(input.imageId), engineVersion: ENGINE_VERSION });
    if (ref) await this.tagImage(img, taggedName(ref));
    return img.id;
  }

  private async tagImage(img: StoredImage, name: string): Promise<void> {
    await this.store.serial(() => this.store.tag(name, img.id));
    this.d.events.emit('image', 'tag', img.id, { name });
  }

  async tag(source: string, repo: string, tag: string): Promise<void> {
    const img = this.get(source);
    const ref = parseRepoTag(repo, tag);
    await this.tagImage(img, taggedName(ref));
  }

  /** `docker load`: each loaded image is reported through `progress`. */
  async load(body: AsyncIterable<Buffer>, progress: (line: string) => void): Promise<void> {
    await loadArchive(this.store, this.d.containerd, body, async (img, names) => {
      for (const name of names) {
        const before = this.store.idOfName(name);
        if (before === img.id) continue;
        await this.store.serial(() => this.store.tag(name, img.id));
        if (before) progress(`The image ${name} already exists, renaming the old one with ID ${before} to empty string\n`);
      }
      this.d.events.emit('image', 'load', img.id, { name: img.id });
      for (const name of names) progress(`Loaded image: ${name}\n`);
      if (!names.length) progress(`Loaded image ID: ${img.id}\n`);
    });
  }

  /**
   * `docker save`: a docker-archive (+ OCI layout) of the images to `out`. As in Docker, a bare
   * repository name saves all its tags, and an image asked for by ID carries no tags.
   */
  async save(refs: string[], out: Writable, start: () => void): Promise<void> {
    const picked = refs.flatMap((ref) => {
      const repo = this.repoOnly(ref);
      const tagged = repo ? this.store.all().flatMap((img) => img.names.filter((n) => splitTagged(n).repo === repo).map((name) => ({ img, name }))) : [];
      if (tagged.length) return tagged;
      const img = this.get(ref);
      return [{ img, name: this.namedBy(ref, img) }];
    });
    start();
    for (const p of picked) this.d.events.emit('image', 'save', p.img.id, { name: p.name ?? p.img.id });
    await saveArchive(this.d.containerd, picked, out);
  }

  /**
   * `docker rmi` (moby's rules): untag a name; delete the image once no name or container needs
   * it; then, unless `noprune`, its parents that are left dangling and unused.
   */
  async remove(ref: string, force: boolean, noprune = false): Promise<DeleteItem[]> {
    return this.store.serial(async () => {
      const img = this.get(ref);
      const users = this.users(img.id);
      const running = users.find((u) => u.running);
      const out: DeleteItem[] = [];
      const untag = async (name: string) => {
        await this.store.untag(name);
        out.push({ Untagged: name });
        this.d.events.emit('image', 'untag', img.id, { name });
      };
      const name = this.namedBy(ref, img);
      if (name) {
        if (!force && img.names.length === 1 && users.length) {
          throw conflict(`conflict: unable to remove repository reference "${ref}" (must force) - container ${shortId(users[0].id)} is using its referenced image ${shortId(img.id)}`);
        }
        await untag(name);
        if (img.names.length || running) return out;
      } else if (img.names.length <= 1) {
        this.checkDelete(img, running, force ? undefined : users[0]);
        for (const n of [...img.names]) await untag(n);
      }
      this.checkDelete(img, running, force ? undefined : users[0]);
      if (!force && img.names.length) {
        throw conflict(`conflict: unable to delete ${shortId(img.id)} (must be forced) - image is referenced in multiple repositories`);
      }
      for (const n of [...img.names]) await untag(n);
      await this.deleteImage(img, out);
      for (let parent = this.store.get(img.config.parent ?? ''); parent && !noprune; parent = this.store.get(parent.config.parent ?? '')) {
        if (parent.names.length || this.children(parent).length || this.users(parent.id).length) break;
        await this.deleteImage(parent, out);
      }
      return out;
    });
  }

  private async deleteImage(img: StoredImage, out: DeleteItem[]): Promise<void> {
    await this.store.delete(img.id);
    out.push({ Deleted: img.id });
    this.d.events.emit('image', 'delete', img.id, { name: img.id });
  }

  private children(img: StoredImage): StoredImage[] {
    return this.store.all().filter((o) => o.config.parent === img.id);
  }

  private checkDelete(img: StoredImage, running: { id: string } | undefined, stopped: { id: string } | undefined): void {
    if (this.children(img).length) throw conflict(`conflict: unable to delete ${shortId(img.id)} (cannot be forced) - image has dependent child images`);
    if (running) throw conflict(`conflict: unable to delete ${shortId(img.id)} (cannot be forced) - image is being used by running container ${shortId(running.id)}`);
    if (stopped) throw conflict(`conflict: unable to delete ${shortId(img.id)} (must be forced) - image is being used by stopped container ${shortId(stopped.id)}`);
  }

  /** The repository `ref` names when it is a bare repository name (no tag, no digest). */
  private repoOnly(ref: string): string | undefined {
    try {
      const parsed = parseReference(ref);
      return parsed.tag || parsed.digest ? undefined : parsed.name;
    } catch {
      return undefined;
    }
  }

  /** The stored name `ref` denotes, if it is a name (not an ID) of `img`. */
  private namedBy(ref: string, img: StoredImage): string | undefined {
    try {
      const name = taggedName(parseRepoTag(ref, ''));
      return img.names.includes(name) ? name : undefined;
    } catch {
      return undefined;
    }
  }

  private summaries(images: StoredImage[], sharedSize: boolean, withContainers: boolean): Record<string, unknown>[] {
    const chainUse = new Map<string, number>();
    if (sharedSize) for (const img of this.store.all()) for (const ch of img.chainIds) chainUse.set(ch, (chainUse.get(ch) ?? 0) + 1);
    return images.map((img) => imageSummary(img, {
      containers: withContainers ? this.users(img.id).length : -1,
      sharedSize: sharedSize ? img.chainIds.reduce((sum, ch, i) => sum + ((chainUse.get(ch) ?? 0) > 1 ? img.layerSizes[i] : 0), 0) : -1,
    }));
  }

  private filtered(f: Filters): StoredImage[] {
    const before = f.get('before')?.map((r) => this.get(r));
    const since = f.get('since')?.map((r) => this.get(r));
    const until = f.get('until')?.map((v) => parseTimestamp(v));
    const dangling = f.get('dangling');
    const created = (img: StoredImage) => Date.parse(img.config.created ?? '') || 0;
    return this.store.all().filter((img) => {
      if (dangling) {
        const want = dangling.includes('true') || dangling.includes('1');
        if (want !== (img.names.length === 0)) return false;
      }
      const refs = f.get('reference');
      if (refs && !img.names.some((n) => refs.some((p) => referenceMatches(p, n)))) return false;
      if (!matchLabels(f.get('label'), img.config.config?.Labels)) return false;
      if (before && !before.every((b) => created(img) < created(b))) return false;
      if (since && !since.every((s) => created(img) > created(s))) return false;
      if (until && !until.every((u) => created(img) < u)) return false;
      return true;
    });
  }

  list(opts: ListOptions): Record<string, unknown>[] {
    const images = this.filtered(opts.filters).sort((a, b) => (Date.parse(b.config.created ?? '') || 0) - (Date.parse(a.config.created ?? '') || 0));
    const refs = opts.filters.get('reference');
    const rows = this.summaries(images, opts.sharedSize, false);
    if (refs) for (const row of rows) (row.RepoTags as string[]).splice(0, Infinity, ...(row.RepoTags as string[]).filter((n) => refs.some((p) => referenceMatches(p, n))));
    return rows;
  }

  async df(): Promise<{ LayersSize: number; Images: Record<string, unknown>[] }> {
    const sizes = new Map<string, number>();
    for (const img of this.store.all()) img.chainIds.forEach((ch, i) => sizes.set(ch, img.layerSizes[i]));
    const LayersSize = [...sizes.values()].reduce((a, b) => a + b, 0);
    return { LayersSize, Images: this.summaries(this.store.all(), true, true) };
  }

  /** `docker image prune`: dangling images (every unused one with dangling=false). */
  async prune(f: Filters): Promise<{ ImagesDeleted: DeleteItem[] | null; SpaceReclaimed: number }> {
    const danglingOnly = !(f.get('dangling') ?? ['true']).some((v) => v === 'false' || v === '0');
    const until = f.get('until')?.map((v) => parseTimestamp(v));
    const labels = (img: StoredImage) => img.config.config?.Labels;
    const layerSizes = () => new Map(this.store.all().flatMap((img) => img.chainIds.map((ch, i) => [ch, img.layerSizes[i]] as const)));
    const before = layerSizes();
    const deleted: DeleteItem[] = [];
    for (const img of this.store.all()) {
      if (!this.store.get(img.id)) continue;
      if (danglingOnly && img.names.length) continue;
      if (this.users(img.id).length || this.children(img).length) continue;
      if (!matchLabels(f.get('label'), labels(img))) continue;
      if ((f.get('label!') ?? []).some((l) => matchLabels([l], labels(img)))) continue;
      if (until && !until.every((u) => (Date.parse(img.config.created ?? '') || 0) < u)) continue;
      deleted.push(...(await this.remove(img.id, true)));
    }
    const after = layerSizes();
    const reclaimed = [...before].reduce((sum, [ch, size]) => sum + (after.has(ch) ? 0 : size), 0);
    this.d.events.emit('image', 'prune', '', { reclaimed: String(reclaimed) });
    return { ImagesDeleted: deleted.length ? deleted : null, SpaceReclaimed: reclaimed };
  }
}
