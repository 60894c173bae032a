// `container kill`: sends a signal to each named container.
import type { Command } from '../command.js';
import { enc, forEachName } from './shared.js';

export const kill: Command = {
  name: 'kill',
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  short: 'Kill one or more running containers',
  aliasPaths: ['container kill', 'kill'],
  args: { min: 1 },
  flags: [{ name: 'signal', short: 's', kind: 'string', usage: 'Signal to send to the container' }],
  run: (cli, flags, args) =>
    forEachName(cli, args, (n) =>
      cli.engine.call('POST', `/containers/${enc(n)}/kill`, { query: { signal: flags.string('signal') || undefined } }),
    ),
};
