// `container restart`: stop (with the same signal and timeout flags), then start.
import type { Command } from '../command.js';
import { stopFlags, stopQuery } from './container-stop.js';
import { enc, forEachName } from './shared.js';

export const restart: Command = {
  name: 'restart',
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  short: 'Restart one or more containers',
  aliasPaths: ['container restart', 'restart'],
  args: { min: 1 },
  flags: stopFlags,
  run: (cli, flags, args) =>
    forEachName(cli, args, (n) => cli.engine.call('POST', `/containers/${enc(n)}/restart`, { query: stopQuery(flags) })),
};
