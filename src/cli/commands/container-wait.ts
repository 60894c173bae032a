// `container wait`: prints the exit code of each container once it stops.
import type { Command } from '../command.js';
import { enc, forEachName } from './shared.js';

export const wait: Command = {
  name: 'wait',
  usage: 'CONTAINER [CONTAINER...]',
  short: 'Block until one or more containers stop, then print their exit codes',
  aliasPaths: ['container wait', 'wait'],
  args: { min: 1 },
  flags: [],
  run: (cli, _f, args) =>
    forEachName(cli, args, async (n) => {
      const r = await cli.engine.json<{ StatusCode: number }>('POST', `/containers/${enc(n)}/wait`);
      return String(r.StatusCode);
    }),
};
