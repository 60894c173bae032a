// Removing what berthd put on the host for a data root: the bridge device, its iptables rules and
// portmap's idle chains. Usable without a running daemon (tests, benchmarks, clean-up scripts).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readJson, type NetworksFile } from './default-bridge.js';
import { removeBridgeRules, removeIdleHostportChains } from './iptables.js';

const exec = promisify(execFile);

/** Deletes a bridge device and its iptables rules (usable without a running daemon). */
export async function teardownBridge(device: string): Promise<void> {
  await exec('ip', ['link', 'del', device]).catch(() => undefined);
  await removeBridgeRules(device).catch(() => undefined);
  await removeIdleHostportChains();
}

/** Removes the bridge and iptables rules a (stopped) berthd made for `dataRoot`, if any. */
export async function teardownDataRoot(dataRoot: string): Promise<void> {
  const device = readJson<NetworksFile>(join(dataRoot, 'network', 'networks.json'))?.bridge.device;
  if (device) await teardownBridge(device);
}
