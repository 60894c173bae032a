// Bundles the berth CLI into one ES module (dist/berth.mjs) so it starts with a single file
// read. tar-stream stays external: only `cp` needs it and it is imported on demand from
// node_modules, which keeps the bundle (and every start-up) smaller.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli/entry.ts'],
  outfile: 'dist/berth.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  external: ['tar-stream'],
  logLevel: 'warning',
});
