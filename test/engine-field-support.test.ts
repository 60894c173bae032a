// Every field of the Engine API's container create body, update body and exec body, as the
// v1.50 spec in the shared reference lists them (parsed here at test time), is either honoured
// by berthd or refused with a 400 naming it (src/daemon/containers/field-support.ts). A field
// the spec adds and the table lacks fails the first test. Honoured fields are created with a
// non-zero sample and shown by inspect; a representative subset is checked from inside a running
// container. Refused fields get a non-zero value made from their schema.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { rawRequest, REFERENCE_DOCKERD, startEngine, type Engine } from './harness.js';
import {
  CONFIG_FIELDS, CREATE_QUERY, ENDPOINT_FIELDS, EXEC_FIELDS, HOST_FIELDS, UPDATE_FIELDS, type FieldTable,
} from '../src/daemon/containers/field-support.js';

type Schema = Record<string, any>;
const SPEC_PATH = path.resolve(REFERENCE_DOCKERD, '../../reference/engine-api-v1.50.yaml');
const spec = parse(readFileSync(SPEC_PATH, 'utf8')) as Schema;
const defs: Record<string, Schema> = spec.definitions;

const resolve = (s: Schema): Schema => (s.$ref ? defs[s.$ref.split('/').pop()] : s);
/** The properties of a schema, with allOf parts merged. */
function properties(s: Schema): Record<string, Schema> {
  const r = resolve(s);
  return Object.assign({}, ...(r.allOf ?? []).map(properties), r.properties ?? {});
}
const requestBody = (p: string, method: string): Schema =>
  spec.paths[p][method].parameters.find((x: Schema) => x.in === 'body').schema;

const createBody = requestBody('/containers/create', 'post');
const SPEC = {
  config: properties(defs.ContainerConfig),
  host: properties(defs.HostConfig),
  endpoint: properties(defs.EndpointSettings),
  update: properties(requestBody('/containers/{id}/update', 'post')),
  exec: properties(requestBody('/containers/{id}/exec', 'post')),
  query: Object.fromEntries(spec.paths['/containers/create'].post.parameters.filter((x: Schema) => x.in === 'query').map((x: Schema) => [x.name, x])),
};

/** A non-zero value of a schema's type. */
function sample(s: Schema): unknown {
  const r = resolve(s);
  if (r.allOf) return sample({ ...r, allOf: undefined, properties: properties(r) });
  if (r.enum) return r.enum.find((v: unknown) => v !== '');
  if (r.type === 'string') return 'x';
  if (r.type === 'integer' || r.type === 'number') return 1;
  if (r.type === 'boolean') return true;
  if (r.type === 'array') return [sample(r.items ?? { type: 'string' })];
  const [first] = Object.entries(r.properties ?? {});
  if (first) return { [first[0]]: sample(first[1] as Schema) };
  return { x: r.additionalProperties && typeof r.additionalProperties === 'object' ? sample(r.additionalProperties) : 'x' };
}

let e: Engine;
before(async () => {
  e = await startEngine();
});
after(async () => {
  await e?.stop();
});

async function api(method: string, p: string, body?: unknown): Promise<{ status: number; json: any; body: string }> {
  const r = await rawRequest(e.socketPath, method, p, body === undefined ? undefined : JSON.stringify(body), { 'Content-Type': 'application/json' });
  let json: any;
  try { json = JSON.parse(r.body); } catch { json = undefined; }
  return { status: r.status, json, body: r.body };
}

const create = (body: Schema, query = '') => api('POST', `/containers/create?name=${e.name('f')}${query}`, { Image: 'busybox', Cmd: ['true'], ...body });
const remove = (id: string) => api('DELETE', `/containers/${id}?force=1`);

/** Creates with `body`, expects a 400 whose message names `field`. */
async function assertRefused(body: Schema, field: string, what: string, query = ''): Promise<void> {
  const r = await create(body, query);
  if (r.status === 201) await remove(r.json.Id);
  assert.equal(r.status, 400, `${what}: ${r.body}`);
  assert.match(r.json.message, new RegExp(field.split('.').pop()!, 'i'), what);
}

// Non-zero values of the honoured (and stored) fields, and what inspect shows for them when it differs.
interface Sample { value: unknown; shown?: unknown }
const CONFIG_SAMPLES: Record<string, Sample> = {
  Hostname: { value: 'h5host' }, Domainname: { value: 'example.test' }, User: { value: '1000:1000' },
  AttachStdin: { value: true }, AttachStdout: { value: true }, AttachStderr: { value: true },
  ExposedPorts: { value: { '8080/tcp': {} } }, Tty: { value: true }, OpenStdin: { value: true }, StdinOnce: { value: true },
  Env: { value: ['H5=1'] }, Volumes: { value: { '/h5vol': {} } },
  Cmd: { value: ['echo', 'x'] }, ArgsEscaped: { value: true }, Image: { value: 'busybox' }, WorkingDir: { value: '/tmp' },
  Entrypoint: { value: ['/bin/sh', '-c'] }, MacAddress: { value: '02:42:ac:11:00:99' }, OnBuild: { value: ['RUN true'] },
  Labels: { value: { h5: 'yes' } }, StopSignal: { value: 'SIGUSR1' }, StopTimeout: { value: 3 }, Shell: { value: ['/bin/sh', '-c'] },
};
const HOST_SAMPLES: Record<string, Sample> = {
  CpuShares: { value: 512 }, Memory: { value: 64 << 20 }, CpuPeriod: { value: 100000 }, CpuQuota: { value: 50000 },
  CpusetCpus: { value: '0' }, CpusetMems: { value: '0' },
  Devices: { value: [{ PathOnHost: '/dev/null', PathInContainer: '/dev/h5null', CgroupPermissions: 'rwm' }] },
  MemoryReservation: { value: 32 << 20 }, MemorySwap: { value: 128 << 20 }, MemorySwappiness: { value: 10 },
  NanoCpus: { value: 500000000 }, OomKillDisable: { value: true }, Init: { value: true }, PidsLimit: { value: 64 },
  Ulimits: { value: [{ Name: 'nofile', Soft: 1024, Hard: 2048 }] },
  Binds: { value: ['/tmp:/h5tmp:ro'] }, ContainerIDFile: { value: '/tmp/h5.cid' }, VolumeDriver: { value: 'local' },
  VolumesFrom: { value: [] as string[] }, Mounts: { value: [{ Type: 'tmpfs', Target: '/h5t' }] },
  LogConfig: { value: { Type: 'json-file', Config: { 'max-size': '1m' } } }, NetworkMode: { value: 'none' },
  PortBindings: { value: { '80/tcp': [{ HostIp: '', HostPort: '8080' }] } },
  RestartPolicy: { value: { Name: 'on-failure', MaximumRetryCount: 2 } }, AutoRemove: { value: true },
  ConsoleSize: { value: [30, 100] }, CapAdd: { value: ['CAP_NET_ADMIN'] }, CapDrop: { value: ['CAP_CHOWN'] },
  CgroupnsMode: { value: 'private' }, Dns: { value: ['10.0.0.53'] }, DnsOptions: { value: ['ndots:2'] },
  DnsSearch: { value: ['example.test'] }, ExtraHosts: { value: ['h5:10.0.0.5'] }, GroupAdd: { value: ['10'] },
  IpcMode: { value: 'shareable' }, Links: { value: ['other:alias'] }, OomScoreAdj: { value: 100 }, PidMode: { value: 'host' },
  Privileged: { value: true, shown: true }, PublishAllPorts: { value: true }, ReadonlyRootfs: { value: true },
  SecurityOpt: { value: ['no-new-privileges'] }, Tmpfs: { value: { '/h5': 'size=1m' } }, UTSMode: { value: 'host' },
  ShmSize: { value: 32 << 20 }, Sysctls: { value: { 'net.ipv4.ip_forward': '1' } }, Runtime: { value: 'runc' },
  Isolation: { value: 'default' }, MaskedPaths: { value: ['/proc/kcore'] }, ReadonlyPaths: { value: ['/proc/sys'] },
};
// Values a validated field refuses.
const REFUSED_SAMPLES: Record<string, unknown> = {
  Healthcheck: { Test: ['CMD-SHELL', 'true'], Interval: 1e9 },
  Runtime: 'crun',
  Isolation: 'hyperv',
  VolumeDriver: 'flocker',
};
// Validated fields also have an accepted value.
CONFIG_SAMPLES.Healthcheck = { value: { Test: ['NONE'] } };

function coverage(table: FieldTable, fields: Record<string, Schema>, what: string): void {
  const missing = Object.keys(fields).filter((f) => !(f in table));
  assert.deepEqual(missing, [], `${what} fields in the spec that field-support.ts does not classify`);
}

test('the field table classifies every field of the spec: create body, query, endpoints, update, exec', () => {
  coverage(CONFIG_FIELDS, SPEC.config, 'ContainerConfig');
  coverage(HOST_FIELDS, SPEC.host, 'HostConfig');
  coverage(ENDPOINT_FIELDS, SPEC.endpoint, 'EndpointSettings');
  coverage(CREATE_QUERY, SPEC.query, 'create query');
  coverage(UPDATE_FIELDS, SPEC.update, 'update body');
  coverage(EXEC_FIELDS, SPEC.exec, 'exec body');
  assert.ok(Object.keys(createBody.allOf[1].properties).every((k) => k === 'HostConfig' || k === 'NetworkingConfig'));
});

/** Walks one part of the create body: honoured fields show in inspect, refused ones answer 400. */
async function walk(table: FieldTable, fields: Record<string, Schema>, samples: Record<string, Sample>, part: 'Config' | 'HostConfig'): Promise<void> {
  const wrap = (field: string, v: unknown): Schema => (part === 'Config' ? { [field]: v } : { HostConfig: { [field]: v } });
  for (const [field, schema] of Object.entries(fields)) {
    const rule = table[field];
    const label = `${part}.${field}`;
    if (rule.status === 'refused') {
      await assertRefused(wrap(field, sample(schema)), label, label);
      continue;
    }
    if (rule.status === 'validated') await assertRefused(wrap(field, REFUSED_SAMPLES[field]), label, `${label} refused value`);
    const s = samples[field];
    assert.ok(s, `${label} is ${rule.status} but the test has no sample for it`);
    const r = await create(wrap(field, s.value));
    assert.equal(r.status, 201, `${label}: ${r.body}`);
    try {
      const info = (await api('GET', `/containers/${r.json.Id}/json`)).json;
      assert.deepEqual(info[part][field], s.shown ?? s.value, `${label} in inspect`);
    } finally {
      await remove(r.json.Id);
    }
  }
}

test('every Config field is honoured (shown by inspect) or refused with a 400 naming it', async () => {
  await walk(CONFIG_FIELDS, SPEC.config, CONFIG_SAMPLES, 'Config');
});

test('every HostConfig field (Resources included) is honoured (shown by inspect) or refused with a 400 naming it', async () => {
  await walk(HOST_FIELDS, SPEC.host, HOST_SAMPLES, 'HostConfig');
});

test('NetworkingConfig: the zero endpoint clients send is accepted; endpoint settings and a second network are refused', async () => {
  const zero = Object.fromEntries(Object.keys(SPEC.endpoint).map((k) => [k, null]));
  const ok = await create({ HostConfig: { NetworkMode: 'default' }, NetworkingConfig: { EndpointsConfig: { default: zero } } });
  assert.equal(ok.status, 201, ok.body);
  await remove(ok.json.Id);
  for (const [field, schema] of Object.entries(SPEC.endpoint)) {
    const ep = { EndpointsConfig: { bridge: { [field]: sample(schema) } } };
    const r = await create({ HostConfig: { NetworkMode: 'bridge' }, NetworkingConfig: ep });
    if (ENDPOINT_FIELDS[field].status === 'output') {
      assert.equal(r.status, 201, `${field}: ${r.body}`);
      await remove(r.json.Id);
    } else {
      if (r.status === 201) await remove(r.json.Id);
      assert.equal(r.status, 400, `${field}: ${r.body}`);
      assert.match(r.json.message, new RegExp(`NetworkingConfig\\.EndpointsConfig\\.${field}`));
    }
  }
  await assertRefused({ NetworkingConfig: { EndpointsConfig: { default: {}, other: {} } } }, 'EndpointsConfig', 'second network');
});

test('the platform query parameter: the native platform is honoured, another is refused', async () => {
  const arch = (await api('GET', '/version')).json.Arch;
  const ok = await create({}, `&platform=linux/${arch}`);
  assert.equal(ok.status, 201, ok.body);
  await remove(ok.json.Id);
  await assertRefused({}, 'platform', 'foreign platform', `&platform=linux/${arch === 'arm64' ? 'amd64' : 'arm64'}`);
});

test('honoured fields act inside the container: user, env, cwd, limits, rlimits, sysctls, read-only root, console size', async () => {
  const script = [
    'hostname', 'id -u', 'echo $H5', 'pwd', 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes', 'cat /sys/fs/cgroup/pids/pids.max',
    'cat /proc/self/oom_score_adj', 'ulimit -n', 'cat /proc/sys/net/ipv4/ip_forward', 'touch /tmp/x 2>/dev/null || echo read-only',
    'grep -c h5tmpfs /proc/mounts', 'grep -w h5 /etc/hosts | cut -f1', 'stty size',
  ].join('; ');
  const r = await create({
    Cmd: ['sh', '-c', script], Hostname: 'h5host', User: '1000', Env: ['H5=env-ok'], WorkingDir: '/tmp', Tty: true,
    HostConfig: {
      Memory: 64 << 20, PidsLimit: 64, OomScoreAdj: 100, Ulimits: [{ Name: 'nofile', Soft: 1024, Hard: 2048 }],
      Sysctls: { 'net.ipv4.ip_forward': '1' }, ReadonlyRootfs: true, Tmpfs: { '/h5tmpfs': 'size=1m' },
      ExtraHosts: ['h5:10.0.0.5'], ConsoleSize: [30, 100],
    },
  });
  assert.equal(r.status, 201, r.body);
  const id = r.json.Id;
  try {
    assert.equal((await api('POST', `/containers/${id}/start`)).status, 204);
    assert.equal((await api('POST', `/containers/${id}/wait`)).json.StatusCode, 0);
    const logs = (await rawRequest(e.socketPath, 'GET', `/containers/${id}/logs?stdout=1&stderr=1`)).body;
    assert.deepEqual(logs.split(/\r?\n/).filter(Boolean), [
      'h5host', '1000', 'env-ok', '/tmp', String(64 << 20), '64', '100', '1024', '1', 'read-only', '1', '10.0.0.5', '30 100',
    ]);
  } finally {
    await remove(id);
  }
});

test('update: honoured limits are applied, the rest is refused with a 400 naming it', async () => {
  const samples: Record<string, unknown> = {
    CpuShares: 512, Memory: 64 << 20, CpuPeriod: 100000, CpuQuota: 50000, CpusetCpus: '0', CpusetMems: '0',
    MemoryReservation: 32 << 20, MemorySwap: 128 << 20, NanoCpus: 500000000, PidsLimit: 64,
    RestartPolicy: { Name: 'always', MaximumRetryCount: 0 },
  };
  for (const [field, schema] of Object.entries(SPEC.update)) {
    const c = await create({});
    assert.equal(c.status, 201, c.body);
    try {
      const rule = UPDATE_FIELDS[field];
      if (rule.status === 'refused') {
        const r = await api('POST', `/containers/${c.json.Id}/update`, { [field]: sample(schema) });
        assert.equal(r.status, 400, `${field}: ${r.body}`);
        assert.equal(r.json.message, `berth does not support updating ${field} yet`);
        continue;
      }
      assert.ok(field in samples, `update ${field} is ${rule.status} but the test has no sample for it`);
      const r = await api('POST', `/containers/${c.json.Id}/update`, { [field]: samples[field] });
      assert.equal(r.status, 200, `${field}: ${r.body}`);
      const info = (await api('GET', `/containers/${c.json.Id}/json`)).json;
      assert.deepEqual(info.HostConfig[field], samples[field], `${field} in inspect`);
    } finally {
      await remove(c.json.Id);
    }
  }
});

test('exec: ConsoleSize sizes the terminal of a Tty exec', async () => {
  const c = await create({ Cmd: ['sleep', '60'] });
  assert.equal(c.status, 201, c.body);
  try {
    assert.equal((await api('POST', `/containers/${c.json.Id}/start`)).status, 204);
    const x = await api('POST', `/containers/${c.json.Id}/exec`, { Cmd: ['stty', 'size'], Tty: true, AttachStdout: true, ConsoleSize: [20, 70] });
    assert.equal(x.status, 201, x.body);
    const out = await rawRequest(e.socketPath, 'POST', `/exec/${x.json.Id}/start`, JSON.stringify({ Tty: true }), { 'Content-Type': 'application/json' });
    assert.equal(out.body.trim(), '20 70');
  } finally {
    await remove(c.json.Id);
  }
});
