// `image rm` (rmi): untags and deletes images, reporting each failure.
import { ApiError } from '../../client/errors.js';
import type { Command } from '../command.js';
import { StatusError } from '../context.js';
import { enc } from './shared.js';

export const rmi: Command = {
  name: 'rm',
  aliases: ['remove', 'rmi'],
  usage: '[OPTIONS] IMAGE [IMAGE...]',
  short: 'Remove one or more images',
  aliasPaths: ['image rm', 'image remove', 'rmi'],
  args: { min: 1 },
  flags: [
    { name: 'force', short: 'f', kind: 'bool', usage: 'Force removal of the image' },
    { name: 'no-prune', kind: 'bool', usage: 'Do not delete untagged parents' },
  ],
  async run(cli, flags, args) {
    const errors: string[] = [];
    for (const name of args) {
      try {
        const items = await cli.engine.json<Array<{ Untagged?: string; Deleted?: string }>>('DELETE', `/images/${enc(name)}`, {
          query: { force: flags.bool('force') || undefined, noprune: flags.bool('no-prune') || undefined },
        });
        cli.out(items.map((i) => (i.Untagged ? `Untagged: ${i.Untagged}\n` : `Deleted: ${i.Deleted}\n`)).join(''));
      } catch (e) {
        if (e instanceof ApiError) errors.push(`Error response from daemon: ${e.message}`);
        else throw e;
      }
    }
    if (errors.length) throw new StatusError(1, errors.join('\n'));
    return 0;
  },
};
