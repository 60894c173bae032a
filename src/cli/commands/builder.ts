// The `builder` group: build cache maintenance.
import type { Command } from '../command.js';
import { filtersJSON } from '../format/names.js';
import { humanSize, parseBytes } from '../format/units.js';
import { confirm } from './shared.js';

export const builderPrune: Command = {
  name: 'prune',
  usage: '',
  short: 'Remove build cache',
  args: { min: 0, max: 0 },
  flags: [
    { name: 'all', short: 'a', kind: 'bool', usage: 'Remove all unused build cache, not just dangling ones' },
    { name: 'filter', kind: 'list', typeName: 'filter', usage: 'Provide filter values (e.g. "until=24h")' },
    { name: 'force', short: 'f', kind: 'bool', usage: 'Do not prompt for confirmation' },
    { name: 'keep-storage', kind: 'string', typeName: 'bytes', usage: 'Amount of disk space to keep for cache' },
  ],
  async run(cli, flags) {
    const warning = flags.bool('all') ? 'WARNING! This will remove all build cache.' : 'WARNING! This will remove all dangling build cache.';
    if (!flags.bool('force') && !(await confirm(cli, warning))) return 0;
    const keep = flags.string('keep-storage');
    const r = await cli.engine.json<{ CachesDeleted: string[] | null; SpaceReclaimed: number }>('POST', '/build/prune', {
      query: { all: flags.bool('all') || undefined, filters: filtersJSON(flags.list('filter')), 'keep-storage': keep ? parseBytes(keep) : undefined },
    });
    let out = '';
    if (r.CachesDeleted?.length) out += `Deleted build cache objects:\n${r.CachesDeleted.join('\n')}\n\n`;
    cli.out(`${out}Total reclaimed space: ${humanSize(r.SpaceReclaimed)}\n`);
    return 0;
  },
};

export const commands: Command[] = [builderPrune];
