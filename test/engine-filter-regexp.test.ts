// Name filters are Go regular expressions run by an RE2-semantics engine: a pattern that makes a
// backtracking engine take exponential time (here 2^40 steps) answers at once, Go's syntax works,
// and the daemon keeps serving.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEngine, type Engine } from './harness.js';

let e: Engine;
before(async () => { e = await startEngine(); });
after(async () => { await e?.stop(); });

test('ps --filter name= with a catastrophic-backtracking pattern answers, with Go syntax', async () => {
  const name = `${'a'.repeat(40)}_${e.name('re')}`;
  const r = await e.docker(['create', '--name', name, 'busybox', 'true']);
  assert.equal(r.code, 0, r.stderr);
  const ps = (filter: string) => e.docker(['ps', '-a', '--filter', `name=${filter}`, '--format', '{{.Names}}']);
  const slow = await ps('^(a+)+$');
  assert.equal(slow.code, 0, slow.stderr);
  assert.equal(slow.stdout, '', 'the name has a suffix, so the anchored pattern matches nothing');
  const insensitive = await ps(`(?i)^A{40}_${e.prefix.toUpperCase()}`);
  assert.equal(insensitive.stdout.trim(), name, 'Go flags such as (?i) are understood');
  const classes = await ps(`^\\pL{40}_`);
  assert.equal(classes.stdout.trim(), name, 'Go character classes such as \\pL are understood');
  assert.equal((await e.docker(['version', '--format', '{{.Server.Version}}'])).code, 0, 'berthd still serves');
});
