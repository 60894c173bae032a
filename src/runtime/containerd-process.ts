// Starts and supervises berth's own containerd (own root, state and socket), unless the
// daemon is pointed at an external one with --containerd. The containerd process is started
// detached so containers (and their shims) outlive a berthd restart; a restarted berthd
// reuses a containerd that still answers on the socket.
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Containerd } from './containerd-client.js';

export interface ContainerdPaths { root: string; state: string; address: string; log: string }

export function containerdPaths(dataRoot: string, execRoot: string): ContainerdPaths {
  return {
    root: join(dataRoot, 'containerd'),
    state: join(execRoot, 'containerd'),
    address: join(execRoot, 'containerd', 'containerd.sock'),
    log: join(dataRoot, 'containerd.log'),
  };
}

async function answers(address: string): Promise<boolean> {
  if (!existsSync(address)) return false;
  const c = new Containerd(address, 'berth');
  try {
    await Promise.race([c.version.Version({}), new Promise((_, rej) => setTimeout(() => rej(new Error('timeout')), 2000))]);
    return true;
  } catch {
    return false;
  } finally {
    c.close();
  }
}

/** Ensures a containerd serves at paths.address; returns once it answers. */
export async function ensureContainerd(paths: ContainerdPaths): Promise<void> {
  if (await answers(paths.address)) return;
  mkdirSync(paths.root, { recursive: true });
  mkdirSync(paths.state, { recursive: true });
  const config = join(paths.state, 'config.toml');
  writeFileSync(config, [
    'version = 2',
    `root = "${paths.root}"`,
    `state = "${paths.state}"`,
    'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
    '[grpc]',
    `  address = "${paths.address}"`,
    '[ttrpc]',
    `  address = "${paths.address}.ttrpc"`,
    '[debug]',
    `  address = "${paths.address}.debug"`,
    '[metrics]',
    '  address = ""',
    '',
  ].join('\n'));
  const out = openSync(paths.log, 'a');
  const child = spawn('containerd', ['--config', config], { detached: true, stdio: ['ignore', out, out] });
  child.unref();
  let exited = false;
  child.once('exit', () => { exited = true; });
  for (let i = 0; i < 200 && !exited; i++) {
    if (await answers(paths.address)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`containerd did not start; see ${paths.log}`);
}
