// Which engine to talk to and how, with docker's precedence: --host/-H > DOCKER_HOST > --context >
// DOCKER_CONTEXT > currentContext in config.json. The "default" context takes its TLS settings from
// --tls/--tlsverify/--tlscacert/--tlscert/--tlskey, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH; a stored
// context from its own TLS files and SkipTLSVerify.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TlsSettings } from '../client/transport.js';
import { ContextStore, TLS_FILES } from './context-store.js';
import { defaultHost } from './context.js';
import type { FlagSpec, ParsedFlags } from './flags.js';

export interface ResolvedEndpoint {
  context: string;
  host: string;
  tls?: TlsSettings;
}

const certPath = (configDir: string) => process.env.DOCKER_CERT_PATH || configDir;

/** The TLS global flags, with defaults under DOCKER_CERT_PATH (or the config dir) as docker shows them. */
export function tlsFlags(configDir: string): FlagSpec[] {
  const dir = certPath(configDir);
  return [
    { name: 'tls', kind: 'bool', usage: 'Use TLS; implied by --tlsverify' },
    { name: 'tlscacert', kind: 'string', usage: 'Trust certs signed only by this CA', default: join(dir, 'ca.pem') },
    { name: 'tlscert', kind: 'string', usage: 'Path to TLS certificate file', default: join(dir, 'cert.pem') },
    { name: 'tlskey', kind: 'string', usage: 'Path to TLS key file', default: join(dir, 'key.pem') },
    { name: 'tlsverify', kind: 'bool', usage: 'Use TLS and verify the remote' },
  ];
}

/** Reads a PEM file; a missing default cert/key is skipped, a missing CA is an error (as with docker). */
function readPem(path: string, required: boolean): Buffer | undefined {
  if (!required && !existsSync(path)) return undefined;
  try {
    return readFileSync(path);
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message;
    throw new Error(`Failed to initialize: unable to resolve docker endpoint: open ${path}: ${why}`);
  }
}

function flagTls(flags: ParsedFlags): TlsSettings | undefined {
  const verify = flags.bool('tlsverify') || !!process.env.DOCKER_TLS_VERIFY;
  if (!verify && !flags.bool('tls')) return undefined;
  const pem = (name: string) => readPem(flags.string(name), name === 'tlscacert' || flags.changed(name));
  return { verify, ca: pem('tlscacert'), cert: pem('tlscert'), key: pem('tlskey') };
}

export function contextName(flags: ParsedFlags, store: ContextStore): string {
  const fromFlag = flags.string('context');
  if (fromFlag && flags.list('host').length) throw new Error('conflicting options: cannot specify both --host and --context');
  if (fromFlag) return fromFlag;
  if (flags.list('host').length || process.env.DOCKER_HOST) return 'default';
  return process.env.DOCKER_CONTEXT || store.current();
}

/** The endpoint of the "default" context: -H, DOCKER_HOST or the local socket. */
export function defaultEndpointHost(flags: ParsedFlags): string {
  const hosts = flags.list('host');
  return hosts[hosts.length - 1] || process.env.DOCKER_HOST || defaultHost();
}

export function resolveEndpoint(flags: ParsedFlags, store: ContextStore): ResolvedEndpoint {
  const context = contextName(flags, store);
  if (context === 'default') {
    const host = defaultEndpointHost(flags);
    return { context, host, tls: host.startsWith('unix://') ? undefined : flagTls(flags) };
  }
  let meta;
  try {
    meta = store.read(context);
  } catch (e) {
    throw new Error(`Failed to initialize: unable to resolve docker endpoint: ${(e as Error).message}`);
  }
  const ep = meta.Endpoints.docker;
  const host = ep?.Host || defaultHost();
  const files = store.readTls(context);
  const skip = !!ep?.SkipTLSVerify;
  const useTls = !host.startsWith('unix://') && (skip || TLS_FILES.some((f) => files[f]));
  const tls = useTls ? { verify: !skip, ca: files['ca.pem'], cert: files['cert.pem'], key: files['key.pem'] } : undefined;
  return { context, host, tls };
}
