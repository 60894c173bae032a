// `-v` strings and --mount entries parsed as Docker's Linux parser parses them, messages included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBind, parseMount, parseVolumesFrom } from '../src/volume/mount-spec.js';

test('-v forms: anonymous, named, bind, modes and propagation', () => {
  assert.deepEqual(parseBind('/data'), { Type: 'volume', Source: '', Destination: '/data', Name: '', Driver: 'local', Mode: 'z', RW: true, Propagation: '', CopyData: true });
  assert.deepEqual(parseBind('name:/d/:ro,nocopy'), { Type: 'volume', Source: '', Destination: '/d', Name: 'name', Driver: 'local', Mode: 'ro,nocopy', RW: false, Propagation: '', CopyData: false });
  assert.deepEqual(parseBind('/host//dir:/c:rslave,Z'), { Type: 'bind', Source: '/host/dir', Destination: '/c', Mode: 'rslave,Z', RW: true, Propagation: 'rslave', CreateSource: true });
  assert.equal(parseBind('/h:/c').Propagation, 'rprivate');
});

test("-v mistakes get Docker's messages", () => {
  const cases: [string, string][] = [
    ['/x:rw', "invalid volume specification: '/x:rw'"],
    ['a:/x:bogus', 'invalid mode: bogus'],
    ['a:/x:ro,rw', 'invalid mode: ro,rw'],
    ['a:b:c:d', "invalid volume specification: 'a:b:c:d'"],
    ['name:x', `invalid volume specification: 'name:x': invalid mount config for type "volume": invalid mount path: 'x' mount path must be absolute`],
    ['name:/', `invalid volume specification: 'name:/': invalid mount config for type "volume": invalid specification: destination can't be '/'`],
    [':/x', "invalid volume specification: ':/x'"],
    ['v:/x:rshared', `invalid volume specification: 'v:/x:rshared': invalid mount config for type "volume": field BindOptions must not be specified`],
  ];
  for (const [raw, message] of cases) assert.throws(() => parseBind(raw), { status: 400, message }, raw);
});

test('--mount entries: every type, and what each refuses', () => {
  assert.deepEqual(parseMount({ Type: 'tmpfs', Target: '/t', TmpfsOptions: { SizeBytes: 1 << 20, Mode: 0o1770, Options: [['noatime']] } }),
    { Type: 'tmpfs', Source: '', Destination: '/t', Mode: '', RW: true, Propagation: '', TmpfsSize: 1 << 20, TmpfsMode: 0o1770, TmpfsFlags: ['noatime'] });
  assert.equal(parseMount({ Type: 'volume', Target: '/v', VolumeOptions: { Subpath: 'a/b/' } }).Subpath, 'a/b');
  assert.equal(parseMount({ Type: 'bind', Source: '/s', Target: '/b', BindOptions: { NonRecursive: true } }).NonRecursive, true);
  const cases: [Record<string, unknown>, string][] = [
    [{ Type: 'bind', Source: 'rel', Target: '/b' }, `invalid mount config for type "bind": invalid mount path: 'rel' mount path must be absolute`],
    [{ Type: 'bind', Source: '/s', Target: '/b', VolumeOptions: {} }, 'invalid mount config for type "bind": field VolumeOptions must not be specified'],
    [{ Type: 'volume', Target: '/v', BindOptions: {} }, 'invalid mount config for type "volume": field BindOptions must not be specified'],
    [{ Type: 'volume', Target: '/v', VolumeOptions: { Subpath: '/abs' } }, "invalid mount config for type \"volume\": subpath must be a relative path within the volume: '/abs'"],
    [{ Type: 'volume', Target: '' }, 'invalid mount config for type "volume": field Target must not be empty'],
    [{ Type: 'image', Target: '/i' }, 'invalid mount config for type "image": field Source must not be empty'],
    [{ Type: 'tmpfs', Target: '/t', TmpfsOptions: { SizeBytes: -1 } }, 'invalid mount config for type "tmpfs": invalid tmpfs size: -1'],
    [{ Type: 'volume', Target: '/v', Colour: 'red' }, 'invalid mount config: unknown field "Colour"'],
    [{ Type: 'volume', Target: '/v', VolumeOptions: { Shiny: true } }, 'invalid mount config: unknown field "VolumeOptions.Shiny"'],
  ];
  for (const [m, message] of cases) assert.throws(() => parseMount(m), { status: 400, message }, JSON.stringify(m));
});

test('--volumes-from: a container and an optional ro/rw', () => {
  assert.deepEqual(parseVolumesFrom('web'), { container: 'web' });
  assert.deepEqual(parseVolumesFrom('web:ro'), { container: 'web', rw: false });
  assert.throws(() => parseVolumesFrom('web:z'), { status: 400, message: 'invalid mode: z' });
});
