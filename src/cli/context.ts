// What every command gets: the engine client (connected lazily), the client config file
// (config.json: psFormat, imagesFormat, detachKeys, auths) and output helpers.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Engine } from '../client/engine.js';
import type { TlsSettings } from '../client/transport.js';

export interface ClientConfig {
  psFormat?: string;
  imagesFormat?: string;
  detachKeys?: string;
  auths?: Record<string, { auth?: string; identitytoken?: string }>;
  [k: string]: unknown;
}

/** Ends the command with an exit code; the message (if any) goes to stderr. */
export class StatusError extends Error {
  constructor(
    readonly code: number,
    message = '',
  ) {
    super(message);
  }
}

export function defaultHost(): string {
  return existsSync('/var/run/berth.sock') ? 'unix:///var/run/berth.sock' : 'unix:///var/run/docker.sock';
}

export class Cli {
  private engineInstance: Engine | undefined;
  private configCache: ClientConfig | undefined;

  constructor(
    readonly host: string,
    readonly configDir: string,
    readonly tls?: TlsSettings,
    /** The context in use ("default": the -H/DOCKER_HOST endpoint). */
    readonly contextName = 'default',
  ) {}

  static configDirFrom(flag: string | undefined): string {
    return flag || process.env.DOCKER_CONFIG || join(process.env.HOME || '/root', '.docker');
  }

  get engine(): Engine {
    this.engineInstance ??= new Engine(this.host, process.env.DOCKER_API_VERSION || undefined, this.tls);
    return this.engineInstance;
  }

  get config(): ClientConfig {
    if (!this.configCache) {
      try {
        this.configCache = JSON.parse(readFileSync(join(this.configDir, 'config.json'), 'utf8')) as ClientConfig;
      } catch {
        this.configCache = {};
      }
    }
    return this.configCache;
  }

  out(text: string): void {
    process.stdout.write(text);
  }

  err(text: string): void {
    process.stderr.write(text);
  }
}
