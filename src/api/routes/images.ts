// /images/*: import (create?fromSrc=-), load, save (get), tag, remove, inspect, history, list, prune.
import type { ServerResponse } from 'node:http';
import { compareVersions, type Router } from '../router.js';
import type { Daemon } from '../../daemon/daemon.js';
import { EngineError, invalid, notFound } from '../../common/errors.js';
import { checkFilterNames, parseFilters } from '../../common/filters.js';
import { bool } from '../query.js';


/**
 * A JSON-lines progress response whose status is decided by the first line: an error before
 * anything was written gets its own status code; a later one becomes an `errorDetail` line.
 */
class Progress {
  private started = false;
  constructor(private readonly res: ServerResponse) {}

  line(obj: unknown): void {
    if (!this.started) {
      this.res.writeHead(200, { 'Content-Type': 'application/json' });
      this.started = true;
    }
    this.res.write(JSON.stringify(obj) + '\n');
  }

  end(): void {
    if (!this.started) this.res.writeHead(200, { 'Content-Type': 'application/json' });
    this.res.end();
  }

  /** Rethrows when the status can still carry the error. */
  fail(err: unknown): void {
    if (!this.started) throw err;
    this.error(err);
  }

  /** Ends the stream with the error as a progress message (a 200 when nothing was sent yet). */
  error(err: unknown): void {
    if (!this.started) {
      this.res.writeHead(200, { 'Content-Type': 'application/json' });
      this.started = true;
    }
    const message = err instanceof Error ? err.message : String(err);
    if (!(err instanceof EngineError)) console.error(`image stream: ${err instanceof Error ? err.stack : err}`);
    this.res.end(JSON.stringify({ errorDetail: { message }, error: message }) + '\n');
  }
}

/** API versions before 1.44 also carry VirtualSize (always equal to Size). */
function withVirtualSize(apiVersion: string, body: Record<string, unknown>): Record<string, unknown> {
  return compareVersions(apiVersion, '1.44') < 0 ? { ...body, VirtualSize: body.Size } : body;
}

export function imageRoutes(r: Router, d: Daemon): void {
  r.post('/images/create', async (ctx) => {
    const q = ctx.query;
    const src = q.get('fromSrc');
    if (src === null) {
      ctx.req.resume();
      const image = q.get('fromImage') ?? '';
      throw notFound(`No such image: ${image}${q.get('tag') ? `:${q.get('tag')}` : ''}`);
    }
    if (src !== '-') { ctx.req.resume(); throw invalid(`fromSrc must be "-" (the request body): berthd does not download images from URLs`); }
    const id = await d.images.importImage(ctx.req, q.get('repo') ?? '', q.get('tag') ?? '', {
      changes: q.getAll('changes'), message: q.get('message') ?? '', source: src,
    });
    const p = new Progress(ctx.res!);
    p.line({ status: id });
    p.end();
  });

  r.post('/images/load', async (ctx) => {
    // `quiet` only silences progress bars, which berthd never draws: the "Loaded image" lines stay.
    // As dockerd, a bad archive is reported in the 200 stream (docker-py's ImageLoadError).
    const p = new Progress(ctx.res!);
    try {
      await d.images.load(ctx.req, (line) => p.line({ stream: line }));
      p.end();
    } catch (err) {
      ctx.req.resume();
      p.error(err);
    }
  });

  const save = async (ctx: Parameters<Parameters<Router['get']>[1]>[0], names: string[]) => {
    if (!names.length) throw invalid('no image names given');
    const res = ctx.res!;
    await d.images.save(names, res, () => res.writeHead(200, { 'Content-Type': 'application/x-tar' }));
  };
  r.get('/images/get', (ctx) => save(ctx, ctx.query.getAll('names').flatMap((n) => n.split(',')).filter(Boolean)));
  r.get('/images/*name/get', (ctx) => save(ctx, [ctx.params.name]));

  r.get('/images/json', (ctx) => {
    const filters = parseFilters(ctx.query.get('filters'));
    checkFilterNames(filters, ['before', 'dangling', 'label', 'reference', 'since', 'until']);
    const legacy = ctx.query.get('filter');
    if (legacy) filters.set('reference', [legacy]);
    const rows = d.images.list({ filters, sharedSize: bool(ctx.query.get('shared-size')) });
    ctx.send(200, rows.map((row) => withVirtualSize(ctx.apiVersion, row)));
  });
  r.get('/images/*name/json', (ctx) => ctx.send(200, withVirtualSize(ctx.apiVersion, d.images.inspect(ctx.params.name))));
  r.get('/images/*name/history', (ctx) => ctx.send(200, d.images.history(ctx.params.name)));

  r.post('/images/*name/tag', async (ctx) => {
    await d.images.tag(ctx.params.name, ctx.query.get('repo') ?? '', ctx.query.get('tag') ?? '');
    ctx.send(201);
  });
  r.delete('/images/*name', async (ctx) => {
    ctx.send(200, await d.images.remove(ctx.params.name, bool(ctx.query.get('force')), bool(ctx.query.get('noprune'))));
  });
  r.post('/images/prune', async (ctx) => {
    const filters = parseFilters(ctx.query.get('filters'));
    checkFilterNames(filters, ['dangling', 'label', 'label!', 'until']);
    ctx.send(200, await d.images.prune(filters));
  });
}
