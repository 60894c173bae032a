// The top-level `inspect`: any object kind, or the one --type names.
import { ApiError } from '../../client/errors.js';
import type { Command } from '../command.js';
import type { Cli } from '../context.js';
import { StatusError } from '../context.js';
import { inspectObjects, rawGetter, type RawGetter } from '../inspect.js';
import { formatFlag } from './shared.js';

/** `inspect` without --type tries each object kind in docker's order. */
function anyObject(cli: Cli, type: string, size: boolean): RawGetter {
  const getters: Record<string, RawGetter> = {
    container: rawGetter(cli, (n) => `/containers/${n}/json`, size ? { size: '1' } : undefined),
    image: rawGetter(cli, (n) => `/images/${n}/json`),
    network: rawGetter(cli, (n) => `/networks/${n}`),
    volume: rawGetter(cli, (n) => `/volumes/${n}`),
  };
  if (type) {
    const g = getters[type];
    if (!g) {
      const known = ['config', 'container', 'image', 'network', 'node', 'plugin', 'secret', 'service', 'task', 'volume'];
      throw new StatusError(1, `unknown type: "${type}": must be one of ${known.map((k) => `"${k}"`).join(', ')}`);
    }
    return g;
  }
  return async (name) => {
    for (const g of Object.values(getters)) {
      try {
        return await g(name);
      } catch (e) {
        if (!(e instanceof ApiError) || (e.status !== 404 && e.status !== 400)) throw e;
      }
    }
    throw new ApiError(404, `No such object: ${name}`);
  };
}

export const inspect: Command = {
  name: 'inspect',
  usage: '[OPTIONS] NAME|ID [NAME|ID...]',
  short: 'Return low-level information on Docker objects',
  args: { min: 1 },
  flags: [
    formatFlag(false, 'f'),
    { name: 'size', short: 's', kind: 'bool', usage: 'Display total file sizes if the type is container' },
    { name: 'type', kind: 'string', usage: 'Only inspect objects of the given type' },
  ],
  run: (cli, flags, args) =>
    inspectObjects(cli, args, anyObject(cli, flags.string('type'), flags.bool('size')), {
      format: flags.string('format'),
      notFound: (name, msg) => (flags.string('type') ? `Error response from daemon: ${msg}` : `Error: No such object: ${name}`),
    }),
};
