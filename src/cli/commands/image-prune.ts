// `image prune`: removes dangling (or, with --all, unused) images after confirmation.
import type { Command } from '../command.js';
import { filtersJSON } from '../format/names.js';
import { humanSize } from '../format/units.js';
import { confirm } from './shared.js';

export const imagePrune: Command = {
  name: 'prune',
  usage: '[OPTIONS]',
  short: 'Remove unused images',
  args: { min: 0, max: 0 },
  flags: [
    { name: 'all', short: 'a', kind: 'bool', usage: 'Remove all unused images, not just dangling ones' },
    { name: 'filter', kind: 'list', typeName: 'filter', usage: 'Provide filter values (e.g. "until=<timestamp>")' },
    { name: 'force', short: 'f', kind: 'bool', usage: 'Do not prompt for confirmation' },
  ],
  async run(cli, flags) {
    const all = flags.bool('all');
    const warning = all
      ? 'WARNING! This will remove all images without at least one container associated to them.'
      : 'WARNING! This will remove all dangling images.';
    if (!flags.bool('force') && !(await confirm(cli, warning))) return 0;
    const filters = [...flags.list('filter'), `dangling=${all ? 'false' : 'true'}`];
    const r = await cli.engine.json<{ ImagesDeleted: Array<{ Untagged?: string; Deleted?: string }> | null; SpaceReclaimed: number }>(
      'POST',
      '/images/prune',
      { query: { filters: filtersJSON(filters) } },
    );
    let out = '';
    if (r.ImagesDeleted?.length) {
      out += 'Deleted Images:\n';
      for (const i of r.ImagesDeleted) out += i.Untagged ? `untagged: ${i.Untagged}\n` : `deleted: ${i.Deleted}\n`;
      out += '\n';
    }
    cli.out(`${out}Total reclaimed space: ${humanSize(r.SpaceReclaimed)}\n`);
    return 0;
  },
};
