// /volumes: create, list, inspect, remove, prune; export and import of a volume's content as a
// tar (berth's own routes, see src/daemon/volumes.ts).
import { pipeline } from 'node:stream/promises';
import type { Router } from '../router.js';
import type { Daemon } from '../../daemon/daemon.js';
import { invalid } from '../../common/errors.js';
import { parseFilters } from '../../common/filters.js';
import { decompressed } from '../../image/decompress.js';
import { bool } from '../query.js';

export function volumeRoutes(r: Router, d: Daemon): void {
  r.get('/volumes', (ctx) => ctx.send(200, d.volumes.list(parseFilters(ctx.query.get('filters')))));

  r.post('/volumes/create', async (ctx) => ctx.send(201, await d.volumes.create((await ctx.json()) ?? {})));

  r.post('/volumes/prune', async (ctx) => ctx.send(200, await d.volumes.prune(parseFilters(ctx.query.get('filters')))));

  r.get('/volumes/:name/export', (ctx) => {
    const tar = d.volumes.export(ctx.params.name);
    const res = ctx.res!;
    res.writeHead(200, { 'Content-Type': 'application/x-tar' });
    // A failing tar aborts the response (never a clean, cut-off 200); a client gone kills tar.
    pipeline(tar, res).catch(() => undefined);
  });

  // The body: a tar, plain or gzip-compressed. `force` replaces a non-empty volume's content.
  r.put('/volumes/:name/import', async (ctx) => {
    await d.volumes.import(ctx.params.name, await decompressed(ctx.req), { force: bool(ctx.query.get('force')) });
    ctx.send(204);
  });

  r.get('/volumes/:name', (ctx) => ctx.send(200, d.volumes.inspect(ctx.params.name)));

  r.put('/volumes/:name', () => {
    throw invalid('volume update only valid for cluster volumes, but swarm is not enabled');
  });

  r.delete('/volumes/:name', async (ctx) => {
    await d.volumes.remove(ctx.params.name, bool(ctx.query.get('force')));
    ctx.send(204);
  });
}
