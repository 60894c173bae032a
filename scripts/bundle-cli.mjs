// Bundles the berth CLI. dist/berth.mjs: one ES module (one file read at start-up); tar-stream
// stays external there since only `cp` needs it. dist/berth-<node version>-<arch>.blob: a V8
// start-up snapshot of a CommonJS bundle (src/cli/snapshot-entry.ts) with the code already loaded
// and compiled, which bin/berth prefers: it starts measurably faster. A blob only works with the
// node that built it (any other refuses to start), so the build also links
// dist/berth-<node version>-<arch>.node to that node binary: bin/berth uses a blob only when the
// node it is about to run is that very file, unchanged since, and else runs the bundle.
import { execFileSync } from 'node:child_process';
import { renameSync, rmSync, symlinkSync } from 'node:fs';
import { build } from 'esbuild';

const common = { bundle: true, platform: 'node', target: 'node20', minify: true, legalComments: 'none', logLevel: 'warning' };

await build({ ...common, entryPoints: ['src/cli/entry.ts'], outfile: 'dist/berth.mjs', format: 'esm', external: ['tar-stream'] });

// A snapshot can only require() built-in modules at run time (no import()), so everything is
// bundled in and dynamic imports become require calls.
await build({ ...common, entryPoints: ['src/cli/snapshot-entry.ts'], outfile: 'dist/berth-snapshot.cjs', format: 'cjs', supported: { 'dynamic-import': false } });
// Written aside and renamed: a berth started meanwhile (tests rebuild while others run) sees
// either the old blob or the new one, never half of one.
// The link is replaced after the blob, so a blob is never newer than the node its link names.
const key = `dist/berth-${process.version}-${process.arch}`;
const tmp = `${key}.${process.pid}`;
execFileSync(process.execPath, ['--snapshot-blob', `${tmp}.blob`, '--build-snapshot', 'dist/berth-snapshot.cjs'], { stdio: 'inherit' });
renameSync(`${tmp}.blob`, `${key}.blob`);
rmSync(`${tmp}.node`, { force: true });
symlinkSync(process.execPath, `${tmp}.node`);
renameSync(`${tmp}.node`, `${key}.node`);
