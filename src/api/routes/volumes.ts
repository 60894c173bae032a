// /volumes: create, list, inspect, remove, prune.
import type { Router } from '../router.js';
import type { Daemon } from '../../daemon/daemon.js';
import { invalid } from '../../common/errors.js';
import { parseFilters } from '../../common/filters.js';
import { bool } from '../query.js';

export function volumeRoutes(r: Router, d: Daemon): void {
  r.get('/volumes', (ctx) => ctx.send(200, d.volumes.list(parseFilters(ctx.query.get('filters')))));

  r.post('/volumes/create', async (ctx) => ctx.send(201, await d.volumes.create((await ctx.json()) ?? {})));

  r.post('/volumes/prune', async (ctx) => ctx.send(200, await d.volumes.prune(parseFilters(ctx.query.get('filters')))));

  r.get('/volumes/:name', (ctx) => ctx.send(200, d.volumes.inspect(ctx.params.name)));

  r.put('/volumes/:name', () => {
    throw invalid('volume update only valid for cluster volumes, but swarm is not enabled');
  });

  r.delete('/volumes/:name', async (ctx) => {
    await d.volumes.remove(ctx.params.name, bool(ctx.query.get('force')));
    ctx.send(204);
  });
}
