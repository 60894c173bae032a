// The OCI spec berth builds and the user resolution it relies on. The spec is checked for real:
// each case writes buildSpec's output into a bundle over a busybox rootfs, runs it with runc and
// looks from inside the container (ids, capabilities, seccomp, masked paths, cgroup limits).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { setAttributeSync } from '@napi-rs/xattr';
import { buildSpec, type SpecInput, type SpecHostConfig } from '../src/runtime/oci-spec.js';
import { resolveUser } from '../src/runtime/rootfs-user.js';
import { hostCapabilities } from '../src/runtime/capabilities.js';
import { run } from './harness.js';

const DOCKER_DEFAULT_CAPS_HEX = '00000000a80425fb';
let work: string;
let rootfs: string;
let runcRoot: string;

const PASSWD = 'root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000::/home/user:/bin/sh\n';
const GROUP = 'root:x:0:\nwheel:x:10:root,user\nusers:x:1000:\n';

function makeBusyboxRootfs(dir: string): void {
  for (const d of ['bin', 'usr/bin', 'etc', 'proc', 'sys', 'dev', 'tmp', 'mnt', 'home/user']) {
    fs.mkdirSync(path.join(dir, d), { recursive: true });
  }
  fs.copyFileSync('/usr/bin/busybox', path.join(dir, 'usr/bin/busybox'));
  fs.chmodSync(path.join(dir, 'usr/bin/busybox'), 0o755);
  const applets = execFileSync('/usr/bin/busybox', ['--list']).toString().split('\n').filter(Boolean);
  for (const a of applets) fs.symlinkSync('/usr/bin/busybox', path.join(dir, 'bin', a));
  fs.writeFileSync(path.join(dir, 'etc/passwd'), PASSWD);
  fs.writeFileSync(path.join(dir, 'etc/group'), GROUP);
}

before(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-oci-spec-'));
  rootfs = path.join(work, 'rootfs');
  runcRoot = path.join(work, 'runc');
  makeBusyboxRootfs(rootfs);
  for (const f of ['hosts', 'hostname', 'resolv.conf']) fs.writeFileSync(path.join(work, f), `# ${f}\n`);
});

after(() => {
  fs.rmSync(work, { recursive: true, force: true });
});

function specInput(over: Partial<SpecInput> = {}, hostConfig: SpecHostConfig = {}): SpecInput {
  const id = `berth-spec-${randomBytes(6).toString('hex')}`;
  return {
    id, hostname: 'spec-test', domainname: '', args: ['true'], env: ['PATH=/bin:/usr/bin', 'SPEC_VAR=hello'],
    cwd: '/tmp', user: { uid: 0, gid: 0, additionalGids: [0, 10] }, tty: false, openStdin: false, netns: 'new',
    etcFiles: { hosts: path.join(work, 'hosts'), hostname: path.join(work, 'hostname'), resolvConf: path.join(work, 'resolv.conf') },
    cgroupsPath: `/${id}`, hostConfig, ...over,
  };
}

/** Runs `script` (busybox sh) in a container made from buildSpec(input); always deletes it. */
async function runSpec(input: SpecInput, script: string) {
  const bundle = path.join(work, input.id);
  fs.mkdirSync(bundle);
  const spec = buildSpec({ ...input, args: ['/bin/sh', '-c', script] });
  spec.root.path = rootfs;
  fs.writeFileSync(path.join(bundle, 'config.json'), JSON.stringify(spec));
  try {
    return await run('runc', ['--root', runcRoot, 'run', '--bundle', bundle, input.id], { timeout: 30_000 });
  } finally {
    await run('runc', ['--root', runcRoot, 'delete', '-f', input.id]);
    fs.rmSync(bundle, { recursive: true, force: true });
  }
}

const capLine = (out: string, name: string) => new RegExp(`^${name}:\\s*(\\S+)`, 'm').exec(out)?.[1];

test('a default container gets Docker\'s caps, seccomp, masked paths, limits, hostname, cwd and env', async () => {
  const input = specInput({}, { Memory: 64 * 1024 * 1024, PidsLimit: 50 });
  const r = await runSpec(input, [
    'id', 'cat /proc/self/status', 'echo "timer_list=$(wc -c < /proc/timer_list) firmware=$(ls /sys/firmware | wc -l)"', 'hostname', 'pwd', 'echo "var=$SPEC_VAR"',
    'echo "mem=$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes)"', 'echo "pids=$(cat /sys/fs/cgroup/pids/pids.max)"',
    'echo 1 > /proc/sys/kernel/domainname && echo sys=writable || echo sys=readonly',
    'unshare -U true && echo unshare=ok || echo unshare=blocked',
    'mount -t tmpfs t /mnt && echo mount=ok || echo mount=blocked',
    'df -k /dev/shm | tail -1',
  ].join('; '));
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^uid=0\(root\) gid=0\(root\) groups=0\(root\),10\(wheel\)$/m);
  assert.equal(capLine(r.stdout, 'CapEff'), DOCKER_DEFAULT_CAPS_HEX);
  assert.equal(capLine(r.stdout, 'CapBnd'), DOCKER_DEFAULT_CAPS_HEX);
  assert.equal(capLine(r.stdout, 'Seccomp'), '2');
  assert.equal(capLine(r.stdout, 'NoNewPrivs'), '0');
  assert.match(r.stdout, /^timer_list=0 firmware=0$/m);
  assert.match(r.stdout, /^spec-test$/m);
  assert.match(r.stdout, /^\/tmp$/m);
  assert.match(r.stdout, /^var=hello$/m);
  assert.match(r.stdout, new RegExp(`^mem=${64 * 1024 * 1024}$`, 'm'));
  assert.match(r.stdout, /^pids=50$/m);
  assert.match(r.stdout, /^sys=readonly$/m);
  assert.match(r.stdout, /^unshare=blocked$/m);
  assert.match(r.stderr, /unshare.*Operation not permitted/);
  assert.match(r.stdout, /^mount=blocked$/m);
  assert.match(r.stdout, /^shm\s+65536\s/m);
});

test('a user resolved from the rootfs runs with its ids and no effective capabilities', async () => {
  const user = await resolveUser([rootfs], 'user', ['77']);
  assert.deepEqual(user, { uid: 1000, gid: 1000, additionalGids: [1000, 10, 77] });
  const r = await runSpec(specInput({ user }, { SecurityOpt: ['no-new-privileges'] }), 'id; cat /proc/self/status');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^uid=1000\(user\) gid=1000\(users\) groups=10\(wheel\),77,1000\(users\)$/m);
  assert.equal(capLine(r.stdout, 'CapEff'), '0000000000000000');
  assert.equal(capLine(r.stdout, 'CapBnd'), DOCKER_DEFAULT_CAPS_HEX);
  assert.equal(capLine(r.stdout, 'NoNewPrivs'), '1');
});

test('CAP_SYS_ADMIN unlocks the syscalls the default profile keeps for it; unconfined drops seccomp', async () => {
  const admin = await runSpec(specInput({}, { CapAdd: ['sys_admin'] }), 'unshare -m true && echo unshare=ok');
  assert.equal(admin.code, 0, admin.stderr);
  assert.match(admin.stdout, /^unshare=ok$/m);
  const free = await runSpec(specInput({}, { SecurityOpt: ['seccomp=unconfined'] }), 'grep Seccomp: /proc/self/status');
  assert.match(free.stdout, /^Seccomp:\s+0$/m);
  const dropped = await runSpec(specInput({}, { CapDrop: ['ALL'], CapAdd: ['CAP_CHOWN'] }), 'grep CapEff /proc/self/status');
  assert.match(dropped.stdout, /^CapEff:\s+0000000000000001$/m);
});

test('--privileged works with the host bounding set: all its caps, no seccomp, nothing masked', async () => {
  const r = await runSpec(specInput({}, { Privileged: true }),
    'cat /proc/self/status; echo "timer_list=$(wc -c < /proc/timer_list)"; grep " /sys " /proc/mounts');
  assert.equal(r.code, 0, r.stderr);
  const bnd = /^CapBnd:\s*(\S+)/m.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1];
  assert.equal(capLine(r.stdout, 'CapEff'), bnd);
  assert.equal(capLine(r.stdout, 'Seccomp'), '0');
  assert.match(r.stdout, /sysfs \/sys sysfs rw/);
  assert.match(r.stdout, /^timer_list=[1-9]\d*$/m);
  assert.ok(hostCapabilities().includes('CAP_SYS_ADMIN'));
});

test('read-only rootfs, tmpfs, binds and shm size are mounted as Docker mounts them', async () => {
  const hostDir = path.join(work, 'bindsrc');
  fs.mkdirSync(hostDir);
  fs.writeFileSync(path.join(hostDir, 'f'), 'from-host');
  const r = await runSpec(specInput({ mounts: [{ destination: '/h', type: 'bind', source: hostDir, options: ['rbind', 'ro', 'rprivate'] }] }, {
    ReadonlyRootfs: true, Tmpfs: { '/scratch': 'size=1m' }, ShmSize: 1024 * 1024,
  }), [
    'touch /x && echo root=rw || echo root=ro', 'touch /scratch/y && echo tmpfs=rw', 'cat /h/f; echo',
    'touch /h/z && echo bind=rw || echo bind=ro', 'df -k /dev/shm | tail -1',
  ].join('; '));
  assert.match(r.stdout, /^root=ro$/m);
  assert.match(r.stdout, /^tmpfs=rw$/m);
  assert.match(r.stdout, /^from-host$/m);
  assert.match(r.stdout, /^bind=ro$/m);
  assert.match(r.stdout, /^shm\s+1024\s/m);
});

test('buildSpec matches Docker 20.10 defaults field by field', () => {
  const spec = buildSpec(specInput());
  assert.equal(spec.ociVersion, '1.0.2-dev');
  assert.deepEqual(spec.root, { path: 'rootfs' });
  assert.equal(spec.process.terminal, undefined);
  assert.equal(spec.process.oomScoreAdj, 0);
  assert.equal(spec.process.rlimits, undefined);
  assert.deepEqual(spec.mounts.map((m) => [m.destination, m.type, m.source, m.options.join(',')]), [
    ['/proc', 'proc', 'proc', 'nosuid,noexec,nodev'],
    ['/dev', 'tmpfs', 'tmpfs', 'nosuid,strictatime,mode=755,size=65536k'],
    ['/dev/pts', 'devpts', 'devpts', 'nosuid,noexec,newinstance,ptmxmode=0666,mode=0620,gid=5'],
    ['/sys', 'sysfs', 'sysfs', 'nosuid,noexec,nodev,ro'],
    ['/sys/fs/cgroup', 'cgroup', 'cgroup', 'ro,nosuid,noexec,nodev'],
    ['/dev/mqueue', 'mqueue', 'mqueue', 'nosuid,noexec,nodev'],
    ['/dev/shm', 'tmpfs', 'shm', 'nosuid,noexec,nodev,mode=1777,size=67108864'],
    ['/etc/resolv.conf', 'bind', path.join(work, 'resolv.conf'), 'rbind,rprivate'],
    ['/etc/hostname', 'bind', path.join(work, 'hostname'), 'rbind,rprivate'],
    ['/etc/hosts', 'bind', path.join(work, 'hosts'), 'rbind,rprivate'],
  ]);
  assert.deepEqual(spec.linux.namespaces.map((n) => n.type), ['mount', 'network', 'uts', 'pid', 'ipc']);
  assert.deepEqual(spec.linux.sysctl, { 'net.ipv4.ip_unprivileged_port_start': '0', 'net.ipv4.ping_group_range': '0 2147483647' });
  assert.deepEqual(spec.linux.resources.devices.map((d) => `${d.allow ? 'a' : 'd'} ${d.type ?? '*'} ${d.major ?? '*'}:${d.minor ?? '*'}`),
    ['d * *:*', 'a c 1:5', 'a c 1:3', 'a c 1:9', 'a c 1:8', 'a c 5:0', 'a c 5:1', 'd c 10:229']);
  assert.deepEqual(spec.linux.readonlyPaths, ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger']);
  assert.ok(spec.linux.maskedPaths?.includes('/proc/kcore'));
  assert.deepEqual(spec.linux.seccomp?.architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
  assert.equal(spec.linux.seccomp?.defaultErrnoRet, 1);
});

test('buildSpec maps resources, namespaces and options like Docker', () => {
  const spec = buildSpec(specInput({ netns: '/run/netns/x', domainname: 'example.com', tty: true }, {
    Memory: 64 << 20, MemoryReservation: 32 << 20, NanoCpus: 1.5e9, CpuShares: 512, CpusetCpus: '0', PidsLimit: 0,
    Ulimits: [{ Name: 'nofile', Soft: 1000, Hard: 2000 }], OomScoreAdj: 100, PidMode: 'host', IpcMode: 'host',
    Tmpfs: { '/u': 'size=1m,noexec', '/t': '' }, Sysctls: { 'net.core.somaxconn': '100' }, GroupAdd: ['123', '10'],
  }));
  assert.deepEqual(spec.linux.resources.memory, { disableOOMKiller: false, limit: 64 << 20, reservation: 32 << 20, swap: 128 << 20 });
  assert.deepEqual(spec.linux.resources.cpu, { shares: 512, period: 100000, quota: 150000, cpus: '0' });
  assert.equal(spec.linux.resources.pids, undefined);
  assert.deepEqual(spec.process.rlimits, [{ type: 'RLIMIT_NOFILE', hard: 2000, soft: 1000 }]);
  assert.equal(spec.process.terminal, true);
  assert.equal(spec.process.oomScoreAdj, 100);
  assert.deepEqual(spec.process.user.additionalGids, [0, 10, 123]);
  assert.deepEqual(spec.linux.namespaces, [{ type: 'mount' }, { type: 'network', path: '/run/netns/x' }, { type: 'uts' }]);
  assert.deepEqual(spec.linux.sysctl, { 'kernel.domainname': 'example.com', 'net.core.somaxconn': '100' });
  const byDest = new Map(spec.mounts.map((m) => [m.destination, m]));
  assert.deepEqual(byDest.get('/dev/shm'), { destination: '/dev/shm', type: 'bind', source: '/dev/shm', options: ['rbind', 'rprivate'] });
  assert.deepEqual(byDest.get('/u')?.options, ['nosuid', 'nodev', 'rprivate', 'size=1m', 'noexec']);
  assert.deepEqual(byDest.get('/t')?.options, ['noexec', 'nosuid', 'nodev', 'rprivate']);

  const hostNet = buildSpec(specInput({ netns: 'host' }, { UTSMode: 'host', Memory: 64 << 20, MemorySwap: -1 }));
  assert.deepEqual(hostNet.linux.namespaces.map((n) => n.type), ['mount', 'pid', 'ipc']);
  assert.equal(hostNet.hostname, undefined);
  assert.equal(hostNet.linux.sysctl, undefined);
  assert.equal(hostNet.linux.resources.memory.swap, undefined);

  const user = buildSpec(specInput({ user: { uid: 1000, gid: 1000, additionalGids: [1000] } }));
  assert.deepEqual(Object.keys(user.process.capabilities), ['bounding']);
  const unmasked = buildSpec(specInput({}, { MaskedPaths: [], ReadonlyPaths: [] }));
  assert.equal(unmasked.linux.maskedPaths, undefined);
  assert.equal(unmasked.linux.readonlyPaths, undefined);
});

test('buildSpec adds HostConfig.Devices with their cgroup rules', () => {
  const spec = buildSpec(specInput({}, { Devices: [{ PathOnHost: '/dev/null', PathInContainer: '/dev/xnull', CgroupPermissions: 'r' }] }));
  assert.deepEqual(spec.linux.devices, [{ path: '/dev/xnull', type: 'c', major: 1, minor: 3, fileMode: 0o666, uid: 0, gid: 0 }]);
  assert.deepEqual(spec.linux.resources.devices.at(-1), { allow: true, type: 'c', major: 1, minor: 3, access: 'r' });
  assert.throws(() => buildSpec(specInput({}, { Devices: [{ PathOnHost: '/dev/nonexist' }] })),
    { status: 400, message: 'error gathering device information while adding custom device "/dev/nonexist": no such file or directory' });
});

test('buildSpec rejects bad options with Docker\'s messages', () => {
  const cases: [SpecHostConfig, string | RegExp][] = [
    [{ CapAdd: ['FOO'] }, 'invalid CapAdd: unknown capability: "CAP_FOO"'],
    [{ CapDrop: ['foo'] }, 'invalid CapDrop: unknown capability: "CAP_FOO"'],
    [{ Tmpfs: { '/t': 'foo' } }, 'invalid tmpfs option ["foo"]'],
    [{ IpcMode: 'foo' }, 'Invalid IPC mode: foo'],
    [{ SecurityOpt: ['foo'] }, 'invalid --security-opt 1: "foo"'],
    [{ SecurityOpt: ['bar=1'] }, 'invalid --security-opt 2: "bar=1"'],
    [{ NanoCpus: 1e9, CpuQuota: 1000 }, 'Conflicting options: Nano CPUs and CPU Quota cannot both be set'],
    [{ Tmpfs: { '/t': 'a=b' } }, 'invalid tmpfs option ["a" "b"]'],
    [{ Tmpfs: { rel: '' } }, "invalid mount path: 'rel' mount path must be absolute"],
    [{ SecurityOpt: ['seccomp=notjson'] }, /^Decoding seccomp profile failed: /],
  ];
  for (const [hc, message] of cases) assert.throws(() => buildSpec(specInput({}, hc)), { status: 400, message }, String(message));
  assert.deepEqual(buildSpec(specInput({}, { PidMode: 'foo', UTSMode: 'bar' })).linux.namespaces.map((n) => n.type), ['mount', 'network', 'uts', 'pid', 'ipc']);
  assert.throws(() => buildSpec(specInput({}, { PidMode: 'container:abc' })), { status: 404, message: 'No such container: abc' });
  const joined = buildSpec(specInput({ namespacePaths: { pid: '/proc/1/ns/pid' } }, { PidMode: 'container:abc' }));
  assert.ok(joined.linux.namespaces.some((n) => n.type === 'pid' && n.path === '/proc/1/ns/pid'));
});

test('a custom seccomp profile replaces the default; capabilities pick the profile\'s rules', () => {
  const custom = buildSpec(specInput({}, { SecurityOpt: [JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO' }] })].map((j) => `seccomp=${j}`) }));
  assert.deepEqual(custom.linux.seccomp, { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO' }] });
  const names = (hc: SpecHostConfig) => buildSpec(specInput({}, hc)).linux.seccomp?.syscalls.flatMap((s) => s.names) ?? [];
  assert.ok(!names({}).includes('unshare'));
  assert.ok(names({ CapAdd: ['SYS_ADMIN'] }).includes('unshare'));
  assert.ok(!names({}).includes('reboot'));
  assert.ok(names({ CapAdd: ['sys_boot'] }).includes('reboot'));
  assert.ok(names({}).includes('arch_prctl'));
  assert.ok(!names({}).includes('s390_runtime_instr'));
});

/** Builds overlay-style layer directories from {relative path: content | symlink | whiteout} maps. */
function layers(...specs: Record<string, string | { link: string } | 'whiteout' | 'opaque'>[]): string[] {
  const base = fs.mkdtempSync(path.join(work, 'layers-'));
  return specs.map((files, i) => {
    const dir = path.join(base, `l${i}`);
    fs.mkdirSync(dir);
    for (const [rel, what] of Object.entries(files)) {
      const p = path.join(dir, rel);
      fs.mkdirSync(path.dirname(p), { recursive: true });
      if (what === 'whiteout') execFileSync('mknod', [p, 'c', '0', '0']);
      else if (what === 'opaque') { fs.mkdirSync(p, { recursive: true }); setAttributeSync(p, 'trusted.overlay.opaque', 'y'); }
      else if (typeof what === 'object') fs.symlinkSync(what.link, p);
      else fs.writeFileSync(p, what);
    }
    return dir;
  });
}

test('resolveUser: the forms of User and Docker\'s errors', async () => {
  const l = layers({ 'etc/passwd': PASSWD, 'etc/group': GROUP });
  const cases: [string, number, number, number[]][] = [
    ['', 0, 0, [0, 10]], ['root', 0, 0, [0, 10]], ['user', 1000, 1000, [1000, 10]], ['1000', 1000, 1000, [1000, 10]],
    ['user:wheel', 1000, 10, [10]], ['1000:10', 1000, 10, [10]], ['1000:wheel', 1000, 10, [10]],
    ['user:5', 1000, 5, [5]], ['4242', 4242, 0, [0]], ['4242:users', 4242, 1000, [1000]],
  ];
  for (const [spec, uid, gid, additionalGids] of cases) {
    assert.deepEqual(await resolveUser(l, spec), { uid, gid, additionalGids }, spec);
  }
  assert.deepEqual(await resolveUser(l, 'user', ['77', 'wheel', 'root']), { uid: 1000, gid: 1000, additionalGids: [1000, 10, 77, 0] });
  await assert.rejects(resolveUser(l, 'nosuch'), { status: 400, message: 'unable to find user nosuch: no matching entries in passwd file' });
  await assert.rejects(resolveUser(l, 'user:nosuch'), { status: 400, message: 'unable to find group nosuch: no matching entries in group file' });
  await assert.rejects(resolveUser(l, 'user', ['nosuch']), { status: 400, message: 'Unable to find group nosuch: no matching entries in group file' });
  const empty = layers({ 'bin/sh': '' });
  assert.deepEqual(await resolveUser(empty, '5:6'), { uid: 5, gid: 6, additionalGids: [6] });
  assert.deepEqual(await resolveUser(empty, ''), { uid: 0, gid: 0, additionalGids: [0] });
  await assert.rejects(resolveUser(empty, 'user'), { message: 'unable to find user user: no matching entries in passwd file' });
});

test('resolveUser refuses a passwd file too large to hold in memory', async () => {
  const l = layers({ 'etc/group': GROUP });
  fs.writeFileSync(path.join(l[0], 'etc/passwd'), PASSWD);
  fs.truncateSync(path.join(l[0], 'etc/passwd'), 64 * 1024 * 1024 + 1);
  await assert.rejects(resolveUser(l, 'user'), { status: 400, message: '/etc/passwd in the container is too large to read (more than 64 MiB)' });
});

test('resolveUser walks the layers: top wins, whiteouts and opaque dirs hide, symlinks stay inside', async () => {
  const lower = { 'etc/passwd': PASSWD, 'etc/group': GROUP };
  const top = 'app:x:500:500::/:/bin/sh\n';
  assert.equal((await resolveUser(layers({ 'etc/passwd': top }, lower), 'app')).uid, 500);
  await assert.rejects(resolveUser(layers({ 'etc/passwd': top }, lower), 'user'), /unable to find user user/);
  assert.equal((await resolveUser(layers({ 'etc/hostname': 'x' }, lower), 'user')).uid, 1000);
  await assert.rejects(resolveUser(layers({ 'etc/.wh.passwd': '' }, lower), 'user'), /unable to find user user/);
  await assert.rejects(resolveUser(layers({ 'etc/passwd': 'whiteout' }, lower), 'user'), /unable to find user user/);
  await assert.rejects(resolveUser(layers({ etc: 'opaque' }, lower), 'user'), /unable to find user user/);
  await assert.rejects(resolveUser(layers({ 'etc/.wh..wh..opq': '' }, lower), 'user'), /unable to find user user/);
  assert.equal((await resolveUser(layers({ 'etc/x': '' }, { 'etc/.wh..wh..opq': '', 'etc/passwd': top }, lower), 'app')).uid, 500);
  // symlinks resolve in the merged view: absolute, relative, across layers, never outside
  assert.equal((await resolveUser(layers({ 'etc/passwd': { link: '/data/pw' } }, { 'data/pw': top }), 'app')).uid, 500);
  assert.equal((await resolveUser(layers({ etc: { link: 'private/etc' } }, { 'private/etc/passwd': top }), 'app')).gid, 500);
  const outside = path.join(work, 'outside-passwd');
  fs.writeFileSync(outside, 'evil:x:0:0::/:/bin/sh\n');
  const escape = layers({ 'etc/passwd': { link: `../../../../../../../../..${outside}` } });
  await assert.rejects(resolveUser(escape, 'evil'), /unable to find user evil/);
  const escapeAbs = layers({ 'etc/passwd': { link: outside } });
  await assert.rejects(resolveUser(escapeAbs, 'evil'), /unable to find user evil/);
  const loop = layers({ 'etc/passwd': { link: '/etc/passwd' } });
  await assert.rejects(resolveUser(loop, 'user'), /unable to find user user/);
});
