// `image inspect`.
import type { Command } from '../command.js';
import { inspectObjects, rawGetter } from '../inspect.js';
import { formatFlag } from './shared.js';

export const imageInspect: Command = {
  name: 'inspect',
  usage: '[OPTIONS] IMAGE [IMAGE...]',
  short: 'Display detailed information on one or more images',
  args: { min: 1 },
  flags: [formatFlag(false, 'f')],
  run: (cli, flags, args) =>
    inspectObjects(cli, args, rawGetter(cli, (n) => `/images/${n}/json`), { format: flags.string('format') }),
};
