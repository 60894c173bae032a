// Bundles the berth CLI. dist/berth.mjs: one ES module (one file read at start-up); tar-stream
// stays external there since only `cp` needs it. dist/berth.blob: a V8 start-up snapshot of a
// CommonJS bundle (src/cli/snapshot-entry.ts) with the code already loaded and compiled, which
// bin/berth prefers: it starts measurably faster. The blob only works with the node binary that
// built it, so `make build` rebuilds it.
import { execFileSync } from 'node:child_process';
import { renameSync } from 'node:fs';
import { build } from 'esbuild';

const common = { bundle: true, platform: 'node', target: 'node20', minify: true, legalComments: 'none', logLevel: 'warning' };

await build({ ...common, entryPoints: ['src/cli/entry.ts'], outfile: 'dist/berth.mjs', format: 'esm', external: ['tar-stream'] });

// A snapshot can only require() built-in modules at run time (no import()), so everything is
// bundled in and dynamic imports become require calls.
await build({ ...common, entryPoints: ['src/cli/snapshot-entry.ts'], outfile: 'dist/berth-snapshot.cjs', format: 'cjs', supported: { 'dynamic-import': false } });
// Written aside and renamed: a berth started meanwhile (tests rebuild while others run) sees
// either the old blob or the new one, never half of one.
const blob = `dist/berth.blob.${process.pid}`;
execFileSync(process.execPath, ['--snapshot-blob', blob, '--build-snapshot', 'dist/berth-snapshot.cjs'], { stdio: 'inherit' });
renameSync(blob, 'dist/berth.blob');
