// `image save`: images as a tar stream, to a file or a non-terminal stdout.
import { createWriteStream } from 'node:fs';
import type { Command } from '../command.js';
import { StatusError } from '../context.js';
import { pipeAll } from './shared.js';

export const save: Command = {
  name: 'save',
  usage: '[OPTIONS] IMAGE [IMAGE...]',
  short: 'Save one or more images to a tar archive (streamed to STDOUT by default)',
  aliasPaths: ['image save', 'save'],
  args: { min: 1 },
  flags: [{ name: 'output', short: 'o', kind: 'string', usage: 'Write to a file, instead of STDOUT' }],
  async run(cli, flags, args) {
    const out = flags.string('output');
    if (!out && process.stdout.isTTY) {
      throw new StatusError(1, 'cowardly refusing to save to a terminal. Use the -o flag or redirect');
    }
    const res = await cli.engine.request('GET', '/images/get', { query: { names: args } });
    await pipeAll(res, out ? createWriteStream(out) : process.stdout);
  },
};
