// `container stop`, and the flags it shares with `container restart`.
import type { Command } from '../command.js';
import { enc, forEachName } from './shared.js';

export const stopFlags = [
  { name: 'signal', short: 's', kind: 'string' as const, usage: 'Signal to send to the container' },
  { name: 'timeout', short: 't', kind: 'int' as const, usage: 'Seconds to wait before killing the container' },
];

export function stopQuery(flags: { string(n: string): string; changed(n: string): boolean; int(n: string): number }) {
  return { signal: flags.string('signal') || undefined, t: flags.changed('timeout') ? flags.int('timeout') : undefined };
}

export const stop: Command = {
  name: 'stop',
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  short: 'Stop one or more running containers',
  aliasPaths: ['container stop', 'stop'],
  args: { min: 1 },
  flags: stopFlags,
  run: (cli, flags, args) =>
    forEachName(cli, args, (n) => cli.engine.call('POST', `/containers/${enc(n)}/stop`, { query: stopQuery(flags) })),
};
