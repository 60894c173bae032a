// /_ping, /version, /info, /system/df and the /events stream.
import type { Router } from '../router.js';
import { API_VERSION } from '../../common/api-version.js';
import type { Daemon } from '../../daemon/daemon.js';
import { systemInfo, versionInfo } from '../../daemon/system.js';
import { parseFilters, checkFilterNames, parseTimestamp, type Filters } from '../../common/filters.js';
import { eventJson, type EngineEvent } from '../../daemon/events.js';

const pingHeaders = { 'API-Version': API_VERSION, 'Ostype': 'linux', 'Docker-Experimental': 'false', 'Builder-Version': '1', 'Cache-Control': 'no-cache, no-store, must-revalidate', 'Pragma': 'no-cache' };

function eventMatches(ev: EngineEvent, f: Filters): boolean {
  const attrs = ev.Actor.Attributes;
  const any = (key: string, test: (v: string) => boolean) => { const vs = f.get(key); return !vs || vs.some(test); };
  return any('type', (v) => v === ev.Type)
    && any('event', (v) => v === ev.Action || ev.Action.startsWith(`${v}:`))
    && any('container', (v) => ev.Type === 'container' && (ev.Actor.ID.startsWith(v) || attrs.name === v))
    && any('image', (v) => attrs.image === v || (ev.Type === 'image' && (ev.Actor.ID === v || attrs.name === v)))
    && any('network', (v) => ev.Type === 'network' && (ev.Actor.ID.startsWith(v) || attrs.name === v))
    && any('volume', (v) => ev.Type === 'volume' && ev.Actor.ID === v)
    && any('daemon', (v) => ev.Type === 'daemon' && ev.Actor.ID === v)
    && any('scope', (v) => v === 'local')
    && (f.get('label') ?? []).every((l) => {
      const eq = l.indexOf('=');
      return eq < 0 ? l in attrs : attrs[l.slice(0, eq)] === l.slice(eq + 1);
    });
}

export function systemRoutes(r: Router, d: Daemon): void {
  const ping = (ctx: Parameters<Parameters<Router['get']>[1]>[0]) => {
    const res = ctx.res!;
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': 2, ...pingHeaders });
    res.end(ctx.req.method === 'HEAD' ? undefined : 'OK');
  };
  r.get('/_ping', ping);
  r.head('/_ping', ping);
  r.get('/version', (ctx) => ctx.send(200, versionInfo(d.host)));
  r.get('/info', async (ctx) => ctx.send(200, await systemInfo(d)));
  r.get('/system/df', async (ctx) => {
    const [images, containers, volumes] = await Promise.all([d.images.df(), d.containers.df(), d.volumes.df()]);
    ctx.send(200, { LayersSize: images.LayersSize, Images: images.Images, Containers: containers, Volumes: volumes, BuildCache: [] });
  });

  r.get('/events', (ctx) => {
    const f = parseFilters(ctx.query.get('filters'));
    checkFilterNames(f, ['config', 'container', 'daemon', 'event', 'image', 'label', 'network', 'node', 'plugin', 'scope', 'secret', 'service', 'type', 'volume']);
    const now = Date.now();
    const since = ctx.query.get('since') ? parseTimestamp(ctx.query.get('since')!, now) : undefined;
    const until = ctx.query.get('until') ? parseTimestamp(ctx.query.get('until')!, now) : undefined;
    const res = ctx.res!;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.flushHeaders();
    const inWindow = (ev: EngineEvent) => {
      const ms = Number(ev.timeNano / 1_000_000n);
      return (since === undefined || ms >= since) && (until === undefined || ms <= until);
    };
    const write = (ev: EngineEvent) => { if (inWindow(ev) && eventMatches(ev, f)) res.write(eventJson(ev) + '\n'); };
    if (since !== undefined) for (const ev of d.events.past()) write(ev);
    if (until !== undefined && until <= now) { res.end(); return; }
    const unsubscribe = d.events.subscribe(write);
    let timer: NodeJS.Timeout | undefined;
    const finish = () => { unsubscribe(); if (timer) clearTimeout(timer); res.end(); };
    if (until !== undefined) timer = setTimeout(finish, until - now);
    ctx.req.socket.once('close', finish);
  });
}
