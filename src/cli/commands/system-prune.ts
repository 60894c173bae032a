// `system prune`: prunes containers, networks, (volumes,) images in that order.
import type { Command } from '../command.js';
import { filtersJSON } from '../format/names.js';
import { humanSize } from '../format/units.js';
import { confirm } from './shared.js';

export const systemPrune: Command = {
  name: 'prune',
  usage: '[OPTIONS]',
  short: 'Remove unused data',
  args: { min: 0, max: 0 },
  flags: [
    { name: 'all', short: 'a', kind: 'bool', usage: 'Remove all unused images not just dangling ones' },
    { name: 'filter', kind: 'list', typeName: 'filter', usage: 'Provide filter values (e.g. "label=<key>=<value>")' },
    { name: 'force', short: 'f', kind: 'bool', usage: 'Do not prompt for confirmation' },
    { name: 'volumes', kind: 'bool', usage: 'Prune anonymous volumes' },
  ],
  async run(cli, flags) {
    const all = flags.bool('all');
    const items = ['all stopped containers', 'all networks not used by at least one container'];
    if (flags.bool('volumes')) items.push('all anonymous volumes not used by at least one container');
    items.push(all ? 'all images without at least one container associated to them' : 'all dangling images');
    items.push(all ? 'all build cache' : 'unused build cache');
    const warning = `WARNING! This will remove:\n${items.map((i) => `  - ${i}`).join('\n')}\n`;
    if (!flags.bool('force') && !(await confirm(cli, warning))) return 0;
    const filters = filtersJSON(flags.list('filter'));
    let space = 0;
    let out = '';
    const c = await cli.engine.json<{ ContainersDeleted: string[] | null; SpaceReclaimed: number }>('POST', '/containers/prune', { query: { filters } });
    if (c.ContainersDeleted?.length) out += `Deleted Containers:\n${c.ContainersDeleted.join('\n')}\n\n`;
    space += c.SpaceReclaimed;
    const n = await cli.engine.json<{ NetworksDeleted: string[] | null }>('POST', '/networks/prune', { query: { filters } });
    if (n.NetworksDeleted?.length) out += `Deleted Networks:\n${n.NetworksDeleted.join('\n')}\n\n`;
    if (flags.bool('volumes')) {
      const v = await cli.engine.json<{ VolumesDeleted: string[] | null; SpaceReclaimed: number }>('POST', '/volumes/prune', { query: { filters } });
      if (v.VolumesDeleted?.length) out += `Deleted Volumes:\n${v.VolumesDeleted.join('\n')}\n\n`;
      space += v.SpaceReclaimed;
    }
    const imgFilters = filtersJSON([...flags.list('filter'), `dangling=${all ? 'false' : 'true'}`]);
    const i = await cli.engine.json<{ ImagesDeleted: Array<{ Untagged?: string; Deleted?: string }> | null; SpaceReclaimed: number }>('POST', '/images/prune', { query: { filters: imgFilters } });
    if (i.ImagesDeleted?.length) {
      out += 'Deleted Images:\n';
      for (const d of i.ImagesDeleted) out += d.Untagged ? `untagged: ${d.Untagged}\n` : `deleted: ${d.Deleted}\n`;
      out += '\n';
    }
    space += i.SpaceReclaimed;
    cli.out(`${out}Total reclaimed space: ${humanSize(space)}\n`);
    return 0;
  },
};
