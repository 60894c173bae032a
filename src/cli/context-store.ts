// docker's context store, read and written in docker's own layout so both CLIs share it:
// <config>/contexts/meta/<sha256(name)>/meta.json and <config>/contexts/tls/<sha256(name)>/docker/*.pem;
// the current context is `currentContext` in config.json.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DockerEndpointMeta {
  Host: string;
  SkipTLSVerify: boolean;
}

export interface ContextMeta {
  Name: string;
  Metadata: { Description?: string; [k: string]: unknown };
  Endpoints: { docker?: DockerEndpointMeta; [k: string]: unknown };
}

/** TLS files of a context's docker endpoint, by file name (ca.pem, cert.pem, key.pem). */
export type TlsFiles = Record<string, Buffer>;

export const TLS_FILES = ['ca.pem', 'cert.pem', 'key.pem'];
const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.+-]+$/;

export function contextId(name: string): string {
  return createHash('sha256').update(name).digest('hex');
}

export function validateName(name: string): void {
  if (name === 'default') throw new Error(`"default" is a reserved context name`);
  if (!NAME_RE.test(name)) throw new Error(`context name "${name}" is invalid, names are validated against regexp "${NAME_RE.source}"`);
}

export class ContextStore {
  constructor(readonly configDir: string) {}

  metaDir(name: string): string {
    return join(this.configDir, 'contexts', 'meta', contextId(name));
  }

  tlsDir(name: string): string {
    return join(this.configDir, 'contexts', 'tls', contextId(name));
  }

  exists(name: string): boolean {
    return existsSync(join(this.metaDir(name), 'meta.json'));
  }

  /** Reads a context; the error text is docker's ("context not found: open ...: no such file or directory"). */
  read(name: string): ContextMeta {
    const file = join(this.metaDir(name), 'meta.json');
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      throw new Error(`context "${name}": context not found: open ${file}: no such file or directory`);
    }
    return JSON.parse(text) as ContextMeta;
  }

  list(): ContextMeta[] {
    const root = join(this.configDir, 'contexts', 'meta');
    if (!existsSync(root)) return [];
    const out: ContextMeta[] = [];
    for (const id of readdirSync(root)) {
      try {
        out.push(JSON.parse(readFileSync(join(root, id, 'meta.json'), 'utf8')) as ContextMeta);
      } catch {
        // not a context directory
      }
    }
    return out;
  }

  write(meta: ContextMeta): void {
    const dir = this.metaDir(meta.Name);
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    writeFileSync(join(dir, 'meta.json'), JSON.stringify(meta), { mode: 0o644 });
  }

  /** The TLS files stored for the docker endpoint (only those present). */
  readTls(name: string): TlsFiles {
    const dir = join(this.tlsDir(name), 'docker');
    const out: TlsFiles = {};
    for (const f of TLS_FILES) {
      const p = join(dir, f);
      if (existsSync(p)) out[f] = readFileSync(p);
    }
    return out;
  }

  writeTls(name: string, files: TlsFiles): void {
    const dir = join(this.tlsDir(name), 'docker');
    rmSync(dir, { recursive: true, force: true });
    if (!Object.keys(files).length) return;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const [f, data] of Object.entries(files)) writeFileSync(join(dir, f), data, { mode: 0o600 });
  }

  remove(name: string): void {
    rmSync(this.metaDir(name), { recursive: true, force: true });
    rmSync(this.tlsDir(name), { recursive: true, force: true });
  }

  private configFile(): string {
    return join(this.configDir, 'config.json');
  }

  private readConfig(): Record<string, unknown> {
    try {
      return JSON.parse(readFileSync(this.configFile(), 'utf8')) as Record<string, unknown>;
    } catch {
      return {};
    }
  }

  current(): string {
    const c = this.readConfig().currentContext;
    return typeof c === 'string' && c ? c : 'default';
  }

  /** Sets `currentContext` in config.json ("default" removes it), keeping every other key. */
  setCurrent(name: string): void {
    // docker always writes `auths`, first.
    const config: Record<string, unknown> = { auths: {}, ...this.readConfig() };
    if (name === 'default') delete config.currentContext;
    else config.currentContext = name;
    mkdirSync(this.configDir, { recursive: true });
    writeFileSync(this.configFile(), JSON.stringify(config, null, '\t'), { mode: 0o600 });
  }
}
