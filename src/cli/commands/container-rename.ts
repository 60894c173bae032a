// `container rename`.
import { ApiError } from '../../client/errors.js';
import type { Command } from '../command.js';
import { StatusError } from '../context.js';
import { enc } from './shared.js';

export const rename: Command = {
  name: 'rename',
  usage: 'CONTAINER NEW_NAME',
  short: 'Rename a container',
  aliasPaths: ['container rename', 'rename'],
  args: { min: 2, max: 2 },
  flags: [],
  async run(cli, _f, [oldName, newName]) {
    if (!newName.trim()) throw new StatusError(1, 'Error: Neither old nor new names may be empty');
    try {
      await cli.engine.call('POST', `/containers/${enc(oldName)}/rename`, { query: { name: newName } });
    } catch (e) {
      if (e instanceof ApiError) throw new StatusError(1, `Error response from daemon: ${e.message}\nError: failed to rename container named ${oldName}`);
      throw e;
    }
  },
};
