// `images` / `image ls` and `history`: docker's image tables and template contexts.
import type { ImageSummary } from '../../client/types.js';
import type { Command } from '../command.js';
import { renderList, rowContext } from '../format/list.js';
import { ellipsis, filtersJSON, goTimeString, splitReference, truncateId } from '../format/names.js';
import { rfc3339Local } from '../format/gotime.js';
import { ago, humanSize } from '../format/units.js';
import { filterFlag, formatFlag } from './shared.js';

function imageRows(img: ImageSummary, digests: boolean): Array<{ repo: string; tag: string; digest: string }> {
  const tags = (img.RepoTags ?? []).filter((t) => t !== '<none>:<none>');
  const dgsts = (img.RepoDigests ?? []).filter((d) => d !== '<none>@<none>');
  if (!tags.length && !dgsts.length) return [{ repo: '<none>', tag: '<none>', digest: '<none>' }];
  const repoTags = new Map<string, string[]>();
  const repoDigests = new Map<string, string[]>();
  for (const t of tags) {
    const r = splitReference(t);
    if (!r.tag) continue;
    const name = r.repo;
    repoTags.set(name, [...(repoTags.get(name) ?? []), r.tag]);
  }
  for (const d of dgsts) {
    const r = splitReference(d);
    if (!r.digest) continue;
    const name = r.repo;
    repoDigests.set(name, [...(repoDigests.get(name) ?? []), r.digest]);
  }
  const rows: Array<{ repo: string; tag: string; digest: string }> = [];
  for (const [repo, ts] of repoTags) {
    const ds = digests ? (repoDigests.get(repo) ?? []) : [];
    repoDigests.delete(repo);
    for (const tag of ts) {
      if (!ds.length) rows.push({ repo, tag, digest: '<none>' });
      for (const d of ds) rows.push({ repo, tag, digest: d });
    }
  }
  for (const [repo, ds] of repoDigests) {
    if (digests) for (const d of ds) rows.push({ repo, tag: '<none>', digest: d });
    else rows.push({ repo, tag: '<none>', digest: '' });
  }
  return rows;
}

const imageHeaders = {
  Containers: 'CONTAINERS',
  CreatedAt: 'CREATED AT',
  CreatedSince: 'CREATED',
  Digest: 'DIGEST',
  ID: 'IMAGE ID',
  Repository: 'REPOSITORY',
  SharedSize: 'SHARED SIZE',
  Size: 'SIZE',
  Tag: 'TAG',
  UniqueSize: 'UNIQUE SIZE',
  VirtualSize: 'VIRTUAL SIZE',
};

export const images: Command = {
  name: 'ls',
  aliases: ['list'],
  usage: '[OPTIONS] [REPOSITORY[:TAG]]',
  short: 'List images',
  aliasPaths: ['image ls', 'image list', 'images'],
  args: { max: 1 },
  flags: [
    { name: 'all', short: 'a', kind: 'bool', usage: 'Show all images (default hides intermediate images)' },
    { name: 'digests', kind: 'bool', usage: 'Show digests' },
    filterFlag(),
    formatFlag(true),
    { name: 'no-trunc', kind: 'bool', usage: "Don't truncate output" },
    { name: 'quiet', short: 'q', kind: 'bool', usage: 'Only show image IDs' },
  ],
  async run(cli, flags, args) {
    const filters = [...flags.list('filter')];
    if (args[0]) filters.push(`reference=${args[0]}`);
    const list = await cli.engine.get<ImageSummary[]>('/images/json', {
      all: flags.bool('all') || undefined,
      filters: filtersJSON(filters),
    });
    const trunc = !flags.bool('no-trunc');
    const digests = flags.bool('digests');
    const quiet = flags.bool('quiet');
    let format = flags.string('format');
    if (!format && !quiet && cli.config.imagesFormat) format = cli.config.imagesFormat;
    const rows: object[] = [];
    for (const img of list) {
      for (const r of imageRows(img, digests)) {
        const shared = img.SharedSize ?? -1;
        rows.push(
          rowContext(
            {
              Containers: img.Containers === -1 || img.Containers === undefined ? 'N/A' : String(img.Containers),
              CreatedAt: goTimeString(new Date(img.Created * 1000)),
              CreatedSince: img.Created ? ago(img.Created) : 'N/A',
              Digest: r.digest,
              ID: trunc ? truncateId(img.Id) : img.Id,
              Repository: r.repo,
              SharedSize: shared === -1 ? 'N/A' : humanSize(shared, 3),
              Size: humanSize(img.Size, 3),
              Tag: r.tag,
              UniqueSize: shared === -1 ? 'N/A' : humanSize(img.Size - shared, 3),
              VirtualSize: humanSize(img.VirtualSize ?? img.Size),
            },
            '*formatter.imageContext',
          ),
        );
      }
    }
    const table = digests
      ? 'table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}'
      : 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}';
    cli.out(renderList({ format, table, quiet, headers: imageHeaders }, rows));
  },
};

interface HistoryEntry {
  Id: string;
  Created: number;
  CreatedBy: string;
  Tags: string[] | null;
  Size: number;
  Comment: string;
}

export const history: Command = {
  name: 'history',
  usage: '[OPTIONS] IMAGE',
  short: 'Show the history of an image',
  aliasPaths: ['image history', 'history'],
  args: { min: 1, max: 1 },
  flags: [
    formatFlag(true),
    { name: 'human', short: 'H', kind: 'bool', usage: 'Print sizes and dates in human readable format', default: true },
    { name: 'no-trunc', kind: 'bool', usage: "Don't truncate output" },
    { name: 'quiet', short: 'q', kind: 'bool', usage: 'Only show image IDs' },
  ],
  async run(cli, flags, [name]) {
    const entries = await cli.engine.get<HistoryEntry[]>(`/images/${encodeURIComponent(name)}/history`);
    const human = flags.bool('human');
    const trunc = !flags.bool('no-trunc');
    const rows = entries.map((h) => {
      const createdBy = h.CreatedBy.replaceAll('\t', ' ');
      return rowContext(
        {
          Comment: h.Comment,
          CreatedAt: rfc3339Local(new Date(h.Created * 1000)),
          CreatedBy: trunc ? ellipsis(createdBy, 45) : createdBy,
          CreatedSince: human ? ago(h.Created) : rfc3339Local(new Date(h.Created * 1000)),
          ID: h.Id === '<missing>' ? '<missing>' : trunc ? truncateId(h.Id) : h.Id,
          Size: human ? humanSize(h.Size, 3) : String(h.Size),
        },
        '*formatter.historyContext',
      );
    });
    const table = human
      ? 'table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}'
      : 'table {{.ID}}\t{{.CreatedAt}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}';
    cli.out(
      renderList(
        {
          format: flags.string('format'),
          table,
          quiet: flags.bool('quiet'),
          headers: { ID: 'IMAGE', CreatedSince: 'CREATED', CreatedAt: 'CREATED AT', CreatedBy: 'CREATED BY', Size: 'SIZE', Comment: 'COMMENT' },
        },
        rows,
      ),
    );
  },
};
