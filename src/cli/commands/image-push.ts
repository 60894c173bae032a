// `image push`.
import { jsonMessages } from '../../client/engine.js';
import type { Command } from '../command.js';
import { StatusError } from '../context.js';
import { splitReference } from '../format/names.js';
import { displayProgress } from '../progress.js';
import { registryAuthHeader, withDefaultTag } from '../registry-auth.js';
import { enc } from './shared.js';

export const push: Command = {
  name: 'push',
  usage: '[OPTIONS] NAME[:TAG]',
  short: 'Upload an image to a registry',
  aliasPaths: ['image push', 'push'],
  args: { min: 1, max: 1 },
  flags: [
    { name: 'all-tags', short: 'a', kind: 'bool', usage: 'Push all tags of an image to the repository' },
    { name: 'disable-content-trust', kind: 'bool', usage: 'Skip image signing', default: true },
    { name: 'quiet', short: 'q', kind: 'bool', usage: 'Suppress verbose output' },
  ],
  async run(cli, flags, [name]) {
    const r = splitReference(name);
    const all = flags.bool('all-tags');
    if (!r.tag && !all) cli.out('Using default tag: latest\n');
    const res = await cli.engine.request('POST', `/images/${enc(r.repo)}/push`, {
      query: { tag: all ? undefined : (r.tag ?? 'latest') },
      headers: registryAuthHeader(cli, name),
    });
    if (flags.bool('quiet')) {
      for await (const m of jsonMessages(res)) if (m.error) throw new StatusError(1, m.errorDetail?.message ?? m.error);
      cli.out(`${withDefaultTag(name)}\n`);
    } else await displayProgress(res, process.stdout);
  },
};
