// Entry point of the V8 start-up snapshot (dist/berth-<node>-<arch>.blob, see scripts/bundle-cli.mjs):
// the CLI's code is loaded and compiled when the snapshot is built; each run only deserializes it and
// calls main.
// No CLI module may read the environment at load time: that would be frozen into the snapshot.
import { startupSnapshot } from 'node:v8';
import { main } from './main.js';
import { groups } from './registry.js';

// Command modules are loaded now too, so that a run finds them compiled (measured: ~5 ms less for `ps`).
void Promise.all(Object.values(groups).map((g) => g.load()));

startupSnapshot.setDeserializeMainFunction(() => {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => process.exit(e.code === 'EPIPE' ? 0 : 1));
  }
  // bin/berth runs `node --snapshot-blob dist/berth-….blob -- ARGS`: argv is [node, ...ARGS].
  main(process.argv.slice(1)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    },
  );
});
