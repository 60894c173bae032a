// docker stats --no-stream (GET /containers/{id}/stats?stream=false) and docker update
// (POST /containers/{id}/update: limits applied to the running task, restart policy).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rawRequest, startEngine, type Engine } from './harness.js';

let e: Engine;
before(async () => {
  e = await startEngine();
});
after(async () => {
  await e?.stop();
});

test('stats --no-stream shows CPU, memory, network and pids of a running container', async () => {
  const name = e.name('stats');
  await e.runDetached(name, 'busybox', 'sh', '-c', 'while :; do :; done');
  const r = await e.docker(['stats', '--no-stream', '--format', '{{.Name}}|{{.CPUPerc}}|{{.MemUsage}}|{{.NetIO}}|{{.PIDs}}', name]);
  assert.equal(r.code, 0, r.stderr);
  const [n, cpu, mem, net, pids] = r.stdout.trim().split('|');
  assert.equal(n, name);
  assert.ok(parseFloat(cpu) > 10, `a busy loop uses CPU: ${cpu}`);
  assert.match(mem, /^[\d.]+[KMG]?i?B \/ [\d.]+[KMG]iB$/);
  assert.match(net, /^[\d.]+[kMG]?B \/ [\d.]+[kMG]?B$/);
  assert.equal(pids, '1');
  const raw = await rawRequest(e.socketPath, 'GET', `/containers/${name}/stats?stream=false`);
  assert.equal(raw.status, 200);
  const s = JSON.parse(raw.body);
  assert.equal(s.name, `/${name}`);
  assert.ok(s.cpu_stats.cpu_usage.total_usage > s.precpu_stats.cpu_usage.total_usage);
  assert.ok(s.cpu_stats.system_cpu_usage > s.precpu_stats.system_cpu_usage);
  assert.ok(s.memory_stats.usage > 0 && s.memory_stats.limit > 0);
  assert.ok(s.networks.eth0.rx_bytes >= 0);
  assert.equal((await e.docker(['rm', '-f', name])).code, 0);
});

test('stats of a stopped container are empty, not an error', async () => {
  const name = e.name('statsstopped');
  assert.equal((await e.docker(['create', '--name', name, 'busybox', 'true'])).code, 0);
  const raw = await rawRequest(e.socketPath, 'GET', `/containers/${name}/stats?stream=false`);
  assert.equal(raw.status, 200);
  assert.equal(JSON.parse(raw.body).read, '0001-01-01T00:00:00Z');
});

test('update changes memory, cpus and restart policy, and the running task gets the limits', async () => {
  const name = e.name('update');
  const id = await e.runDetached(name, 'busybox', 'sleep', '300');
  const r = await e.docker(['update', '--memory', '10m', '--memory-swap', '30m', '--cpus', '0.5', '--restart', 'always', name]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(await e.inspect(name, '{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}} {{.HostConfig.NanoCpus}} {{.HostConfig.RestartPolicy.Name}}'),
    '10485760 31457280 500000000 always');
  // the cgroup of the running container, as the container sees it
  const limit = await e.docker(['exec', name, 'cat', '/sys/fs/cgroup/memory/memory.limit_in_bytes']);
  assert.equal(limit.stdout.trim(), '10485760', limit.stderr);
  const quota = await e.docker(['exec', name, 'cat', '/sys/fs/cgroup/cpu/cpu.cfs_quota_us']);
  assert.equal(quota.stdout.trim(), '50000', quota.stderr);
  assert.equal(id.length, 64);
});

test('update refuses what dockerd refuses', async () => {
  const name = e.name('updatebad');
  await e.runDetached(name, 'busybox', 'sleep', '300');
  const cpus = await e.docker(['update', '--cpus', '1000', name]);
  assert.equal(cpus.code, 1);
  assert.match(cpus.stderr, /Range of CPUs is from 0\.01 to \d+\.00, as there are only \d+ CPUs available/);
  const policy = await e.docker(['update', '--restart', 'bogus', name]);
  assert.match(policy.stderr, /invalid restart policy 'bogus'/);
  const mem = await e.docker(['update', '--memory', '1k', name]);
  assert.match(mem.stderr, /Minimum memory limit allowed is 6MB/);
  const missing = await e.docker(['update', '--memory', '20m', 'nosuchcontainer']);
  assert.match(missing.stderr, /No such container: nosuchcontainer/);
});
