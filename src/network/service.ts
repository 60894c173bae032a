// Network service (owned by the networking work).
import type { Daemon } from '../daemon/daemon.js';

export class NetworkService {
  constructor(readonly d: Daemon) {}
  async init(): Promise<void> {}
}
