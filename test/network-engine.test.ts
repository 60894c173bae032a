// Networking through the daemon with the docker CLI: what `docker inspect` and `docker network
// inspect` show for a bridged container, Docker's port-conflict error, the predefined networks'
// protections, /etc/hosts, and published ports that keep working across a daemon kill -9.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { run, startEngine, waitFor, type Engine } from './harness.js';

let e: Engine;
before(async () => {
  e = await startEngine();
});
after(async () => {
  await e?.stop();
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '0.0.0.0', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

const HTTPD = 'mkdir -p /www && echo net-ok > /www/index.html && exec httpd -f -p 80 -h /www';

async function curl(url: string): Promise<string> {
  let body = '';
  await waitFor(async () => {
    const r = await run('curl', ['-s', '--max-time', '2', url]);
    body = r.stdout;
    return r.code === 0 && body !== '';
  }, 10_000, `GET ${url}`);
  return body;
}

async function inspect(name: string): Promise<any> {
  const r = await e.docker(['inspect', name]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout)[0];
}

test('a bridged container: NetworkSettings, MAC from IP, network inspect lists it, hosts has its address', async () => {
  const name = e.name('shape');
  const r = await e.docker(['run', '-d', '--name', name, '-h', 'shapehost', '-p', '127.0.0.1::80', 'busybox', 'sh', '-c', HTTPD]);
  assert.equal(r.code, 0, r.stderr);
  const c = await inspect(name);
  const ns = c.NetworkSettings;
  const bridge = JSON.parse((await e.docker(['network', 'inspect', 'bridge'])).stdout)[0];
  const { Subnet, Gateway } = bridge.IPAM.Config[0];
  assert.equal(ns.Gateway, Gateway);
  assert.equal(ns.IPPrefixLen, Number(Subnet.split('/')[1]));
  const mac = `02:42:${ns.IPAddress.split('.').map((o: string) => Number(o).toString(16).padStart(2, '0')).join(':')}`;
  assert.equal(ns.MacAddress, mac);
  assert.equal(ns.Networks.bridge.NetworkID, bridge.Id);
  assert.equal(ns.Networks.bridge.IPAddress, ns.IPAddress);
  assert.match(ns.Networks.bridge.EndpointID, /^[0-9a-f]{64}$/);
  assert.match(ns.SandboxID, /^[0-9a-f]{64}$/);
  const [binding] = ns.Ports['80/tcp'];
  assert.equal(binding.HostIp, '127.0.0.1');
  assert.equal(await curl(`http://127.0.0.1:${binding.HostPort}/`), 'net-ok\n');
  assert.deepEqual(bridge.Containers[c.Id], {
    Name: name, EndpointID: ns.EndpointID, MacAddress: mac, IPv4Address: `${ns.IPAddress}/${ns.IPPrefixLen}`, IPv6Address: '',
  });
  const hosts = await e.docker(['exec', name, 'cat', '/etc/hosts']);
  assert.ok(hosts.stdout.endsWith(`${ns.IPAddress}\tshapehost\n`), hosts.stdout);
  const link = await e.docker(['exec', name, 'cat', `/sys/class/net/eth0/address`]);
  assert.equal(link.stdout.trim(), mac);
});

test('publishing a port another container holds fails with Docker\'s error', async () => {
  const port = await freePort();
  const first = e.name('holder');
  assert.equal((await e.docker(['run', '-d', '--name', first, '-p', `${port}:80`, 'busybox', 'sleep', '60'])).code, 0);
  const second = e.name('clash');
  const r = await e.docker(['run', '-d', '--name', second, '-p', `${port}:80`, 'busybox', 'sleep', '60']);
  assert.equal(r.code, 125);
  assert.match(r.stderr, new RegExp(`driver failed programming external connectivity on endpoint ${second} \\([0-9a-f]{64}\\): Bind for 0\\.0\\.0\\.0:${port} failed: port is already allocated`));
  // The failed container holds nothing: once the first is gone, the second starts on that port.
  assert.equal((await e.docker(['rm', '-f', first])).code, 0);
  const start = await e.docker(['start', second]);
  assert.equal(start.code, 0, start.stderr);
  assert.equal((await inspect(second)).NetworkSettings.Ports['80/tcp'][0].HostPort, String(port));
});

test('the predefined networks cannot be removed', async () => {
  for (const n of ['bridge', 'host', 'none']) {
    const r = await e.docker(['network', 'rm', n]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, new RegExp(`${n} is a pre-defined network and cannot be removed`));
  }
  const missing = await e.docker(['network', 'inspect', 'nosuchnetwork']);
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /network nosuchnetwork not found/);
});

test('published ports keep working across a daemon kill -9 and are released afterwards', { skip: process.env.BERTH_TEST_ENGINE === 'reference' }, async () => {
  const port = await freePort();
  const name = e.name('survivor');
  assert.equal((await e.docker(['run', '-d', '--name', name, '-p', `${port}:80`, 'busybox', 'sh', '-c', HTTPD])).code, 0);
  assert.equal(await curl(`http://127.0.0.1:${port}/`), 'net-ok\n');
  await e.kill9();
  assert.equal(await curl(`http://127.0.0.1:${port}/`), 'net-ok\n', 'served while the daemon is down');
  await e.restart();
  assert.equal(await curl(`http://127.0.0.1:${port}/`), 'net-ok\n');
  assert.equal((await e.docker(['rm', '-f', name])).code, 0);
  const again = e.name('reuse');
  const r = await e.docker(['run', '-d', '--name', again, '-p', `${port}:80`, 'busybox', 'sleep', '60']);
  assert.equal(r.code, 0, r.stderr);
});
