// Image documents as they are stored: the image config (its digest is the image ID), the
// manifest that ties the config to its layer blobs, and the media types berth reads and writes.
export const MEDIA = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
} as const;

export interface HistoryEntry {
  created?: string;
  created_by?: string;
  author?: string;
  comment?: string;
  empty_layer?: boolean;
}

/** The image config document (Docker's image JSON / OCI image config). */
export interface ImageConfig {
  architecture: string;
  os: string;
  variant?: string;
  created?: string;
  author?: string;
  comment?: string;
  docker_version?: string;
  parent?: string;
  config?: Record<string, any>;
  container_config?: Record<string, any>;
  history?: HistoryEntry[];
  rootfs: { type: string; diff_ids: string[] };
  [key: string]: unknown;
}

export interface Manifest {
  schemaVersion: 2;
  mediaType?: string;
  config: { mediaType: string; digest: string; size: number };
  layers: { mediaType: string; digest: string; size: number; annotations?: Record<string, string> }[];
  annotations?: Record<string, string>;
}

export const GC_SNAPSHOT_LABEL = 'containerd.io/gc.ref.snapshot.overlayfs';
export const SNAPSHOTTER = 'overlayfs';

/** containerd's gc labels a manifest blob carries so that its config and layers stay alive. */
export function manifestGcLabels(m: Manifest): Record<string, string> {
  const labels: Record<string, string> = { 'containerd.io/gc.ref.content.config': m.config.digest };
  m.layers.forEach((l, i) => { labels[`containerd.io/gc.ref.content.l.${i}`] = l.digest; });
  return labels;
}

/** Media type for a layer blob, from its first bytes. */
export function layerMediaType(head: Buffer): string {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b ? MEDIA.dockerLayerGzip : MEDIA.dockerLayer;
}
