// `system events` (events): the event stream, as docker prints it or through --format.
import { jsonLines } from '../../client/engine.js';
import type { Command } from '../command.js';
import { renderOne } from '../format/list.js';
import { filtersJSON } from '../format/names.js';
import { apiTimestamp } from '../timestamps.js';
import { fromJSON, parseJSONExact } from '../../common/go-template/values.js';
import { filterFlag, formatFlag } from './shared.js';

interface EventMessage {
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes?: Record<string, string> };
  time?: number;
  timeNano?: number;
  [k: string]: unknown;
}

/** RFC 3339 with exactly nine fractional digits, from a nanosecond timestamp string. */
function rfc3339NanoFixed(nanos: bigint): string {
  const ms = Number(nanos / 1000000n);
  const d = new Date(ms);
  const iso = d.toISOString().slice(0, 19);
  return `${iso}.${String(nanos % 1000000000n).padStart(9, '0')}Z`;
}

function eventLine(e: EventMessage, rawNano: string | undefined): string {
  let out = '';
  if (rawNano) out += `${rfc3339NanoFixed(BigInt(rawNano))} `;
  else if (e.time) out += `${rfc3339NanoFixed(BigInt(e.time) * 1000000000n)} `;
  out += `${e.Type} ${e.Action} ${e.Actor.ID}`;
  const attrs = e.Actor.Attributes ?? {};
  const keys = Object.keys(attrs).sort();
  if (keys.length) out += ` (${keys.map((k) => `${k}=${attrs[k]}`).join(', ')})`;
  return `${out}\n`;
}

export const events: Command = {
  name: 'events',
  usage: '[OPTIONS]',
  short: 'Get real time events from the server',
  aliasPaths: ['system events', 'events'],
  args: { min: 0, max: 0 },
  flags: [
    filterFlag(),
    formatFlag(false),
    { name: 'since', kind: 'string', usage: 'Show all events created since timestamp' },
    { name: 'until', kind: 'string', usage: 'Stream events until this timestamp' },
  ],
  async run(cli, flags) {
    const res = await cli.engine.request('GET', '/events', {
      query: {
        since: apiTimestamp(flags.string('since')),
        until: apiTimestamp(flags.string('until')),
        filters: filtersJSON(flags.list('filter')),
      },
    });
    const format = flags.string('format');
    for await (const line of jsonLines(res)) {
      if (format) cli.out(`${renderOne(format, fromJSON(parseJSONExact(line)))}\n`);
      else cli.out(eventLine(JSON.parse(line) as EventMessage, /"timeNano":(\d+)/.exec(line)?.[1]));
    }
  },
};
