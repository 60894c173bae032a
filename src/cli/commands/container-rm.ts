// `container rm`: removes containers; with --force, missing ones do not fail the command.
import type { Command } from '../command.js';
import { StatusError } from '../context.js';
import { enc, forEachName } from './shared.js';

export const rm: Command = {
  name: 'rm',
  aliases: ['remove'],
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  short: 'Remove one or more containers',
  aliasPaths: ['container rm', 'container remove', 'rm'],
  args: { min: 1 },
  flags: [
    { name: 'force', short: 'f', kind: 'bool', usage: 'Force the removal of a running container (uses SIGKILL)' },
    { name: 'link', short: 'l', kind: 'bool', usage: 'Remove the specified link' },
    { name: 'volumes', short: 'v', kind: 'bool', usage: 'Remove anonymous volumes associated with the container' },
  ],
  async run(cli, flags, args) {
    const force = flags.bool('force');
    try {
      return await forEachName(cli, args, (n) =>
        cli.engine.call('DELETE', `/containers/${enc(n)}`, {
          query: { force: force || undefined, v: flags.bool('volumes') || undefined, link: flags.bool('link') || undefined },
        }),
      );
    } catch (e) {
      // With --force, missing containers are reported but do not fail the command.
      if (force && e instanceof StatusError && e.message.split('\n').every((l) => /No such container/.test(l))) {
        cli.err(`${e.message}\n`);
        return 0;
      }
      throw e;
    }
  },
};
