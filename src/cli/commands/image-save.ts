// `image save`: images as a tar stream, to a file or a non-terminal stdout.
import type { Command } from '../command.js';
import { OUTPUT_FLAG, saveArchive } from './shared.js';

export const save: Command = {
  name: 'save',
  usage: '[OPTIONS] IMAGE [IMAGE...]',
  short: 'Save one or more images to a tar archive (streamed to STDOUT by default)',
  aliasPaths: ['image save', 'save'],
  args: { min: 1 },
  flags: [OUTPUT_FLAG],
  async run(cli, flags, args) {
    await saveArchive(flags.string('output'), () => cli.engine.request('GET', '/images/get', { query: { names: args } }));
  },
};
