// The command model (cobra-like) and docker's help/usage/argument-error texts.
import { flagUsages, type FlagSpec, type ParsedFlags } from './flags.js';
import type { Cli } from './context.js';

export const PROG = 'berth';

export interface ArgRule {
  min?: number;
  max?: number;
}

export interface Command {
  name: string;
  /** Other names under the same parent (ls, list, ps). */
  aliases?: string[];
  /** What follows the command path in the usage line. */
  usage: string;
  short: string;
  /** Longer description shown in help instead of `short`. */
  long?: string;
  /** Paths listed under "Aliases:" (without the program name), e.g. ["container ls", "ps"]. */
  aliasPaths?: string[];
  flags: FlagSpec[];
  /** Not listed in the group's help (top-level commands kept in a group module). */
  hidden?: boolean;
  /** false: flags end at the first positional argument (run, exec). */
  interspersed?: boolean;
  args?: ArgRule;
  run(cli: Cli, flags: ParsedFlags, args: string[]): Promise<number | void>;
}

export interface Group {
  name: string;
  short: string;
  commands: Command[];
}

export class UsageError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

export function terminalWidth(): number {
  return process.stdin.isTTY && process.stdout.columns ? process.stdout.columns : 80;
}

export function commandHelp(path: string, cmd: Command): string {
  let out = `Usage:  ${PROG} ${path}${cmd.usage ? ` ${cmd.usage}` : ''}\n\n${(cmd.long ?? cmd.short).trim()}\n`;
  if (cmd.aliasPaths?.length) out += `\nAliases:\n  ${cmd.aliasPaths.map((p) => `${PROG} ${p}`).join(', ')}\n`;
  if (cmd.flags.some((f) => !f.hidden)) out += `\nOptions:\n${flagUsages(cmd.flags, terminalWidth() - 1).trimEnd()}\n`;
  return out;
}

export function groupHelp(path: string, group: Group): string {
  const names = group.commands.filter((c) => !c.hidden).sort((a, b) => (a.name < b.name ? -1 : 1));
  const width = Math.max(11, ...names.map((c) => c.name.length + 1));
  const lines = names.map((c) => `  ${c.name.padEnd(width)} ${c.short}`);
  return `Usage:  ${PROG} ${path} COMMAND\n\n${group.short}\n\nCommands:\n${lines.join('\n')}\n\nRun '${PROG} ${path} COMMAND --help' for more information on a command.\n`;
}

function plural(n: number): string {
  return n === 1 ? 'argument' : 'arguments';
}

/** Validates the positional count with the wording of docker's cli/required.go. */
export function checkArgs(path: string, cmd: Command, args: string[]): void {
  const rule = cmd.args;
  if (!rule) return;
  const full = `${PROG} ${path}`;
  const usage = `\n\nUsage:  ${full} ${cmd.usage}\n\n`;
  const { min, max } = rule;
  const n = args.length;
  if (min !== undefined && max !== undefined && min === max && n !== min) {
    if (min === 0) throw new UsageError(`'${full}' accepts no arguments${usage}Run '${full} --help' for more information`, 1);
    throw new UsageError(`'${full}' requires ${min} ${plural(min)}${usage}Run '${full} --help' for more information`, 1);
  }
  if (min !== undefined && max !== undefined && min !== max && (n < min || n > max)) {
    throw new UsageError(
      `'${full}' requires at least ${min} and at most ${max} ${plural(max)}${usage}Run '${full} --help' for more information`,
      1,
    );
  }
  if (min !== undefined && max === undefined && n < min) {
    throw new UsageError(`'${full}' requires at least ${min} ${plural(min)}${usage}See '${full} --help' for more information`, 1);
  }
  if (max !== undefined && min === undefined && n > max) {
    throw new UsageError(`'${full}' requires at most ${max} ${plural(max)}${usage}Run '${full} --help' for more information`, 1);
  }
}
