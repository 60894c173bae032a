// `image pull`.
import { jsonMessages } from '../../client/engine.js';
import type { Command } from '../command.js';
import { StatusError } from '../context.js';
import { splitReference } from '../format/names.js';
import { displayProgress } from '../progress.js';
import { registryAuthHeader, withDefaultTag } from '../registry-auth.js';

export const pull: Command = {
  name: 'pull',
  usage: '[OPTIONS] NAME[:TAG|@DIGEST]',
  short: 'Download an image from a registry',
  aliasPaths: ['image pull', 'pull'],
  args: { min: 1, max: 1 },
  flags: [
    { name: 'all-tags', short: 'a', kind: 'bool', usage: 'Download all tagged images in the repository' },
    { name: 'disable-content-trust', kind: 'bool', usage: 'Skip image verification', default: true },
    { name: 'platform', kind: 'string', usage: 'Set platform if server is multi-platform capable' },
    { name: 'quiet', short: 'q', kind: 'bool', usage: 'Suppress verbose output' },
  ],
  async run(cli, flags, [name]) {
    const r = splitReference(name);
    const all = flags.bool('all-tags');
    if (!r.tag && !r.digest && !all) cli.out('Using default tag: latest\n');
    const res = await cli.engine.request('POST', '/images/create', {
      query: { fromImage: r.repo, tag: all ? undefined : (r.digest ?? r.tag ?? 'latest'), platform: flags.string('platform') || undefined },
      headers: registryAuthHeader(cli, name),
    });
    if (flags.bool('quiet')) {
      for await (const m of jsonMessages(res)) if (m.error) throw new StatusError(1, m.errorDetail?.message ?? m.error);
    } else await displayProgress(res, process.stdout);
    cli.out(`${all ? r.repo : withDefaultTag(name)}\n`);
  },
};
