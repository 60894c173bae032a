// `image tag`.
import type { Command } from '../command.js';
import { splitReference } from '../format/names.js';
import { enc } from './shared.js';

export const tag: Command = {
  name: 'tag',
  usage: 'SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]',
  short: 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE',
  aliasPaths: ['image tag', 'tag'],
  args: { min: 2, max: 2 },
  flags: [],
  async run(cli, _f, [source, target]) {
    const r = splitReference(target);
    await cli.engine.call('POST', `/images/${enc(source)}/tag`, { query: { repo: r.repo, tag: r.tag ?? 'latest' } });
  },
};
