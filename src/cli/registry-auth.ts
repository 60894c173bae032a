// Image references and the X-Registry-Auth header built from config.json credentials.
import type { Cli } from './context.js';
import { splitReference } from './format/names.js';

/** "busybox" -> "busybox:latest"; references with a tag or digest are kept. */
export function withDefaultTag(ref: string): string {
  const r = splitReference(ref);
  return r.tag || r.digest ? ref : `${ref}:latest`;
}

/** The registry host of a reference, or undefined for the default registry. */
export function registryHost(ref: string): string | undefined {
  const first = ref.split('/')[0];
  if (ref.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')) return first;
  return undefined;
}

/** Base64url-encoded auth config for the reference's registry ("e30=" style empty object otherwise). */
export function registryAuthHeader(cli: Cli, ref: string): Record<string, string> {
  const host = registryHost(ref);
  const entry = host ? cli.config.auths?.[host] : undefined;
  let auth: Record<string, string> = {};
  if (entry?.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    auth = { username: decoded.slice(0, i), password: decoded.slice(i + 1), serveraddress: host! };
  } else if (entry?.identitytoken) {
    auth = { identitytoken: entry.identitytoken, serveraddress: host! };
  }
  return { 'X-Registry-Auth': Buffer.from(JSON.stringify(auth)).toString('base64url') };
}
