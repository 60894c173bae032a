// `image import`: a filesystem image from a tarball (file, URL or stdin).
import { createReadStream, existsSync } from 'node:fs';
import type { Command } from '../command.js';
import { StatusError } from '../context.js';
import { splitReference } from '../format/names.js';
import { displayProgress } from '../progress.js';

export const importCommand: Command = {
  name: 'import',
  usage: '[OPTIONS] file|URL|- [REPOSITORY[:TAG]]',
  short: 'Import the contents from a tarball to create a filesystem image',
  aliasPaths: ['image import', 'import'],
  args: { min: 1, max: 2 },
  flags: [
    { name: 'change', short: 'c', kind: 'list', usage: 'Apply Dockerfile instruction to the created image' },
    { name: 'message', short: 'm', kind: 'string', usage: 'Set commit message for imported image' },
    { name: 'platform', kind: 'string', usage: 'Set platform if server is multi-platform capable' },
  ],
  async run(cli, flags, [source, ref]) {
    const r = ref ? splitReference(ref) : undefined;
    const isUrl = /^https?:\/\//.test(source);
    if (!isUrl && source !== '-' && !existsSync(source)) throw new StatusError(1, `open ${source}: no such file or directory`);
    const res = await cli.engine.request('POST', '/images/create', {
      query: {
        fromSrc: isUrl ? source : '-',
        repo: r?.repo,
        tag: r?.tag,
        message: flags.string('message') || undefined,
        changes: flags.list('change'),
        platform: flags.string('platform') || undefined,
      },
      stream: isUrl ? undefined : source === '-' ? process.stdin : createReadStream(source),
    });
    await displayProgress(res, process.stdout);
  },
};
