// Runs CNI plugins the way a CNI runtime does: exec the plugin binary from CNI_PATH with the
// CNI_* environment and the network configuration on stdin; the result (or error) comes back
// as JSON on stdout. Chains are driven by the caller, which passes prevResult along.
import { spawn } from 'node:child_process';

export const CNI_PATH = '/usr/lib/cni';
export const CNI_VERSION = '1.0.0';

export interface CniCall {
  command: 'ADD' | 'DEL' | 'CHECK';
  containerId: string;
  netns: string;
  ifName: string;
}

class CniError extends Error {
  constructor(readonly plugin: string, readonly code: number, msg: string) { super(msg); }
}

/** Execs one plugin; resolves with its parsed result (undefined for an empty answer, as DEL gives). */
export function invokePlugin(config: Record<string, unknown> & { type: string }, call: CniCall): Promise<any> {
  return new Promise((resolve, reject) => {
    const child = spawn(`${CNI_PATH}/${config.type}`, [], {
      env: {
        CNI_COMMAND: call.command,
        CNI_CONTAINERID: call.containerId,
        CNI_NETNS: call.netns,
        CNI_IFNAME: call.ifName,
        CNI_PATH,
        PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      const text = Buffer.concat(out).toString().trim();
      let parsed: any;
      try { parsed = text ? JSON.parse(text) : undefined; } catch { parsed = undefined; }
      if (code === 0) { resolve(parsed); return; }
      const msg = parsed?.msg
        ? `${parsed.msg}${parsed.details ? `: ${parsed.details}` : ''}`
        : (Buffer.concat(err).toString().trim() || text || `exit status ${code}`);
      reject(new CniError(config.type, parsed?.code ?? code ?? -1, `plugin type="${config.type}" failed (${call.command.toLowerCase()}): ${msg}`));
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(JSON.stringify({ cniVersion: CNI_VERSION, ...config }));
  });
}

/** ADD through a chain: each plugin sees the previous one's result; returns the last result. */
export async function addChain(name: string, plugins: (Record<string, unknown> & { type: string })[], call: Omit<CniCall, 'command'>): Promise<any> {
  let prev: unknown;
  for (const p of plugins) {
    const conf = prev === undefined ? { name, ...p } : { name, ...p, prevResult: prev };
    const res = await invokePlugin(conf, { ...call, command: 'ADD' });
    prev = res ?? prev;
  }
  return prev;
}

/** DEL through a chain in reverse order; every plugin gets prevResult; all run even if one fails. */
export async function delChain(name: string, plugins: (Record<string, unknown> & { type: string })[], prevResult: unknown, call: Omit<CniCall, 'command'>): Promise<void> {
  const errors: Error[] = [];
  for (const p of [...plugins].reverse()) {
    const conf = prevResult === undefined ? { name, ...p } : { name, ...p, prevResult };
    await invokePlugin(conf, { ...call, command: 'DEL' }).catch((e: Error) => errors.push(e));
  }
  if (errors.length) throw errors[0];
}
