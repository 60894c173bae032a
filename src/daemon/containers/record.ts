// The container record: what berthd knows of a container, kept in Docker's on-disk shape
// (<data-root>/containers/<id>/config.v2.json + hostconfig.json) so inspect is a projection.
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-file.js';
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

export class RecordStore {
  constructor(readonly root: string) { mkdirSync(root, { recursive: true, mode: 0o710 }); }

  dir(id: string): string { return join(this.root, id); }

  save(rec: ContainerRecord): void {
    const dir = this.dir(rec.ID);
    mkdirSync(dir, { recursive: true, mode: 0o710 });
    const { HostConfig, ...config } = rec;
    writeFileAtomic(join(dir, 'hostconfig.json'), JSON.stringify(HostConfig), { durable: true });
    writeFileAtomic(join(dir, 'config.v2.json'), JSON.stringify(config), { durable: true });
  }

  /** Only the state changes: hostconfig.json is left alone; not fsynced (see atomic-file.ts). */
  saveState(rec: ContainerRecord): void {
    const { HostConfig: _h, ...config } = rec;
    writeFileAtomic(join(this.dir(rec.ID), 'config.v2.json'), JSON.stringify(config));
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
