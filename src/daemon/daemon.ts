// The daemon: one object that owns the containerd connection and the services. Routes reach
// services through it; services reach each other through it.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Containerd } from '../runtime/containerd-client.js';
import { containerdPaths, ensureContainerd } from '../runtime/containerd-process.js';
import type { DaemonConfig } from './config.js';
import { EventService } from './events.js';
import { ImageService } from './images.js';
import { ContainerService } from './containers/service.js';
import { NetworkService } from './networks.js';
import { VolumeService } from './volumes.js';
import { loadHostFacts, type HostFacts } from './system.js';

/** containerd namespace that holds berth's images, containers and tasks. */
export const NAMESPACE = 'berth';

export class Daemon {
  readonly events = new EventService();
  readonly startedAt = new Date();
  containerd!: Containerd;
  images!: ImageService;
  containers!: ContainerService;
  networks!: NetworkService;
  volumes!: VolumeService;
  host!: HostFacts;

  constructor(readonly config: DaemonConfig) {}

  path(...parts: string[]): string { return join(this.config.dataRoot, ...parts); }
  runPath(...parts: string[]): string { return join(this.config.execRoot, ...parts); }

  async start(): Promise<void> {
    mkdirSync(this.config.dataRoot, { recursive: true, mode: 0o711 });
    mkdirSync(this.config.execRoot, { recursive: true, mode: 0o700 });
    const facts = loadHostFacts(this.path('engine-id'));
    let address = this.config.containerd;
    if (!address) {
      const paths = containerdPaths(this.config.dataRoot, this.config.execRoot);
      await ensureContainerd(paths);
      address = paths.address;
    }
    this.containerd = new Containerd(address, NAMESPACE);
    this.images = new ImageService(this);
    this.networks = new NetworkService(this);
    this.volumes = new VolumeService(this);
    this.containers = new ContainerService(this);
    this.host = await facts;
    await this.images.init();
    await this.networks.init();
    await this.volumes.init();
    await this.containers.init();
  }

  async shutdown(): Promise<void> {
    await this.containers.shutdown();
    await this.networks?.settle();
    this.containerd.close();
  }
}
