// NetworkService driven directly on real network namespaces (an `unshare -n` sleeping process
// stands in for a container): CNI attach/detach on the default bridge, published ports reached
// from the host, random ports, port conflicts, container-to-container traffic, NAT rules, etc
// files, and a full teardown of the bridge and iptables rules afterwards.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaults } from '../src/daemon/config.js';
import type { Daemon } from '../src/daemon/daemon.js';
import { NetworkService } from '../src/daemon/networks.js';
import type { NetworkRequest, NetworkState } from '../src/network/types.js';

const sh = (cmd: string, args: string[]): string => execFileSync(cmd, args, { encoding: 'utf8' });
const tryRun = (cmd: string, args: string[]): boolean => {
  try { execFileSync(cmd, args, { stdio: 'ignore' }); return true; } catch { return false; }
};

let tmp: string;
let dataRoot: string;
let svc: NetworkService;
const sandboxes: ChildProcess[] = [];
const attached: [string, NetworkState][] = [];

function serviceFor(root: string): NetworkService {
  const config = { ...defaults(), dataRoot: root, execRoot: path.join(tmp, 'exec') };
  const d = { config, path: (...p: string[]) => path.join(root, ...p) } as unknown as Daemon;
  return new NetworkService(d);
}

/** A process in a fresh network namespace, like a created-but-not-started container task. */
async function sandbox(): Promise<number> {
  const child = spawn('unshare', ['--net', 'sleep', '600'], { stdio: 'ignore' });
  sandboxes.push(child);
  await new Promise((r) => setTimeout(r, 50));
  assert.ok(child.pid && fs.existsSync(`/proc/${child.pid}/ns/net`));
  return child.pid;
}

function inNetns(pid: number, args: string[]): string {
  return sh('nsenter', ['-t', String(pid), '-n', ...args]);
}

/** busybox httpd on port 80 inside the sandbox, serving `text`. */
async function serve(pid: number, text: string): Promise<void> {
  const www = fs.mkdtempSync(path.join(tmp, 'www-'));
  fs.writeFileSync(path.join(www, 'index.html'), text);
  sandboxes.push(spawn('nsenter', ['-t', String(pid), '-n', 'busybox', 'httpd', '-f', '-p', '80', '-h', www], { stdio: 'ignore' }));
  for (let i = 0; i < 50 && !inNetns(pid, ['ss', '-ltn']).includes(':80 '); i++) await new Promise((r) => setTimeout(r, 20));
}

function request(id: string, extra: Partial<NetworkRequest> = {}): NetworkRequest {
  return {
    containerId: id.padEnd(64, '0'), name: `/${id}`, hostname: id.slice(0, 12), domainname: '', networkMode: 'default',
    portBindings: {}, publishAllPorts: false, exposedPorts: {}, dns: [], dnsSearch: [], dnsOptions: [], extraHosts: [], ...extra,
  };
}

async function attach(req: NetworkRequest, pid: number): Promise<NetworkState> {
  const state = await svc.attach(req, pid);
  attached.push([req.containerId, state]);
  return state;
}

function get(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = http.get({ host, port, path: '/', timeout: 3000 }, (res) => {
      let body = '';
      res.on('data', (b) => (body += b));
      res.on('end', () => resolve(body));
    });
    r.on('timeout', () => r.destroy(new Error(`timeout ${host}:${port}`)));
    r.on('error', reject);
  });
}

const primaryIp = (): string => (JSON.parse(sh('ip', ['-j', '-4', 'route', 'get', '192.0.2.123'])) as { prefsrc: string }[])[0].prefsrc;

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-nettest-'));
  dataRoot = path.join(tmp, 'data');
  svc = serviceFor(dataRoot);
  await svc.init();
});

after(async () => {
  for (const [id, state] of attached) await svc.detach(id, state).catch(() => undefined);
  for (const c of sandboxes) c.kill('SIGKILL');
  const device = svc.bridgeDevice;
  await svc.removeAll();
  fs.rmSync(tmp, { recursive: true, force: true });
  assert.equal(fs.existsSync(`/sys/class/net/${device}`), false, 'bridge device removed');
  assert.ok(!sh('iptables', ['-S']).includes(`berth:${device}`) && !sh('iptables', ['-t', 'nat', '-S']).includes(`berth:${device}`), 'iptables rules removed');
});

test('init makes the bridge with a non-overlapping subnet, NAT and forwarding', async () => {
  const device = svc.bridgeDevice;
  assert.match(device, /^berth[0-9a-f]{6}$/);
  const bridge = svc.inspect('bridge');
  const { Subnet, Gateway } = bridge.IPAM.Config[0];
  assert.match(Subnet, /^\d+\.\d+\.0\.0\/(16|20)$/);
  assert.notEqual(Subnet, '172.29.0.0/16', 'never the reference engine subnet');
  const addrs = JSON.parse(sh('ip', ['-j', '-4', 'addr', 'show', 'dev', device]))[0].addr_info;
  assert.deepEqual(addrs.map((a: { local: string; prefixlen: number }) => `${a.local}/${a.prefixlen}`), [`${Gateway}/${Subnet.split('/')[1]}`]);
  assert.ok(sh('iptables', ['-t', 'nat', '-S', 'POSTROUTING']).includes(`-s ${Subnet} ! -o ${device} -m comment --comment "berth:${device}" -j MASQUERADE`));
  assert.equal(fs.readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim(), '1');
  // Idempotent, and stable across restarts of the service.
  const again = serviceFor(dataRoot);
  await again.init();
  assert.deepEqual(again.inspect('bridge').IPAM, bridge.IPAM);
  assert.equal(again.inspect('bridge').Id, bridge.Id);
  assert.equal(sh('iptables', ['-t', 'nat', '-S', 'POSTROUTING']).split(`berth:${device}`).length, 2, 'one MASQUERADE rule');
});

test('networks list and inspect have Docker shapes', () => {
  const names = svc.list().map((n) => `${n.Name}/${n.Driver}`);
  assert.deepEqual(names, ['bridge/bridge', 'host/host', 'none/null']);
  const b = svc.inspect('bridge');
  assert.match(b.Id, /^[0-9a-f]{64}$/);
  assert.equal(svc.inspect(b.Id.slice(0, 5)).Name, 'bridge');
  assert.equal(b.Options['com.docker.network.bridge.name'], svc.bridgeDevice);
  assert.equal(b.Scope, 'local');
  assert.deepEqual(svc.inspect('none').IPAM, { Driver: 'default', Options: null, Config: [] });
  assert.throws(() => svc.inspect('nosuchnet'), /network nosuchnet not found/);
  assert.deepEqual(svc.list(new Map([['driver', ['null']]])).map((n) => n.Name), ['none']);
  assert.deepEqual(svc.list(new Map([['name', ['bri']]])).map((n) => n.Name), ['bridge']);
  assert.throws(() => svc.list(new Map([['bogus', ['x']]])), /invalid filter 'bogus'/);
});

test('attach publishes ports reachable on 127.0.0.1 and the host address; detach removes everything', async () => {
  const pid = await sandbox();
  const fixed = await freePortNumber();
  const req = request('web', {
    portBindings: { '80/tcp': [{ HostIp: '', HostPort: String(fixed) }, { HostIp: '127.0.0.1', HostPort: '' }] },
    exposedPorts: { '80/tcp': {} },
  });
  const t0 = performance.now();
  const state = await attach(req, pid);
  const took = performance.now() - t0;
  console.log(`attach with 2 published ports: ${took.toFixed(1)} ms`);
  const { Subnet, Gateway } = svc.inspect('bridge').IPAM.Config[0];
  assert.equal(state.gateway, Gateway);
  assert.equal(state.prefixLen, Number(Subnet.split('/')[1]));
  const octets = state.ipAddress.split('.').map(Number);
  assert.equal(state.macAddress, `02:42:${octets.map((o) => o.toString(16).padStart(2, '0')).join(':')}`);
  const eth0 = inNetns(pid, ['ip', '-o', '-4', 'addr', 'show', 'dev', 'eth0']);
  assert.ok(eth0.includes(`inet ${state.ipAddress}/${state.prefixLen}`), eth0);
  assert.ok(inNetns(pid, ['ip', 'link', 'show', 'eth0']).includes(`link/ether ${state.macAddress}`));
  assert.ok(inNetns(pid, ['ip', 'link', 'show', 'lo']).includes('UP'), 'loopback is up');
  assert.ok(inNetns(pid, ['ip', 'route']).includes(`default via ${Gateway}`));

  const random = state.ports.find((p) => p.hostIp === '127.0.0.1')!;
  assert.ok(random.hostPort >= 32768, `random port ${random.hostPort} from the ephemeral range`);
  await serve(pid, 'hello-berth');
  assert.equal(await get('127.0.0.1', fixed), 'hello-berth');
  assert.equal(await get(primaryIp(), fixed), 'hello-berth');
  assert.equal(await get('127.0.0.1', random.hostPort), 'hello-berth');
  await assert.rejects(get(primaryIp(), random.hostPort), 'a 127.0.0.1 binding is not published on other addresses');
  assert.equal(await get(state.ipAddress, 80), 'hello-berth');

  const s = svc.settings(state, req);
  assert.deepEqual(s.Ports, { '80/tcp': [{ HostIp: '0.0.0.0', HostPort: String(fixed) }, { HostIp: '127.0.0.1', HostPort: String(random.hostPort) }] });
  assert.equal(s.IPAddress, state.ipAddress);
  assert.equal(s.Networks.bridge.NetworkID, svc.inspect('bridge').Id);
  assert.equal(s.Networks.bridge.MacAddress, state.macAddress);
  const members = svc.inspect('bridge').Containers;
  assert.deepEqual(members[req.containerId], { Name: 'web', EndpointID: state.endpointId, MacAddress: state.macAddress, IPv4Address: `${state.ipAddress}/${state.prefixLen}`, IPv6Address: '' });

  const ipamFile = path.join(dataRoot, 'network', 'ipam', 'bridge', state.ipAddress);
  assert.ok(fs.existsSync(ipamFile));
  assert.ok(sh('iptables', ['-t', 'nat', '-S']).includes(`--to-destination ${state.ipAddress}:80`));
  const t1 = performance.now();
  await svc.detach(req.containerId, state);
  console.log(`detach with 2 published ports: ${(performance.now() - t1).toFixed(1)} ms`);
  assert.equal(fs.existsSync(ipamFile), false, 'address released');
  assert.ok(!sh('iptables', ['-t', 'nat', '-S']).includes(`${state.ipAddress}:80`), 'DNAT rules removed');
  assert.ok(!inNetns(pid, ['ip', 'link']).includes('eth0'), 'veth removed');
  await svc.detach(req.containerId, state); // idempotent
  assert.equal(svc.inspect('bridge').Containers[req.containerId], undefined);
});

function freePortNumber(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '0.0.0.0', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

test('a port held by another container fails with Docker\'s error and leaves nothing behind', async () => {
  const fixed = await freePortNumber();
  const owner = request('owner', { portBindings: { '80/tcp': [{ HostPort: String(fixed) }] } });
  const a = await attach(owner, await sandbox());
  const pid = await sandbox();
  const req = request('clash', { portBindings: { '80/tcp': [{ HostIp: '', HostPort: String(fixed) }] } });
  const before = fs.readdirSync(path.join(dataRoot, 'network', 'ipam', 'bridge')).sort();
  await assert.rejects(svc.attach(req, pid), (err: Error & { status?: number }) => {
    assert.match(err.message, new RegExp(`^driver failed programming external connectivity on endpoint clash \\([0-9a-f]{64}\\): Bind for 0\\.0\\.0\\.0:${fixed} failed: port is already allocated$`));
    assert.equal(err.status, 500);
    return true;
  });
  assert.deepEqual(fs.readdirSync(path.join(dataRoot, 'network', 'ipam', 'bridge')).sort(), before);
  assert.ok(!inNetns(pid, ['ip', 'link']).includes('eth0'));
  await svc.detach(owner.containerId, a);
  // Released: the port can be taken again.
  const again = await attach(req, pid);
  assert.equal(again.ports[0].hostPort, fixed);
});

test('publish-all maps every exposed port to a random port, udp included', async () => {
  const state = await attach(request('pall', { publishAllPorts: true, exposedPorts: { '80/tcp': {}, '53/udp': {} } }), await sandbox());
  assert.deepEqual(state.ports.map((p) => `${p.containerPort}/${p.protocol}@${p.hostIp}`).sort(), ['53/udp@0.0.0.0', '80/tcp@0.0.0.0']);
  assert.ok(state.ports.every((p) => p.hostPort >= 32768));
});

test('two containers on the bridge reach each other; the lowest free address is used', async () => {
  const [p1, p2] = [await sandbox(), await sandbox()];
  const t0 = performance.now();
  const [s1, s2] = await Promise.all([attach(request('ping1'), p1), attach(request('ping2'), p2)]);
  console.log(`two parallel attaches without ports: ${(performance.now() - t0).toFixed(1)} ms`);
  assert.notEqual(s1.ipAddress, s2.ipAddress);
  inNetns(p1, ['busybox', 'ping', '-c', '1', '-W', '2', s2.ipAddress]);
  inNetns(p2, ['busybox', 'ping', '-c', '1', '-W', '2', s1.ipAddress]);
  inNetns(p1, ['busybox', 'ping', '-c', '1', '-W', '2', s1.gateway]);
  const used = fs.readdirSync(path.join(dataRoot, 'network', 'ipam', 'bridge')).filter((f) => /^\d/.test(f));
  const gwLast = Number(s1.gateway.split('.')[3]);
  const lowest = Math.min(...used.map((ip) => Number(ip.split('.')[3])));
  assert.equal(lowest, gwLast + 1);
  const t1 = performance.now();
  await svc.detach(request('ping1').containerId, s1);
  console.log(`detach without ports: ${(performance.now() - t1).toFixed(1)} ms`);
  const s3 = await attach(request('ping3'), await sandbox());
  assert.equal(s3.ipAddress, s1.ipAddress, 'a freed address is reused first, as Docker does');
});

test('none gets loopback only; host is a no-op', async () => {
  const pid = await sandbox();
  const none = await attach(request('none1', { networkMode: 'none' }), pid);
  assert.equal(none.ipAddress, '');
  assert.deepEqual(inNetns(pid, ['ip', '-o', 'link']).trim().split('\n').map((l) => l.split(':')[1].trim()), ['lo']);
  assert.ok(inNetns(pid, ['ip', 'link', 'show', 'lo']).includes('UP'));
  assert.deepEqual(await svc.prepare(request('h', { networkMode: 'host' })), { netns: 'host' });
  assert.deepEqual(await svc.prepare(request('n', { networkMode: 'none' })), { netns: 'new' });
  const host = await attach(request('host1', { networkMode: 'host' }), pid);
  const s = svc.settings(host, request('host1', { networkMode: 'host' }));
  assert.deepEqual(Object.keys(s.Networks), ['host']);
  assert.equal(s.Networks.host.NetworkID, svc.inspect('host').Id);
  assert.equal(s.IPAddress, '');
  await assert.rejects(svc.prepare(request('x', { networkMode: 'nosuch' })), /network nosuch not found/);
  assert.deepEqual(await svc.prepare(request('j', { networkMode: 'container:none1' })), { netns: `/proc/${pid}/ns/net` });
});

test('etc files: hosts with the container address and extra hosts, resolv.conf without loopback servers', async () => {
  const dir = fs.mkdtempSync(path.join(tmp, 'etc-'));
  const req = request('etc', { hostname: 'myhost', extraHosts: ['foo:1.2.3.4', 'gw:host-gateway'] });
  const paths = await svc.writeEtcFiles(dir, req);
  const hosts = fs.readFileSync(paths.hostsPath, 'utf8');
  assert.ok(hosts.startsWith('127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\n'));
  const gw = svc.inspect('bridge').IPAM.Config[0].Gateway;
  assert.ok(hosts.endsWith(`1.2.3.4\tfoo\n${gw}\tgw\n`), hosts);
  const ino = fs.statSync(paths.hostsPath).ino;
  const state = await attach(req, await sandbox());
  await svc.writeEtcFiles(dir, req, state);
  assert.ok(fs.readFileSync(paths.hostsPath, 'utf8').endsWith(`${gw}\tgw\n${state.ipAddress}\tmyhost\n`));
  assert.equal(fs.statSync(paths.hostsPath).ino, ino, 'rewritten in place');
  assert.equal(fs.readFileSync(paths.hostnamePath, 'utf8'), 'myhost\n');
  const resolv = fs.readFileSync(paths.resolvConfPath, 'utf8');
  assert.ok(!/^nameserver 127\./m.test(resolv));
  assert.match(resolv, /^nameserver /m);
  await svc.writeEtcFiles(dir, request('etc2', { dns: ['1.1.1.1'], dnsSearch: ['ex.com'], dnsOptions: ['ndots:2'] }));
  assert.equal(fs.readFileSync(paths.resolvConfPath, 'utf8'), 'search ex.com\nnameserver 1.1.1.1\noptions ndots:2\n');
  await svc.writeEtcFiles(dir, request('etc3', { networkMode: 'host' }));
  assert.equal(fs.readFileSync(paths.hostsPath, 'utf8').trim(), fs.readFileSync('/etc/hosts', 'utf8').trim());
  assert.equal(fs.readFileSync(paths.resolvConfPath, 'utf8'), fs.readFileSync('/etc/resolv.conf', 'utf8'));
});

test('a restarted service detaches containers attached before the restart', async () => {
  const pid = await sandbox();
  const req = request('survivor', { portBindings: { '80/tcp': [{ HostIp: '127.0.0.1' }] } });
  const state = JSON.parse(JSON.stringify(await attach(req, pid))) as NetworkState;
  await serve(pid, 'still-here');
  const restarted = serviceFor(dataRoot);
  await restarted.init();
  assert.equal(await get('127.0.0.1', state.ports[0].hostPort), 'still-here');
  assert.ok(restarted.inspect('bridge').Containers[req.containerId]);
  await restarted.detach(req.containerId, state);
  assert.ok(!sh('iptables', ['-t', 'nat', '-S']).includes(`${state.ipAddress}:80`));
  assert.equal(fs.existsSync(path.join(dataRoot, 'network', 'ipam', 'bridge', state.ipAddress)), false);
  assert.ok(tryRun('nsenter', ['-t', String(pid), '-n', 'true']));
});

test('--link adds the running target to hosts as Docker does', async () => {
  const target = request('linked');
  const state = await attach(target, await sandbox());
  const dir = fs.mkdtempSync(path.join(tmp, 'etc-'));
  const { hostsPath } = await svc.writeEtcFiles(dir, request('linker', { links: ['/linked:/linker/db', 'linked'] }));
  const id12 = target.containerId.slice(0, 12);
  assert.ok(fs.readFileSync(hostsPath, 'utf8').endsWith(`${state.ipAddress}\tdb ${id12} linked\n${state.ipAddress}\tlinked ${id12}\n`));
});

test('--bip and --bridge set the default network', async () => {
  const root = path.join(tmp, 'data-bip');
  const config = { ...defaults(), dataRoot: root, bip: '10.213.7.1/24', bridge: 'berthtestbip' };
  const other = new NetworkService({ config, path: (...p: string[]) => path.join(root, ...p) } as unknown as Daemon);
  try {
    await other.init();
    assert.deepEqual(other.inspect('bridge').IPAM.Config, [{ Subnet: '10.213.7.0/24', Gateway: '10.213.7.1' }]);
    assert.ok(sh('ip', ['-4', '-o', 'addr', 'show', 'dev', 'berthtestbip']).includes('inet 10.213.7.1/24'));
    const state = await other.attach(request('bip'), await sandbox());
    assert.equal(state.ipAddress, '10.213.7.2');
    assert.equal(state.macAddress, '02:42:0a:d5:07:02');
    await other.detach(request('bip').containerId, state);
    const moved = { ...config, bip: '10.213.8.1/24' };
    await new NetworkService({ config: moved, path: (...p: string[]) => path.join(root, ...p) } as unknown as Daemon).init();
    const nat = sh('iptables', ['-t', 'nat', '-S', 'POSTROUTING']);
    assert.ok(nat.includes('-s 10.213.8.0/24 ! -o berthtestbip') && !nat.includes('10.213.7.0/24'), 'NAT follows a changed --bip');
  } finally {
    await other.removeAll();
  }
  assert.equal(fs.existsSync('/sys/class/net/berthtestbip'), false);
});
