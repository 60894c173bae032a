// Networking: published ports (fixed, random, host-ip bound, udp) reached from the host,
// --network none/host, the default bridge and `network ls`.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as dgram from 'node:dgram';
import { freePort, run, sleep, startEngine, waitFor, type Engine } from './harness.js';

let e: Engine;
before(async () => {
  e = await startEngine();
});
after(async () => {
  await e?.stop();
});

const HTTPD = 'mkdir -p /www && echo hello-from-httpd > /www/index.html && exec httpd -f -p 80 -h /www';

/** Host ports for `<port>/<proto>` from `docker port`, IPv4 bindings only (20.10 also lists [::]). */
async function hostPorts(name: string, spec: string): Promise<Array<{ ip: string; port: number }>> {
  const r = await e.docker(['port', name, spec]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout
    .split('\n')
    .map((l) => /^(\d+\.\d+\.\d+\.\d+):(\d+)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ ip: m[1] ?? '', port: Number(m[2]) }));
}

async function httpGet(url: string): Promise<string> {
  let body = '';
  await waitFor(
    async () => {
      const r = await run('curl', ['-s', '--max-time', '2', url]);
      body = r.stdout;
      return r.code === 0;
    },
    10_000,
    `GET ${url}`,
  );
  return body;
}

test('-p hostPort:80 publishes a fixed port reachable with curl', async () => {
  const port = await freePort();
  const name = e.name('fixed');
  await e.runDetached(name, '-p', `${port}:80`, 'busybox', 'sh', '-c', HTTPD);
  assert.deepEqual(await hostPorts(name, '80/tcp'), [{ ip: '0.0.0.0', port }]);
  assert.equal(await httpGet(`http://127.0.0.1:${port}/`), 'hello-from-httpd\n');
  const ps = await e.docker(['ps', '--filter', `name=${name}`, '--format', '{{.Ports}}']);
  assert.match(ps.stdout, new RegExp(`0\\.0\\.0\\.0:${port}->80/tcp`));
});

test('-p 127.0.0.1::80 binds a random port on loopback only', async () => {
  const name = e.name('loopback');
  await e.runDetached(name, '-p', '127.0.0.1::80', 'busybox', 'sh', '-c', HTTPD);
  const ports = await hostPorts(name, '80');
  assert.equal(ports.length, 1);
  assert.equal(ports[0]?.ip, '127.0.0.1');
  assert.ok((ports[0]?.port ?? 0) > 1024);
  assert.equal(await httpGet(`http://127.0.0.1:${ports[0]?.port}/`), 'hello-from-httpd\n');
  const hostPort = (await e.docker(['inspect', '-f', '{{(index (index .NetworkSettings.Ports "80/tcp") 0).HostPort}}', name])).stdout.trim();
  assert.equal(hostPort, String(ports[0]?.port));
});

test('-p 80 publishes on a random port; -P publishes exposed ports', async () => {
  const name = e.name('random');
  await e.runDetached(name, '-p', '80', 'busybox', 'sh', '-c', HTTPD);
  const ports = await hostPorts(name, '80/tcp');
  assert.equal(ports.length, 1);
  assert.equal(ports[0]?.ip, '0.0.0.0');
  assert.equal(await httpGet(`http://127.0.0.1:${ports[0]?.port}/`), 'hello-from-httpd\n');

  const exposed = e.name('exposed');
  await e.runDetached(exposed, '--expose', '80', '-P', 'busybox', 'sh', '-c', HTTPD);
  const p2 = await hostPorts(exposed, '80/tcp');
  assert.equal(p2.length, 1);
  assert.notEqual(p2[0]?.port, ports[0]?.port);
  assert.equal(await httpGet(`http://127.0.0.1:${p2[0]?.port}/`), 'hello-from-httpd\n');
});

/** The container's UDP NoPorts counter: datagrams that reached its kernel with no listener. */
async function udpNoPorts(name: string): Promise<number> {
  const r = await e.docker(['exec', name, 'cat', '/proc/net/snmp']);
  const [head, values] = r.stdout.split('\n').filter((l) => l.startsWith('Udp:'));
  const i = (head ?? '').split(' ').indexOf('NoPorts');
  return Number((values ?? '').split(' ')[i]);
}

// Debian's busybox nc has no UDP mode, so delivery is observed in the container's kernel counters.
test('-p hostPort:5000/udp delivers datagrams into the container', async () => {
  const port = await freePort();
  const name = e.name('udp');
  await e.runDetached(name, '-p', `${port}:5000/udp`, 'busybox', 'sleep', '100');
  assert.deepEqual(await hostPorts(name, '5000/udp'), [{ ip: '0.0.0.0', port }]);
  const before = await udpNoPorts(name);
  const sock = dgram.createSocket('udp4');
  try {
    await waitFor(
      async () => {
        await new Promise<void>((r) => sock.send('ping-over-udp\n', port, '127.0.0.1', () => r()));
        await sleep(200);
        return (await udpNoPorts(name)) > before;
      },
      10_000,
      'a datagram to reach the container',
    );
  } finally {
    sock.close();
  }
});

test('--network none has only loopback', async () => {
  const r = await e.docker(['run', '--rm', '--network', 'none', 'busybox', 'ls', '/sys/class/net']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'lo\n');
});

test('--network host shares the host network namespace', async () => {
  const hostname = (await run('hostname', [])).stdout;
  const r = await e.docker(['run', '--rm', '--network', 'host', 'busybox', 'hostname']);
  assert.equal(r.stdout, hostname);
  const port = await freePort();
  const name = e.name('hostnet');
  await e.runDetached(name, '--network', 'host', 'busybox', 'sh', '-c', HTTPD.replace('-p 80', `-p 127.0.0.1:${port}`));
  assert.equal(await httpGet(`http://127.0.0.1:${port}/`), 'hello-from-httpd\n');
  // inspect: the host's hostname, an endpoint on the host network, listed by `network inspect host`
  assert.equal(await e.inspect(name, '{{.Config.Hostname}}'), hostname.trim());
  const endpoint = await e.inspect(name, '{{.NetworkSettings.Networks.host.EndpointID}}');
  assert.match(endpoint, /^[0-9a-f]{64}$/);
  const id = await e.inspect(name, '{{.Id}}');
  const listed = JSON.parse((await e.docker(['network', 'inspect', '-f', '{{json .Containers}}', 'host'])).stdout);
  assert.equal(listed[id]?.Name, name);
  assert.equal(listed[id]?.EndpointID, endpoint);
});

test('the default bridge gives eth0 an address and outbound routing', async () => {
  const name = e.name('bridge');
  await e.runDetached(name, 'busybox', 'sleep', '100');
  const ip = (await e.docker(['inspect', '-f', '{{.NetworkSettings.IPAddress}}', name])).stdout.trim();
  assert.match(ip, /^\d+\.\d+\.\d+\.\d+$/);
  const addr = await e.docker(['exec', name, 'ip', '-o', '-4', 'addr', 'show', 'eth0']);
  assert.match(addr.stdout, new RegExp(`inet ${ip.replace(/\./g, '\\.')}/`));
  const route = await e.docker(['exec', name, 'ip', 'route']);
  assert.match(route.stdout, /^default via \d+\.\d+\.\d+\.\d+ dev eth0/m);
  // the host reaches the container directly on its bridge address
  const srv = e.name('bridge-http');
  await e.runDetached(srv, 'busybox', 'sh', '-c', HTTPD);
  const srvIp = (await e.docker(['inspect', '-f', '{{.NetworkSettings.IPAddress}}', srv])).stdout.trim();
  assert.equal(await httpGet(`http://${srvIp}/`), 'hello-from-httpd\n');
  // and containers on the bridge reach each other by address
  const wget = await e.docker(['exec', name, 'wget', '-q', '-O', '-', `http://${srvIp}/`]);
  assert.equal(wget.stdout, 'hello-from-httpd\n', wget.stderr);
});

test('network ls shows bridge, host and none', async () => {
  const r = await e.docker(['network', 'ls', '--format', '{{.Name}} {{.Driver}}']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  for (const want of ['bridge bridge', 'host host', 'none null']) assert.ok(lines.includes(want), want);
});
