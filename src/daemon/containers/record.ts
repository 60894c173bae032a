// The container record: what berthd knows of a container, kept in Docker's on-disk shape
// (<data-root>/containers/<id>/config.v2.json + hostconfig.json) so inspect is a projection.
import type { MountPoint } from '../../volume/mount-spec.js';
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../common/atomic-file.js';
import { nowNs, rfc3339NanoOf } from '../../common/clock.js';

export const ZERO_TIME = '0001-01-01T00:00:00Z';

export interface ContainerState {
  Status: 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';
  Running: boolean;
  Paused: boolean;
  Restarting: boolean;
  OOMKilled: boolean;
  RemovalInProgress: boolean;
  Dead: boolean;
  Pid: number;
  ExitCode: number;
  Error: string;
  StartedAt: string;
  FinishedAt: string;
}

export interface ContainerRecord {
  ID: string;
  Created: string;
  Path: string;
  Args: string[];
  Config: Record<string, any>;
  HostConfig: Record<string, any>;
  NetworkingConfig: Record<string, any> | null;
  State: ContainerState;
  Image: string;
  /** The image reference the container was created from, as given (Config.Image). */
  ImageRef: string;
  Name: string;
  RestartCount: number;
  Driver: string;
  Platform: string;
  MountLabel: string;
  ProcessLabel: string;
  AppArmorProfile: string;
  ExecIDs: string[] | null;
  /** Binds, volumes, tmpfs and image mounts, resolved at create (Docker's MountPoints). */
  MountPoints?: MountPoint[];
  /** What the network service returned from attach (survives restarts for detach). */
  NetworkState?: unknown;
  LogPath: string;
  ResolvConfPath: string;
  HostnamePath: string;
  HostsPath: string;
  HasBeenStartedBefore: boolean;
  HasBeenManuallyStopped: boolean;
}

export function initialState(): ContainerState {
  return {
    Status: 'created', Running: false, Paused: false, Restarting: false, OOMKilled: false, RemovalInProgress: false,
    Dead: false, Pid: 0, ExitCode: 0, Error: '', StartedAt: ZERO_TIME, FinishedAt: ZERO_TIME,
  };
}

/** Now (from the daemon's one clock), or a given time in ms plus extra nanoseconds, as RFC 3339. */
export function rfc3339Nano(ms?: number, extraNs = 0): string {
  return rfc3339NanoOf(ms === undefined ? nowNs() : BigInt(ms) * 1_000_000n + BigInt(extraNs));
}

/** A protobuf Timestamp (containerd's exit times) as RFC 3339 with nanoseconds; now when unset. */
export function timestampOf(ts: { seconds?: number | string; nanos?: number } | null | undefined): string {
  if (!ts || !Number(ts.seconds)) return rfc3339Nano();
  const ms = Number(ts.seconds) * 1000;
  const nanos = ts.nanos ?? 0;
  return rfc3339Nano(ms + Math.floor(nanos / 1e6), nanos % 1e6);
}

/** Parses an RFC 3339 timestamp to milliseconds (fractions beyond ms dropped). */
export function parseTime(t: string): number {
  return Date.parse(t.replace(/(\.\d{3})\d+/, '$1'));
}

/**
 * Container records on disk: `config.v2.json` (the record and its state) and `hostconfig.json`.
 * Writes of one record run in order; a state write asked for while another waits is merged
 * into it, since it writes the record as it is when its turn comes.
 */
export class RecordStore {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly queuedState = new Map<string, Promise<void>>();

  constructor(readonly root: string) { mkdirSync(root, { recursive: true, mode: 0o710 }); }

  dir(id: string): string { return join(this.root, id); }

  /** The whole record, fsynced (creation and updates of the configuration). */
  save(rec: ContainerRecord): Promise<void> {
    return this.enqueue(rec.ID, async () => {
      const dir = this.dir(rec.ID);
      await mkdir(dir, { recursive: true, mode: 0o710 });
      const { HostConfig, ...config } = rec;
      await writeFileAtomic(join(dir, 'hostconfig.json'), JSON.stringify(HostConfig), { durable: true });
      await writeFileAtomic(join(dir, 'config.v2.json'), JSON.stringify(config), { durable: true });
    });
  }

  /** Only the state changes: hostconfig.json is left alone; not fsynced (see atomic-file.ts). */
  saveState(rec: ContainerRecord): Promise<void> {
    const queued = this.queuedState.get(rec.ID);
    if (queued) return queued;
    const write = this.enqueue(rec.ID, async () => {
      this.queuedState.delete(rec.ID);
      const { HostConfig: _h, ...config } = rec;
      await writeFileAtomic(join(this.dir(rec.ID), 'config.v2.json'), JSON.stringify(config));
    });
    this.queuedState.set(rec.ID, write);
    return write;
  }

  /** Resolves once every write of the record asked for so far is done (before its directory goes). */
  flushed(id: string): Promise<void> {
    return this.chains.get(id) ?? Promise.resolve();
  }

  /** Every pending write done (at shutdown). */
  async settled(): Promise<void> {
    await Promise.all(this.chains.values());
  }

  private enqueue(id: string, job: () => Promise<void>): Promise<void> {
    const next = (this.chains.get(id) ?? Promise.resolve()).then(job);
    const tail = next.catch(() => undefined);
    this.chains.set(id, tail);
    void tail.then(() => { if (this.chains.get(id) === tail) this.chains.delete(id); });
    return next;
  }

  loadAll(): ContainerRecord[] {
    const out: ContainerRecord[] = [];
    for (const id of readdirSync(this.root)) {
      try {
        const config = JSON.parse(readFileSync(join(this.root, id, 'config.v2.json'), 'utf8'));
        const HostConfig = JSON.parse(readFileSync(join(this.root, id, 'hostconfig.json'), 'utf8'));
        out.push({ ...config, HostConfig });
      } catch (err) {
        console.error(`berthd: skipping container ${id}: ${(err as Error).message}`);
      }
    }
    return out;
  }
}
