// docker's context export format: a tar with meta.json and tls/docker/{ca,cert,key}.pem.
import type { Readable } from 'node:stream';
import type { ContextMeta, TlsFiles } from '../context-store.js';

export async function exportContext(meta: ContextMeta, tls: TlsFiles): Promise<Buffer> {
  const tar = await import('tar-stream');
  const p = tar.pack();
  const base = { mtime: new Date(0), uid: 0, gid: 0 };
  p.entry({ ...base, name: 'meta.json', mode: 0o644 }, JSON.stringify(meta));
  const files = Object.entries(tls);
  if (files.length) {
    p.entry({ ...base, name: 'tls', type: 'directory', mode: 0o700 });
    p.entry({ ...base, name: 'tls/docker', type: 'directory', mode: 0o700 });
    for (const [f, data] of files) p.entry({ ...base, name: `tls/docker/${f}`, mode: 0o600 }, data);
  }
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const c of p) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export async function importContext(input: Readable): Promise<{ meta: ContextMeta; tls: TlsFiles }> {
  const tar = await import('tar-stream');
  const ex = tar.extract();
  input.pipe(ex);
  let meta: ContextMeta | undefined;
  const tls: TlsFiles = {};
  for await (const entry of ex) {
    const chunks: Buffer[] = [];
    for await (const c of entry) chunks.push(c as Buffer);
    const name = entry.header.name.replace(/^\.\//, '');
    if (name === 'meta.json') meta = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ContextMeta;
    else if (/^tls\/docker\/(ca|cert|key)\.pem$/.test(name)) tls[name.slice('tls/docker/'.length)] = Buffer.concat(chunks);
  }
  if (!meta) throw new Error('invalid context archive: meta.json missing');
  return { meta, tls };
}
