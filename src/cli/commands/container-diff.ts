// `container diff`: changes to a container's filesystem (C/A/D lines).
import type { Command } from '../command.js';
import { enc } from './shared.js';

export const diff: Command = {
  name: 'diff',
  usage: 'CONTAINER',
  short: "Inspect changes to files or directories on a container's filesystem",
  aliasPaths: ['container diff', 'diff'],
  args: { min: 1, max: 1 },
  flags: [],
  async run(cli, _f, [name]) {
    const changes = await cli.engine.get<Array<{ Path: string; Kind: number }> | null>(`/containers/${enc(name)}/changes`);
    cli.out((changes ?? []).map((c) => `${'CAD'[c.Kind] ?? '?'} ${c.Path}\n`).join(''));
  },
};
