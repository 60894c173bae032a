// `container prune`: removes stopped containers after confirmation.
import type { Command } from '../command.js';
import { filtersJSON } from '../format/names.js';
import { humanSize } from '../format/units.js';
import { confirm } from './shared.js';

export const prune: Command = {
  name: 'prune',
  usage: '[OPTIONS]',
  short: 'Remove all stopped containers',
  args: { min: 0, max: 0 },
  flags: [
    { name: 'filter', kind: 'list', typeName: 'filter', usage: 'Provide filter values (e.g. "until=<timestamp>")' },
    { name: 'force', short: 'f', kind: 'bool', usage: 'Do not prompt for confirmation' },
  ],
  async run(cli, flags) {
    if (!flags.bool('force') && !(await confirm(cli, 'WARNING! This will remove all stopped containers.'))) return 0;
    const r = await cli.engine.json<{ ContainersDeleted: string[] | null; SpaceReclaimed: number }>('POST', '/containers/prune', {
      query: { filters: filtersJSON(flags.list('filter')) },
    });
    let out = '';
    if (r.ContainersDeleted?.length) out += `Deleted Containers:\n${r.ContainersDeleted.join('\n')}\n\n`;
    out += `Total reclaimed space: ${humanSize(r.SpaceReclaimed)}\n`;
    cli.out(out);
    return 0;
  },
};
