// `container commit`: creates an image from a container's changes.
import type { Command } from '../command.js';

export const commit: Command = {
  name: 'commit',
  usage: '[OPTIONS] CONTAINER [REPOSITORY[:TAG]]',
  short: "Create a new image from a container's changes",
  aliasPaths: ['container commit', 'commit'],
  args: { min: 1, max: 2 },
  flags: [
    { name: 'author', short: 'a', kind: 'string', usage: 'Author (e.g., "John Hannibal Smith <hannibal@a-team.com>")' },
    { name: 'change', short: 'c', kind: 'list', usage: 'Apply Dockerfile instruction to the created image' },
    { name: 'message', short: 'm', kind: 'string', usage: 'Commit message' },
    { name: 'pause', short: 'p', kind: 'bool', usage: 'Pause container during commit', default: true },
  ],
  async run(cli, flags, [name, ref]) {
    let repo: string | undefined;
    let tag: string | undefined;
    if (ref) {
      const slash = ref.lastIndexOf('/');
      const colon = ref.lastIndexOf(':');
      if (colon > slash) {
        repo = ref.slice(0, colon);
        tag = ref.slice(colon + 1);
      } else repo = ref;
    }
    const r = await cli.engine.json<{ Id: string }>('POST', '/commit', {
      query: {
        container: name,
        repo,
        tag,
        author: flags.string('author') || undefined,
        comment: flags.string('message') || undefined,
        pause: flags.bool('pause'),
        changes: flags.list('change'),
      },
      body: {},
    });
    cli.out(`${r.Id}\n`);
  },
};
