// `ps` / `container ls`: docker's container table, quiet mode, filters and templates.
import type { ContainerSummary } from '../../client/types.js';
import type { Command } from '../command.js';
import { compileTemplate, renderList, rowContext } from '../format/list.js';
import { StatusError } from '../context.js';
import { ExecError } from '../../common/go-template/exec.js';
import { displayablePorts, ellipsis, filtersJSON, goQuote, goTimeString, splitReference, truncateId } from '../format/names.js';
import { ago, humanSize } from '../format/units.js';
import { filterFlag, formatFlag } from './shared.js';

const headers: Record<string, string> = {
  ID: 'CONTAINER ID',
  Image: 'IMAGE',
  Command: 'COMMAND',
  CreatedAt: 'CREATED AT',
  RunningFor: 'CREATED',
  Ports: 'PORTS',
  State: 'STATE',
  Status: 'STATUS',
  Size: 'SIZE',
  Names: 'NAMES',
  Labels: 'LABELS',
  Label: 'LABEL',
  Mounts: 'MOUNTS',
  Networks: 'NETWORKS',
  LocalVolumes: 'LOCAL VOLUMES',
  Platform: 'PLATFORM',
};

function imageName(c: ContainerSummary, trunc: boolean): string {
  if (!c.Image) return '<no image>';
  if (!trunc) return c.Image;
  if (truncateId(c.ImageID) === truncateId(c.Image)) return truncateId(c.Image);
  if (c.Image.startsWith('sha256:')) return c.Image;
  const ref = splitReference(c.Image);
  return ref.repo + (ref.tag ? `:${ref.tag}` : '');
}

function names(c: ContainerSummary, trunc: boolean): string {
  const stripped = (c.Names ?? []).map((n) => n.replace(/^\//, ''));
  if (trunc) {
    const primary = stripped.find((n) => !n.includes('/'));
    if (primary !== undefined) return primary;
  }
  return stripped.join(',');
}

/** The per-container values docker's ContainerContext exposes to templates. */
export function containerContext(c: ContainerSummary, trunc: boolean): Record<string, unknown> {
  const labels = c.Labels ?? {};
  const ctx: Record<string, unknown> = {
    Command: goQuote(trunc ? ellipsis(c.Command, 20) : c.Command),
    CreatedAt: goTimeString(new Date(c.Created * 1000)),
    ID: trunc ? truncateId(c.Id) : c.Id,
    Image: imageName(c, trunc),
    Labels: Object.keys(labels)
      .sort()
      .map((k) => `${k}=${labels[k]}`)
      .join(','),
    LocalVolumes: String((c.Mounts ?? []).filter((m) => m.Type === 'volume').length),
    Mounts: (c.Mounts ?? [])
      .map((m) => (trunc ? ellipsis(m.Name || m.Source || '', 15) : m.Name || m.Source || ''))
      .join(','),
    Names: names(c, trunc),
    Networks: Object.keys(c.NetworkSettings?.Networks ?? {})
      .sort()
      .join(','),
    Platform: null,
    Ports: displayablePorts(c.Ports ?? []),
    RunningFor: ago(c.Created),
    Size:
      c.SizeRootFs !== undefined && c.SizeRootFs > 0
        ? `${humanSize(c.SizeRw ?? 0, 3)} (virtual ${humanSize(c.SizeRootFs, 3)})`
        : humanSize(c.SizeRw ?? 0, 3),
    State: c.State,
    Status: c.Status,
  };
  return rowContext(ctx, '*formatter.ContainerContext', labels);
}

/**
 * docker validates a --format by running it once over an empty container; a template that
 * reads .Size (or marshals the whole row) makes ps ask the daemon for sizes.
 */
function usesSize(format: string): boolean {
  const tmpl = compileTemplate(format, 'failed to parse template: ', 1);
  const probe = containerContext(
    { Id: '', Names: [], Image: '', ImageID: '', Command: '', Created: 0, Ports: [], Labels: {}, State: '', Status: '' },
    true,
  );
  let used = false;
  const size = probe.Size;
  Object.defineProperty(probe, 'Size', {
    enumerable: true,
    get: () => {
      used = true;
      return size;
    },
  });
  try {
    tmpl.execute(probe);
  } catch (e) {
    if (e instanceof ExecError) throw new StatusError(1, `failed to execute template: ${e.message}`);
    throw e;
  }
  return used;
}

const table = 'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}';

export const ps: Command = {
  name: 'ls',
  aliases: ['list', 'ps'],
  usage: '[OPTIONS]',
  short: 'List containers',
  aliasPaths: ['container ls', 'container list', 'container ps', 'ps'],
  args: { min: 0, max: 0 },
  flags: [
    { name: 'all', short: 'a', kind: 'bool', usage: 'Show all containers (default shows just running)' },
    filterFlag(),
    formatFlag(true),
    { name: 'last', short: 'n', kind: 'int', usage: 'Show n last created containers (includes all states)', default: -1 },
    { name: 'latest', short: 'l', kind: 'bool', usage: 'Show the latest created container (includes all states)' },
    { name: 'no-trunc', kind: 'bool', usage: "Don't truncate output" },
    { name: 'quiet', short: 'q', kind: 'bool', usage: 'Only display container IDs' },
    { name: 'size', short: 's', kind: 'bool', usage: 'Display total file sizes' },
  ],
  async run(cli, flags) {
    const quiet = flags.bool('quiet');
    let format = flags.string('format');
    if (!format && !quiet && cli.config.psFormat) format = cli.config.psFormat;
    const wantsSize = flags.bool('size') || (format !== '' && format !== 'table' && usesSize(format));
    let limit = flags.int('last');
    if (flags.bool('latest')) limit = 1;
    const list = await cli.engine.get<ContainerSummary[]>('/containers/json', {
      all: flags.bool('all') || undefined,
      limit: limit > 0 ? limit : undefined,
      size: wantsSize || undefined,
      filters: filtersJSON(flags.list('filter')),
    });
    const trunc = !flags.bool('no-trunc');
    const rows = list.map((c) => containerContext(c, trunc));
    cli.out(
      renderList(
        {
          format,
          table: flags.bool('size') ? `${table}\t{{.Size}}` : table,
          quiet,
          headers,
          parseErrorPrefix: 'failed to parse template: ',
          execErrorPrefix: 'failed to execute template: ',
        },
        rows,
      ),
    );
  },
};
