// `container export`: a container's filesystem as a tar stream.
import { createWriteStream } from 'node:fs';
import type { Command } from '../command.js';
import { StatusError } from '../context.js';
import { enc, pipeAll } from './shared.js';

export const exportCommand: Command = {
  name: 'export',
  usage: '[OPTIONS] CONTAINER',
  short: "Export a container's filesystem as a tar archive",
  aliasPaths: ['container export', 'export'],
  args: { min: 1, max: 1 },
  flags: [{ name: 'output', short: 'o', kind: 'string', usage: 'Write to a file, instead of STDOUT' }],
  async run(cli, flags, [name]) {
    const out = flags.string('output');
    if (!out && process.stdout.isTTY) {
      throw new StatusError(1, 'cowardly refusing to save to a terminal. Use the -o flag or redirect');
    }
    const res = await cli.engine.request('GET', `/containers/${enc(name)}/export`);
    await pipeAll(res, out ? createWriteStream(out) : process.stdout);
  },
};
