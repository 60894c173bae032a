// `container export`: a container's filesystem as a tar stream.
import type { Command } from '../command.js';
import { enc, OUTPUT_FLAG, saveArchive } from './shared.js';

export const exportCommand: Command = {
  name: 'export',
  usage: '[OPTIONS] CONTAINER',
  short: "Export a container's filesystem as a tar archive",
  aliasPaths: ['container export', 'export'],
  args: { min: 1, max: 1 },
  flags: [OUTPUT_FLAG],
  async run(cli, flags, [name]) {
    await saveArchive(flags.string('output'), () => cli.engine.request('GET', `/containers/${enc(name)}/export`));
  },
};
