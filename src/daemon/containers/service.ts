// Container service (owned by the containers work).
import type { Daemon } from '../daemon.js';

export class ContainerService {
  constructor(readonly d: Daemon) {}
  async init(): Promise<void> {}
  async shutdown(): Promise<void> {}
  counts() { return { total: 0, running: 0, paused: 0, stopped: 0 }; }
  async df(): Promise<unknown[]> { return []; }
}
