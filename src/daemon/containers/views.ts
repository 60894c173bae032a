// What GET /containers/{id}/json and GET /containers/json show: Docker's ContainerJSON and
// ContainerSummary shapes, and the list filters.
import type { Daemon } from '../daemon.js';
import { invalid } from '../../common/errors.js';
import { checkFilterNames, matchLabels, parseTimestamp, type Filters } from '../../common/filters.js';
import type { NetworkState } from '../../network/types.js';
import { rootfsDirs } from '../../runtime/snapshot-layers.js';
import { parseTime, type ContainerRecord } from './record.js';
import { sizes } from './fs-views.js';
import { stateWord, statusText } from './status.js';
import type { ContainerService } from './service.js';
import type { Live } from './live.js';
import { compileUserRegexp } from '../../common/regexp.js';

function graphDriver(mounts: { type: string; source: string; options: string[] }[] | undefined): Record<string, unknown> {
  if (!mounts?.length) return { Data: null, Name: 'overlayfs' };
  const d = rootfsDirs(mounts as never);
  const work = mounts[0].options.find((o) => o.startsWith('workdir='))?.slice(8) ?? '';
  return {
    Data: { LowerDir: d.lowers.join(':'), MergedDir: '', UpperDir: d.upper, WorkDir: work },
    Name: 'overlayfs',
  };
}

/** inspect's Mounts, field for field as Docker shows them (Name and Driver for volumes only). */
function mountsOf(rec: ContainerRecord): unknown[] {
  return (rec.MountPoints ?? []).map((mp) => mp.Type === 'volume'
    ? { Type: mp.Type, Name: mp.Name, Source: mp.Source, Destination: mp.Destination, Driver: mp.Driver, Mode: mp.Mode, RW: mp.RW, Propagation: mp.Propagation }
    : { Type: mp.Type, Source: mp.Source, Destination: mp.Destination, Mode: mp.Mode, RW: mp.RW, Propagation: mp.Propagation });
}

export async function inspect(svc: ContainerService, l: Live, withSize: boolean): Promise<Record<string, unknown>> {
  const rec = l.rec;
  const mounts = await svc.mounts(rec.ID).catch(() => undefined);
  const { HasBeenStartedBefore: _s, HasBeenManuallyStopped: _m, NetworkState: ns, ImageRef: _i, NetworkingConfig: _n, State, ...base } = rec;
  const out: Record<string, unknown> = {
    Id: base.ID, Created: base.Created, Path: base.Path, Args: base.Args,
    State: { ...State, Status: stateWord(rec), RemovalInProgress: undefined },
    Image: base.Image, ResolvConfPath: base.ResolvConfPath, HostnamePath: base.HostnamePath, HostsPath: base.HostsPath,
    LogPath: base.LogPath, Name: base.Name, RestartCount: base.RestartCount, Driver: base.Driver, Platform: base.Platform,
    MountLabel: base.MountLabel, ProcessLabel: base.ProcessLabel, AppArmorProfile: base.AppArmorProfile,
    ExecIDs: base.ExecIDs?.length ? base.ExecIDs : null, HostConfig: base.HostConfig, GraphDriver: graphDriver(mounts),
    Mounts: mountsOf(rec), Config: base.Config,
    NetworkSettings: svc.d.networks.settings(rec.State.Running ? ns as NetworkState : undefined, svc.networkRequest(rec)),
  };
  if (withSize && mounts) Object.assign(out, await sizes(mounts));
  return out;
}

function portsOf(d: Daemon, rec: ContainerRecord): unknown[] {
  const settings = d.networks.settings(rec.State.Running ? rec.NetworkState as NetworkState : undefined, (d.containers).networkRequest(rec));
  const out: unknown[] = [];
  for (const [key, bindings] of Object.entries(settings.Ports ?? {})) {
    const [port, type] = key.split('/');
    if (!bindings?.length) { out.push({ PrivatePort: Number(port), Type: type }); continue; }
    for (const b of bindings) out.push({ IP: b.HostIp, PrivatePort: Number(port), PublicPort: Number(b.HostPort), Type: type });
  }
  return out;
}

export async function summary(svc: ContainerService, l: Live, withSize: boolean): Promise<Record<string, unknown>> {
  const rec = l.rec;
  const settings = svc.d.networks.settings(rec.State.Running ? rec.NetworkState as NetworkState : undefined, svc.networkRequest(rec));
  const out: Record<string, unknown> = {
    Id: rec.ID, Names: [rec.Name], Image: rec.ImageRef, ImageID: rec.Image,
    Command: rec.Args.length ? `${rec.Path} ${rec.Args.map((a) => (a.includes(' ') ? `'${a}'` : a)).join(' ')}` : rec.Path,
    Created: Math.floor(parseTime(rec.Created) / 1000), Ports: portsOf(svc.d, rec), Labels: rec.Config.Labels ?? {},
    State: stateWord(rec), Status: statusText(rec),
    HostConfig: { NetworkMode: rec.HostConfig.NetworkMode },
    NetworkSettings: { Networks: settings.Networks }, Mounts: mountsOf(rec),
  };
  if (withSize) {
    const mounts = await svc.mounts(rec.ID).catch(() => undefined);
    Object.assign(out, mounts ? await sizes(mounts) : { SizeRw: 0, SizeRootFs: 0 });
  }
  return out;
}

const FILTERS = ['status', 'name', 'id', 'label', 'ancestor', 'exited', 'before', 'since', 'network', 'volume', 'health', 'publish', 'expose', 'is-task'];
const STATUSES = ['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead'];

function matchPort(wanted: string[] | undefined, ports: string[]): boolean {
  if (!wanted) return true;
  return wanted.some((w) => {
    const [p, proto = 'tcp'] = w.split('/');
    const [from, to = from] = p.split('-').map(Number);
    return ports.some((key) => {
      const [n, pr] = key.split('/');
      return pr === proto && Number(n) >= from && Number(n) <= to;
    });
  });
}

/** Applies `filters`, `all`, `limit`, before/since as dockerd does; newest first. */
export async function select(svc: ContainerService, q: { all: boolean; limit: number; filters: Filters }): Promise<Live[]> {
  const f = q.filters;
  checkFilterNames(f, FILTERS);
  for (const s of f.get('status') ?? []) if (!STATUSES.includes(s)) throw invalid(`invalid filter 'status=${s}'`);
  const isTask = f.get('is-task');
  if (isTask && isTask.some((v) => v !== 'true' && v !== 'false')) throw invalid(`invalid filter 'is-task=${isTask[0]}'`);
  for (const h of f.get('health') ?? []) {
    if (!['starting', 'healthy', 'unhealthy', 'none'].includes(h)) throw invalid(`Unrecognised filter value for health: ${h}`);
  }
  let list = svc.all().sort((a, b) => parseTime(b.rec.Created) - parseTime(a.rec.Created) || (b.rec.ID < a.rec.ID ? -1 : 1));
  const refTime = (ref: string) => parseTime(svc.get(ref).rec.Created);
  const before = f.get('before')?.map(refTime);
  const since = f.get('since')?.map(refTime);
  const exited = f.get('exited')?.map(Number);
  // An ancestor names an image (any reference form) and stands for it and its descendants;
  // an unknown one matches nothing, as in dockerd.
  const ancestors = (f.get('ancestor') ?? []).flatMap((a) => {
    try { return svc.d.images.lineage(a); } catch { return ['']; }
  });
  const names = f.get('name')?.map((v) => {
    try { return compileUserRegexp(v); } catch { throw invalid(`invalid filter 'name=${v}'`); }
  });
  list = list.filter((l) => {
    const r = l.rec;
    const state = stateWord(r);
    const showAll = q.all || f.has('status') || f.has('exited') || q.limit > 0 || !!before || !!since;
    if (!showAll && !r.State.Running) return false;
    if (f.has('status') && !f.get('status')!.includes(state)) return false;
    if (f.has('id') && !f.get('id')!.some((v) => r.ID.startsWith(v))) return false;
    if (names && !names.some((re) => re.test(r.Name) || re.test(r.Name.slice(1)))) return false;
    if (!matchLabels(f.get('label'), r.Config.Labels)) return false;
    if (exited && (state !== 'exited' || !exited.includes(r.State.ExitCode))) return false;
    if (before && !before.every((t) => parseTime(r.Created) < t)) return false;
    if (since && !since.every((t) => parseTime(r.Created) > t)) return false;
    if (ancestors.length && !ancestors.includes(r.Image)) return false;
    if (f.has('network')) {
      const mode = r.HostConfig.NetworkMode === 'default' ? 'bridge' : r.HostConfig.NetworkMode;
      if (!f.get('network')!.includes(mode)) return false;
    }
    if (f.has('volume')) {
      const points = r.MountPoints ?? [];
      if (!f.get('volume')!.some((v) => points.some((mp) => mp.Name === v || mp.Source === v || mp.Destination === v))) return false;
    }
    if (f.has('health') && !f.get('health')!.includes('none')) return false;
    if (isTask && isTask.includes('true')) return false;
    if (!matchPort(f.get('expose'), Object.keys(r.Config.ExposedPorts ?? {}))) return false;
    if (f.has('publish')) {
      const published = r.State.Running ? ((r.NetworkState as NetworkState | undefined)?.ports ?? []).map((p) => `${p.hostPort}/${p.protocol}`) : [];
      if (!matchPort(f.get('publish'), published)) return false;
    }
    return true;
  });
  if (q.limit > 0) list = list.slice(0, q.limit);
  return list;
}

/** `until` and `label` filters of POST /containers/prune. */
export function pruneCandidates(svc: ContainerService, filters: Filters): Live[] {
  checkFilterNames(filters, ['until', 'label', 'label!']);
  const until = filters.get('until')?.map((u) => parseTimestamp(u));
  return svc.all().filter((l) => {
    const r = l.rec;
    if (r.State.Running || r.State.Restarting) return false;
    if (until && !until.every((t) => parseTime(r.Created) < t)) return false;
    if (!matchLabels(filters.get('label'), r.Config.Labels)) return false;
    const not = filters.get('label!');
    if (not && not.some((n) => matchLabels([n], r.Config.Labels))) return false;
    return true;
  });
}
