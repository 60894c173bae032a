// docker's inspect output: the raw objects as a 4-space indented JSON array, or one template
// result per object with -f; objects that are missing are reported after the others.
import { ApiError } from '../client/errors.js';
import type { Cli } from './context.js';
import { StatusError } from './context.js';
import { indentJSON } from './format/json-indent.js';
import { compileTemplate, execute } from './format/list.js';
import { readAll } from './commands/shared.js';
import { fromJSON, parseJSONExact } from '../common/go-template/values.js';

/** Fetches one object's raw JSON; rejects with the daemon's ApiError (404 when missing). */
export type RawGetter = (name: string) => Promise<string>;

export function rawGetter(cli: Cli, path: (name: string) => string, query?: Record<string, string>): RawGetter {
  return async (name) => {
    const res = await cli.engine.request('GET', path(encodeURIComponent(name)), { query });
    return (await readAll(res)).toString('utf8');
  };
}

export interface InspectOptions {
  format: string;
  /** The stderr line for a missing object (docker's wording differs per object type). */
  notFound?: (name: string, daemonMessage: string) => string;
}

export async function inspectObjects(cli: Cli, names: string[], get: RawGetter, opts: InspectOptions): Promise<number> {
  const found: string[] = [];
  const errors: string[] = [];
  for (const name of names) {
    try {
      found.push((await get(name)).trim());
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      errors.push(e.status === 404 && opts.notFound ? opts.notFound(name, e.message) : `Error response from daemon: ${e.message}`);
    }
  }
  if (opts.format) {
    const tmpl = compileTemplate(opts.format === 'json' ? '{{json .}}' : opts.format);
    let out = '';
    try {
      for (const raw of found) out += `${execute(tmpl, fromJSON(parseJSONExact(raw)), 'template parsing error: ')}\n`;
    } catch (e) {
      // docker flushes its (partial) buffer with a newline before reporting the error.
      cli.out(`${out}\n`);
      throw e;
    }
    cli.out(out);
  } else {
    cli.out(found.length ? `${indentJSON(`[${found.join(',')}]`, '', '    ')}\n` : '[]\n');
  }
  if (errors.length) throw new StatusError(1, errors.join('\n'));
  return 0;
}
