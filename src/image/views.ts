// The JSON shapes Docker's image endpoints answer with (inspect, list summary, history), built
// from a stored image.
import type { StoredImage } from './store.js';
import type { HistoryEntry } from './types.js';
import { goTimestamp } from '../common/go-time.js';

const ZERO_TIME = '0001-01-01T00:00:00Z';
const unixSeconds = (iso?: string) => (iso ? Math.floor(Date.parse(iso) / 1000) : 0);

export function imageInspect(img: StoredImage): Record<string, unknown> {
  const c = img.config;
  return {
    Id: img.id,
    RepoTags: [...img.names],
    RepoDigests: [],
    Parent: c.parent ?? '',
    Comment: c.comment ?? '',
    Created: c.created ?? '',
    DockerVersion: c.docker_version ?? '',
    Author: c.author ?? '',
    Config: c.config ?? null,
    Architecture: c.architecture ?? '',
    ...(c.variant ? { Variant: c.variant } : {}),
    Os: c.os ?? '',
    Size: img.size,
    GraphDriver: { Name: 'overlayfs', Data: null },
    RootFS: { Type: 'layers', Layers: [...(c.rootfs?.diff_ids ?? [])] },
    Metadata: { LastTagTime: img.lastTagTime ? goTimestamp(img.lastTagTime) : ZERO_TIME },
  };
}

export interface SummaryExtras { containers: number; sharedSize: number }

export function imageSummary(img: StoredImage, extras: SummaryExtras): Record<string, unknown> {
  return {
    Containers: extras.containers,
    Created: unixSeconds(img.config.created),
    Id: img.id,
    Labels: img.config.config?.Labels ?? {},
    ParentId: img.config.parent ?? '',
    RepoDigests: [],
    RepoTags: [...img.names],
    SharedSize: extras.sharedSize,
    Size: img.size,
  };
}

/** Newest first; only the top entry carries the image ID and tags (`<missing>` below, as Docker). */
export function imageHistory(img: StoredImage): Record<string, unknown>[] {
  const history: HistoryEntry[] = img.config.history?.length
    ? img.config.history
    : img.chainIds.map(() => ({ created: img.config.created, created_by: '', comment: '' }));
  let layer = 0;
  const rows = history.map((h) => {
    const size = h.empty_layer ? 0 : img.layerSizes[layer++] ?? 0;
    return { Id: '<missing>', Created: unixSeconds(h.created), CreatedBy: h.created_by ?? '', Tags: null as string[] | null, Size: size, Comment: h.comment ?? '' };
  }).reverse();
  if (rows.length) { rows[0].Id = img.id; rows[0].Tags = img.names.length ? [...img.names] : null; }
  return rows;
}
