// Image service (owned by the images work): see the interface the rest of the daemon relies on.
import type { Daemon } from './daemon.js';

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

export class ImageService {
  constructor(readonly d: Daemon) {}
  async init(): Promise<void> {}
  async count(): Promise<number> { return 0; }
  async df(): Promise<{ LayersSize: number; Images: unknown[] }> { return { LayersSize: 0, Images: [] }; }
}
