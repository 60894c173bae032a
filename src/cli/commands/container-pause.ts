// `container pause` and `container unpause`.
import type { Command } from '../command.js';
import { enc, forEachName } from './shared.js';

export const pause: Command = {
  name: 'pause',
  usage: 'CONTAINER [CONTAINER...]',
  short: 'Pause all processes within one or more containers',
  aliasPaths: ['container pause', 'pause'],
  args: { min: 1 },
  flags: [],
  run: (cli, _f, args) => forEachName(cli, args, (n) => cli.engine.call('POST', `/containers/${enc(n)}/pause`)),
};

export const unpause: Command = {
  name: 'unpause',
  usage: 'CONTAINER [CONTAINER...]',
  short: 'Unpause all processes within one or more containers',
  aliasPaths: ['container unpause', 'unpause'],
  args: { min: 1 },
  flags: [],
  run: (cli, _f, args) => forEachName(cli, args, (n) => cli.engine.call('POST', `/containers/${enc(n)}/unpause`)),
};
