// /containers/* and /exec/* of the Engine API: request parsing and streaming; the work is
// done by the container service.
import type { Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Router, Ctx } from '../router.js';
import type { Daemon } from '../../daemon/daemon.js';
import { invalid } from '../../common/errors.js';
import { parseFilters, parseTimestamp } from '../../common/filters.js';
import { frame } from '../../common/stdcopy.js';
import { readLogs, readNotSupported } from '../../daemon/containers/logs/index.js';
import { inspect, pruneCandidates, select, summary } from '../../daemon/containers/views.js';
import { containerStats } from '../../daemon/containers/stats.js';
import { statHeader } from '../../daemon/containers/archive.js';
import { decompressed } from '../../image/decompress.js';
import type { Live } from '../../daemon/containers/live.js';
import { attachOutput, checkAttachable, stdinOf } from '../../daemon/containers/attach.js';
import type { OutputSink, TaskStreams } from '../../runtime/task-io.js';
import { DetachKeyScanner, parseDetachKeys } from '../../daemon/containers/detach-keys.js';
import { bool, int, optInt } from '../query.js';


/** Output of a task to a hijacked client: raw with a TTY, stdcopy frames otherwise. */
function clientSink(sock: Duplex, tty: boolean, want: { stdout: boolean; stderr: boolean }, onEnd: () => void): OutputSink {
  return {
    write(stream, chunk, resume) {
      if (!want[stream] || sock.destroyed) return true;
      const ok = sock.write(tty ? chunk : frame(stream === 'stderr' ? 2 : 1, chunk));
      if (!ok) sock.once('drain', resume);
      return ok;
    },
    end: onEnd,
  };
}

/**
 * Client input to a task's stdin with backpressure and (with a TTY, as Docker) detach keys; `closeOnEnd` closes
 * the task's stdin when the client half-closes. Calls `detach` when the keys are typed or
 * the client's input ends without closing stdin.
 */
function pumpStdin(sock: Duplex, getStdin: () => Promise<TaskStreams | undefined>, keys: Buffer | undefined, closeOnEnd: boolean, detach: () => void): void {
  const scanner = keys && new DetachKeyScanner(keys);
  let target: TaskStreams | undefined;
  let pending: Promise<void> | undefined;
  let detached = false;
  /** Returns false when the client is paused until stdin drains. */
  const write = (data: Buffer): boolean => {
    const w = target?.stdin;
    if (!w || !data.length || w.write(data)) return true;
    sock.pause();
    w.once('drain', () => sock.resume());
    return false;
  };
  const onData = (chunk: Buffer) => {
    const scanned = scanner ? scanner.push(chunk) : { data: chunk, detached: false };
    if (target) write(scanned.data);
    else {
      sock.pause();
      pending = getStdin().then((t) => { target = t; if (write(scanned.data)) sock.resume(); });
    }
    if (scanned.detached) {
      detached = true;
      sock.off('data', onData);
      sock.resume();
      detach();
    }
  };
  sock.on('data', onData);
  // Reading the exec start body may have left the socket explicitly paused: a listener alone would not resume it.
  sock.resume();
  sock.on('end', () => {
    if (detached) return;
    // As dockerd: the end of a client's input closes the process's stdin only without a TTY
    // (and with StdinOnce); otherwise it ends the attachment.
    if (closeOnEnd) void (pending ?? Promise.resolve()).then(() => target?.closeStdin());
    else detach();
  });
}

function requiredPath(q: URLSearchParams): string {
  const path = q.get('path');
  if (!path) throw invalid('path is required');
  return path;
}

export function containerRoutes(r: Router, d: Daemon): void {
  const svc = () => d.containers;

  r.post('/containers/create', async (ctx) => {
    const body = await ctx.json();
    ctx.send(201, await svc().create({ name: ctx.query.get('name') ?? undefined, body: body ?? {}, platform: ctx.query.get('platform') ?? undefined }));
  });

  r.get('/containers/json', async (ctx) => {
    const list = await select(svc(), {
      all: bool(ctx.query.get('all')), limit: int(ctx.query.get('limit')), filters: parseFilters(ctx.query.get('filters')),
    });
    const withSize = bool(ctx.query.get('size'));
    ctx.send(200, await Promise.all(list.map((l) => summary(svc(), l, withSize))));
  });

  r.post('/containers/prune', async (ctx) => {
    ctx.send(200, await svc().removal.prune(pruneCandidates(svc(), parseFilters(ctx.query.get('filters')))));
  });

  r.get('/containers/:id/json', async (ctx) => {
    ctx.send(200, await inspect(svc(), svc().get(ctx.params.id), bool(ctx.query.get('size'))));
  });

  r.post('/containers/:id/start', async (ctx) => {
    await svc().lifecycle.start(ctx.params.id);
    ctx.send(204);
  });

  r.post('/containers/:id/stop', async (ctx) => {
    await svc().lifecycle.stop(ctx.params.id, { t: optInt(ctx.query.get('t')), signal: ctx.query.get('signal') ?? undefined });
    ctx.send(204);
  });

  r.post('/containers/:id/restart', async (ctx) => {
    await svc().lifecycle.restart(ctx.params.id, { t: optInt(ctx.query.get('t')), signal: ctx.query.get('signal') ?? undefined });
    ctx.send(204);
  });

  r.post('/containers/:id/kill', async (ctx) => {
    await svc().lifecycle.kill(ctx.params.id, ctx.query.get('signal') ?? undefined);
    ctx.send(204);
  });

  r.post('/containers/:id/pause', async (ctx) => { await svc().lifecycle.pause(ctx.params.id); ctx.send(204); });
  r.post('/containers/:id/unpause', async (ctx) => { await svc().lifecycle.unpause(ctx.params.id); ctx.send(204); });

  r.post('/containers/:id/rename', async (ctx) => {
    await svc().rename(ctx.params.id, ctx.query.get('name') ?? '');
    ctx.send(204);
  });

  r.delete('/containers/:id', async (ctx) => {
    await svc().removal.remove(ctx.params.id, { force: bool(ctx.query.get('force')), volumes: bool(ctx.query.get('v')) });
    ctx.send(204);
  });

  r.post('/containers/:id/wait', async (ctx) => {
    const res = ctx.res!;
    const gone = new AbortController();
    const pending = svc().lifecycle.wait(ctx.params.id, ctx.query.get('condition') ?? 'not-running', gone.signal);
    // Docker sends the headers at once so clients know the wait is registered.
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.flushHeaders();
    res.once('close', () => gone.abort());
    const result = await pending.catch(() => undefined);
    if (result) res.end(JSON.stringify(result) + '\n');
  });

  r.get('/containers/:id/stats', async (ctx) => {
    const l = svc().get(ctx.params.id);
    const res = ctx.res!;
    const gone = new AbortController();
    res.once('close', () => gone.abort());
    res.writeHead(200, { 'Content-Type': 'application/json' });
    const q = ctx.query;
    await containerStats(l, { stream: q.get('stream') === null || bool(q.get('stream')), oneShot: bool(q.get('one-shot')) },
      (obj) => res.write(JSON.stringify(obj) + '\n'), gone.signal);
    res.end();
  });

  r.post('/containers/:id/update', async (ctx) => {
    ctx.send(200, await svc().update(ctx.params.id, (await ctx.json()) ?? {}));
  });

  r.head('/containers/:id/archive', async (ctx) => {
    const stat = await svc().fs.archiveStat(ctx.params.id, requiredPath(ctx.query));
    ctx.res!.writeHead(200, { 'X-Docker-Container-Path-Stat': statHeader(stat), 'Content-Type': 'application/json' });
    ctx.res!.end();
  });

  r.get('/containers/:id/archive', async (ctx) => {
    const { stat, tar } = await svc().fs.archiveGet(ctx.params.id, requiredPath(ctx.query));
    const res = ctx.res!;
    res.writeHead(200, { 'X-Docker-Container-Path-Stat': statHeader(stat), 'Content-Type': 'application/x-tar' });
    // A failing tar or a client gone destroys both ends: the client sees a cut-off archive as an error.
    pipeline(tar, res).catch(() => undefined);
  });

  r.put('/containers/:id/archive', async (ctx) => {
    const q = ctx.query;
    const body = await decompressed(ctx.req);
    await svc().fs.archivePut(ctx.params.id, requiredPath(q), body, { noOverwriteDirNonDir: bool(q.get('noOverwriteDirNonDir')) });
    ctx.send(200);
  });

  r.post('/commit', async (ctx) => {
    const q = ctx.query;
    const container = q.get('container');
    if (!container) throw invalid('No container name or ID supplied');
    const body = await ctx.json();
    const id = await svc().fs.commit(container, {
      repo: q.get('repo') ?? '', tag: q.get('tag') ?? '', comment: q.get('comment') ?? '', author: q.get('author') ?? '',
      changes: q.getAll('changes').filter(Boolean), pause: q.get('pause') === null || bool(q.get('pause')),
      config: body && typeof body === 'object' && Object.keys(body).length ? body : undefined,
    });
    ctx.send(201, { Id: id });
  });

  r.get('/containers/:id/top', async (ctx) => {
    ctx.send(200, await svc().top(ctx.params.id, ctx.query.get('ps_args') ?? ''));
  });

  r.post('/containers/:id/resize', async (ctx) => {
    await svc().resize(ctx.params.id, int(ctx.query.get('h')), int(ctx.query.get('w')));
    ctx.send(200);
  });

  r.get('/containers/:id/changes', async (ctx) => {
    const list = await svc().fs.changes(ctx.params.id);
    ctx.send(200, list.length ? list : null);
  });

  r.get('/containers/:id/export', async (ctx) => {
    const tar = await svc().fs.export(ctx.params.id);
    const res = ctx.res!;
    res.writeHead(200, { 'Content-Type': 'application/x-tar' });
    // A failing tar aborts the response (never a clean, cut-off 200); a client gone kills tar.
    pipeline(tar, res).catch(() => undefined);
  });

  r.get('/containers/:id/logs', async (ctx) => {
    const l = svc().get(ctx.params.id);
    const q = ctx.query;
    const stdout = bool(q.get('stdout'));
    const stderr = bool(q.get('stderr'));
    if (!stdout && !stderr) throw invalid('Bad parameters: you must choose at least one stream');
    if (l.rec.HostConfig.LogConfig?.Type === 'none') throw readNotSupported();
    const tail = q.get('tail');
    const tty = !!l.rec.Config.Tty;
    const res = ctx.res!;
    res.writeHead(200, { 'Content-Type': tty ? 'application/vnd.docker.raw-stream' : 'application/vnd.docker.multiplexed-stream' });
    // As dockerd: a follower gets the headers at once, not with the first line it asked for.
    res.flushHeaders();
    const gone = new AbortController();
    res.once('close', () => gone.abort());
    await readLogs(l.rec.LogPath, {
      stdout, stderr, timestamps: bool(q.get('timestamps')), tty, follow: bool(q.get('follow')),
      tail: !tail || tail === 'all' ? 'all' : Number(tail),
      since: q.get('since') && q.get('since') !== '0' ? parseTimestamp(q.get('since')!) : undefined,
      until: q.get('until') && q.get('until') !== '0' ? parseTimestamp(q.get('until')!) : undefined,
    }, res, { signal: gone.signal, finished: () => svc().logsFinished(l) });
    res.end();
  });

  r.post('/containers/:id/attach', async (ctx) => attach(ctx, checkAttachable(svc().get(ctx.params.id))));

  async function attach(ctx: Ctx, l: Live): Promise<void> {
    const q = ctx.query;
    const tty = !!l.rec.Config.Tty;
    const keys = tty ? parseDetachKeys(q.get('detachKeys') ?? '') : undefined;
    const want = { stdout: bool(q.get('stdout')), stderr: bool(q.get('stderr')) };
    const withStdin = bool(q.get('stdin')) && !!l.rec.Config.OpenStdin;
    const sock = ctx.hijack(tty ? 'application/vnd.docker.raw-stream' : 'application/vnd.docker.multiplexed-stream');
    sock.on('error', () => undefined);
    svc().emit(l, 'attach');
    if (bool(q.get('logs'))) {
      await readLogs(l.rec.LogPath, {
        stdout: want.stdout, stderr: want.stderr, timestamps: false, tail: 'all', follow: false, tty,
      }, sock, { signal: new AbortController().signal, finished: () => true }).catch(() => undefined);
    }
    if (!bool(q.get('stream'))) { sock.end(); return; }
    const detachOutput = attachOutput(l, clientSink(sock, tty, want, () => sock.end()));
    sock.once('close', detachOutput);
    if (withStdin) {
      pumpStdin(sock, () => stdinOf(l), keys, !!l.rec.Config.StdinOnce && !tty, () => { detachOutput(); sock.end(); });
    } else {
      sock.resume();
    }
  }

  r.post('/containers/:id/exec', async (ctx) => {
    ctx.send(201, svc().execs.create(ctx.params.id, (await ctx.json()) ?? {}));
  });

  r.get('/exec/:id/json', (ctx) => ctx.send(200, svc().execs.inspect(ctx.params.id)));

  r.post('/exec/:id/resize', async (ctx) => {
    await svc().execs.resize(ctx.params.id, int(ctx.query.get('h')), int(ctx.query.get('w')));
    ctx.send(200);
  });

  r.post('/exec/:id/start', async (ctx) => {
    const body = (await ctx.json()) ?? {};
    const e = svc().execs.checkStartable(ctx.params.id);
    const tty = body.Tty ?? e.Tty;
    if (body.Detach) {
      void svc().execs.start(e.ID, { tty }, () => undefined).catch(() => undefined);
      ctx.send(200);
      return;
    }
    const sock = ctx.hijack(tty ? 'application/vnd.docker.raw-stream' : 'application/vnd.docker.multiplexed-stream');
    sock.on('error', () => undefined);
    const keys = tty ? parseDetachKeys(e.DetachKeys) : undefined;
    let detach = () => undefined as void;
    try {
      await svc().execs.start(e.ID, { tty }, (streams) => {
        detach = streams.attach(clientSink(sock, tty, { stdout: e.OpenStdout, stderr: e.OpenStderr }, () => undefined));
        if (e.OpenStdin) pumpStdin(sock, async () => streams, keys, !tty, () => { detach(); sock.end(); });
        else sock.resume();
      });
      sock.end();
    } catch (err) {
      const msg = Buffer.from(`${(err as Error).message}\r\n`);
      sock.end(tty ? msg : frame(1, msg));
    }
  });
}
