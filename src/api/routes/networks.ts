// /networks: the predefined bridge, host and none networks.
import type { Router } from '../router.js';
import type { Daemon } from '../../daemon/daemon.js';
import { forbidden } from '../../common/errors.js';
import { parseFilters } from '../../common/filters.js';

export function networkRoutes(r: Router, d: Daemon): void {
  r.get('/networks', (ctx) => ctx.send(200, d.networks.list(parseFilters(ctx.query.get('filters')))));

  r.get('/networks/:id', (ctx) => ctx.send(200, d.networks.inspect(ctx.params.id)));

  r.delete('/networks/:id', (ctx) => {
    const name = d.networks.resolve(ctx.params.id);
    throw forbidden(`${name} is a pre-defined network and cannot be removed`);
  });

  // Only user-defined networks are pruned; the predefined ones never are.
  r.post('/networks/prune', (ctx) => {
    parseFilters(ctx.query.get('filters'));
    ctx.send(200, { NetworksDeleted: null });
  });
}
