// `image load`: images from a tar archive, a file or stdin.
import { createReadStream, existsSync } from 'node:fs';
import type { Command } from '../command.js';
import { StatusError } from '../context.js';
import { displayProgress } from '../progress.js';
import { pipeAll } from './shared.js';

export const load: Command = {
  name: 'load',
  usage: '[OPTIONS]',
  short: 'Load an image from a tar archive or STDIN',
  aliasPaths: ['image load', 'load'],
  args: { min: 0, max: 0 },
  flags: [
    { name: 'input', short: 'i', kind: 'string', usage: 'Read from tar archive file, instead of STDIN' },
    { name: 'quiet', short: 'q', kind: 'bool', usage: 'Suppress the load output' },
  ],
  async run(cli, flags) {
    const input = flags.string('input');
    if (!input && process.stdin.isTTY) {
      throw new StatusError(1, 'requested load from stdin, but stdin is empty');
    }
    if (input && !existsSync(input)) throw new StatusError(1, `open ${input}: no such file or directory`);
    const quiet = flags.bool('quiet') || !process.stdout.isTTY;
    const res = await cli.engine.request('POST', '/images/load', {
      query: { quiet: quiet ? 1 : undefined },
      stream: input ? createReadStream(input) : process.stdin,
      contentType: 'application/x-tar',
    });
    if (res.headers['content-type'] === 'application/json') await displayProgress(res, process.stdout);
    else await pipeAll(res, process.stdout);
  },
};
