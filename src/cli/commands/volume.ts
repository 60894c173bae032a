// The `volume` management group; `export` and `import` (a volume's content as a tar) are berth's own.
import { createReadStream, existsSync } from 'node:fs';
import type { Command } from '../command.js';
import { renderList, rowContext } from '../format/list.js';
import { keyValues, filtersJSON } from '../format/names.js';
import { humanSize } from '../format/units.js';
import { inspectObjects, rawGetter } from '../inspect.js';
import { StatusError } from '../context.js';
import { confirm, forEachName, formatFlag, OUTPUT_FLAG, saveArchive } from './shared.js';

interface Volume {
  Name: string;
  Driver: string;
  Mountpoint: string;
  Scope: string;
  Labels: Record<string, string> | null;
  UsageData?: { Size: number; RefCount: number } | null;
}


export const volumeCreate: Command = {
  name: 'create',
  usage: '[OPTIONS] [VOLUME]',
  short: 'Create a volume',
  args: { max: 1 },
  flags: [
    { name: 'driver', short: 'd', kind: 'string', usage: 'Specify volume driver name', default: 'local' },
    { name: 'label', kind: 'list', usage: 'Set metadata for a volume' },
    { name: 'opt', short: 'o', kind: 'list', typeName: 'map', usage: 'Set driver specific options', default: 'map[]' },
  ],
  async run(cli, flags, [name]) {
    const v = await cli.engine.json<Volume>('POST', '/volumes/create', {
      body: { Name: name ?? '', Driver: flags.string('driver'), DriverOpts: keyValues(flags.list('opt')), Labels: keyValues(flags.list('label')) },
    });
    cli.out(`${v.Name}\n`);
  },
};

export const volumeLs: Command = {
  name: 'ls',
  aliases: ['list'],
  usage: '[OPTIONS]',
  short: 'List volumes',
  aliasPaths: ['volume ls', 'volume list'],
  args: { min: 0, max: 0 },
  flags: [
    { name: 'filter', short: 'f', kind: 'list', typeName: 'filter', usage: 'Provide filter values (e.g. "dangling=true")' },
    formatFlag(true),
    { name: 'quiet', short: 'q', kind: 'bool', usage: 'Only display volume names' },
  ],
  async run(cli, flags) {
    const r = await cli.engine.get<{ Volumes: Volume[] | null }>('/volumes', { filters: filtersJSON(flags.list('filter')) });
    const vols = (r.Volumes ?? []).sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0));
    const rows = vols.map((v) => {
      const labels = v.Labels ?? {};
      const ctx: Record<string, unknown> = {
        Availability: 'N/A',
        Driver: v.Driver,
        Group: 'N/A',
        Labels: Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(','),
        Links: v.UsageData && v.UsageData.RefCount !== -1 ? String(v.UsageData.RefCount) : 'N/A',
        Mountpoint: v.Mountpoint,
        Name: v.Name,
        Scope: v.Scope,
        Size: v.UsageData && v.UsageData.Size !== -1 ? humanSize(v.UsageData.Size) : 'N/A',
        Status: 'N/A',
      };
      return rowContext(ctx, '*formatter.volumeContext', labels);
    });
    cli.out(
      renderList(
        {
          format: flags.string('format') || (cli.config.volumesFormat as string | undefined) || '',
          table: 'table {{.Driver}}\t{{.Name}}',
          quiet: flags.bool('quiet'),
          quietFormat: '{{.Name}}',
          headers: { Name: 'VOLUME NAME', Driver: 'DRIVER', Scope: 'SCOPE', Mountpoint: 'MOUNTPOINT', Labels: 'LABELS', Label: 'LABEL', Links: 'LINKS', Size: 'SIZE', Availability: 'AVAILABILITY', Group: 'GROUP', Status: 'STATUS' },
        },
        rows,
      ),
    );
  },
};

export const volumeRm: Command = {
  name: 'rm',
  aliases: ['remove'],
  usage: '[OPTIONS] VOLUME [VOLUME...]',
  short: 'Remove one or more volumes',
  long: 'Remove one or more volumes. You cannot remove a volume that is in use by a container.',
  aliasPaths: ['volume rm', 'volume remove'],
  args: { min: 1 },
  flags: [{ name: 'force', short: 'f', kind: 'bool', usage: 'Force the removal of one or more volumes' }],
  run: (cli, flags, args) =>
    forEachName(cli, args, (n) => cli.engine.call('DELETE', `/volumes/${encodeURIComponent(n)}`, { query: { force: flags.bool('force') || undefined } })),
};

export const volumeInspect: Command = {
  name: 'inspect',
  usage: '[OPTIONS] VOLUME [VOLUME...]',
  short: 'Display detailed information on one or more volumes',
  args: { min: 1 },
  flags: [formatFlag(false, 'f')],
  run: (cli, flags, args) => inspectObjects(cli, args, rawGetter(cli, (n) => `/volumes/${n}`), { format: flags.string('format') }),
};

export const volumePrune: Command = {
  name: 'prune',
  usage: '[OPTIONS]',
  short: 'Remove unused local volumes',
  args: { min: 0, max: 0 },
  flags: [
    { name: 'all', short: 'a', kind: 'bool', usage: 'Remove all unused volumes, not just anonymous ones' },
    { name: 'filter', kind: 'list', typeName: 'filter', usage: 'Provide filter values (e.g. "label=<label>")' },
    { name: 'force', short: 'f', kind: 'bool', usage: 'Do not prompt for confirmation' },
  ],
  async run(cli, flags) {
    if (!flags.bool('force') && !(await confirm(cli, 'WARNING! This will remove anonymous local volumes not used by at least one container.'))) return 0;
    const filters = [...flags.list('filter')];
    if (flags.bool('all')) filters.push('all=true');
    const r = await cli.engine.json<{ VolumesDeleted: string[] | null; SpaceReclaimed: number }>('POST', '/volumes/prune', {
      query: { filters: filtersJSON(filters) },
    });
    let out = '';
    if (r.VolumesDeleted?.length) out += `Deleted Volumes:\n${r.VolumesDeleted.join('\n')}\n\n`;
    cli.out(`${out}Total reclaimed space: ${humanSize(r.SpaceReclaimed)}\n`);
    return 0;
  },
};

export const volumeExport: Command = {
  name: 'export',
  usage: '[OPTIONS] VOLUME',
  short: "Export a volume's content as a tar archive",
  args: { min: 1, max: 1 },
  flags: [OUTPUT_FLAG],
  async run(cli, flags, [name]) {
    await saveArchive(flags.string('output'), () => cli.engine.request('GET', `/volumes/${encodeURIComponent(name)}/export`));
  },
};

export const volumeImport: Command = {
  name: 'import',
  usage: '[OPTIONS] VOLUME [FILE|-]',
  short: "Import a volume's content from a tar archive or STDIN",
  long: "Import a volume's content from a tar archive (plain or gzip-compressed) or STDIN. The volume is created when it does not exist; a volume that is not empty is refused unless --force, which replaces all of its content. A volume used by a running container is refused.",
  args: { min: 1, max: 2 },
  flags: [{ name: 'force', short: 'f', kind: 'bool', usage: "Replace the content of a volume that is not empty" }],
  async run(cli, flags, [name, file]) {
    const fromStdin = !file || file === '-';
    if (fromStdin && process.stdin.isTTY) throw new StatusError(1, 'requested import from stdin, but stdin is a terminal');
    if (!fromStdin && !existsSync(file)) throw new StatusError(1, `open ${file}: no such file or directory`);
    await cli.engine.call('PUT', `/volumes/${encodeURIComponent(name)}/import`, {
      query: { force: flags.bool('force') ? 1 : undefined },
      stream: fromStdin ? process.stdin : createReadStream(file),
      contentType: 'application/x-tar',
    });
  },
};

export const commands: Command[] = [volumeCreate, volumeExport, volumeImport, volumeInspect, volumeLs, volumePrune, volumeRm];
