// `search`: the daemon's registry search (GET /images/search) in docker's table.
import type { Command } from '../command.js';
import { renderList, rowContext } from '../format/list.js';
import { ellipsis, filtersJSON } from '../format/names.js';
import { registryAuthHeader } from '../registry-auth.js';
import { filterFlag } from './shared.js';

interface SearchResult {
  name: string;
  description: string;
  star_count: number;
  is_official: boolean;
  is_automated: boolean;
}

const ok = (b: boolean) => (b ? '[OK]' : '');

export const search: Command = {
  name: 'search',
  usage: '[OPTIONS] TERM',
  short: 'Search Docker Hub for images',
  hidden: true,
  args: { min: 1, max: 1 },
  flags: [
    filterFlag(),
    { name: 'format', kind: 'string', usage: 'Pretty-print search using a Go template' },
    { name: 'limit', kind: 'int', usage: 'Max number of search results' },
    { name: 'no-trunc', kind: 'bool', usage: "Don't truncate output" },
  ],
  async run(cli, flags, [term]) {
    const limit = flags.int('limit');
    const results = await cli.engine.json<SearchResult[]>('GET', '/images/search', {
      query: { term, limit: limit > 0 ? limit : undefined, filters: filtersJSON(flags.list('filter')) },
      headers: registryAuthHeader(cli, term),
    });
    const trunc = !flags.bool('no-trunc');
    const rows = results.map((r) => {
      const description = trunc ? ellipsis(r.description.replaceAll('\n', ' '), 45) : r.description;
      return rowContext(
        { Name: r.name, Description: description, StarCount: String(r.star_count), IsOfficial: ok(r.is_official), IsAutomated: ok(r.is_automated) },
        '*formatter.searchContext',
      );
    });
    cli.out(
      renderList(
        {
          format: flags.string('format'),
          table: 'table {{.Name}}\t{{.Description}}\t{{.StarCount}}\t{{.IsOfficial}}',
          headers: { Name: 'NAME', Description: 'DESCRIPTION', StarCount: 'STARS', IsOfficial: 'OFFICIAL', IsAutomated: 'AUTOMATED' },
        },
        rows,
      ),
    );
  },
};

export const commands: Command[] = [search];
