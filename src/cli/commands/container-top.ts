// `container top`: the processes of a container, as a table.
import type { Command } from '../command.js';
import { tabwrite } from '../format/tabwriter.js';
import { enc } from './shared.js';

export const top: Command = {
  name: 'top',
  usage: 'CONTAINER [ps OPTIONS]',
  short: 'Display the running processes of a container',
  aliasPaths: ['container top', 'top'],
  interspersed: false,
  args: { min: 1 },
  flags: [],
  async run(cli, _f, [name, ...psArgs]) {
    const r = await cli.engine.get<{ Titles: string[]; Processes: string[][] }>(`/containers/${enc(name)}/top`, {
      ps_args: psArgs.length ? psArgs.join(' ') : undefined,
    });
    const lines = [r.Titles.join('\t'), ...(r.Processes ?? []).map((p) => p.join('\t'))];
    cli.out(tabwrite(`${lines.join('\n')}\n`, 20, 3));
  },
};
