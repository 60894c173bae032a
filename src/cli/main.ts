// Entry point of the berth CLI: global flags, command resolution, and docker's error/exit-code
// conventions (125 for flag errors, 1 for argument and daemon errors).
import { ApiError, ConnectError } from '../client/errors.js';
import { checkArgs, commandHelp, groupHelp, PROG, terminalWidth, UsageError, type Command } from './command.js';
import { ContextStore } from './context-store.js';
import { Cli, StatusError } from './context.js';
import { resolveEndpoint, tlsFlags } from './endpoint.js';
import { FlagError, flagUsages, parseFlags, type FlagSpec } from './flags.js';
import { groups, rootHelp, shortcuts } from './registry.js';

import { VERSION } from './version.js';

// A function, not a constant: the defaults come from the environment of each run.
export const globalFlags = (): FlagSpec[] => [
  { name: 'config', kind: 'string', usage: 'Location of client config files', default: Cli.configDirFrom(undefined) },
  {
    name: 'context',
    short: 'c',
    kind: 'string',
    usage: `Name of the context to use to connect to the daemon (overrides DOCKER_HOST env var and default context set with "${PROG} context use")`,
  },
  { name: 'debug', short: 'D', kind: 'bool', usage: 'Enable debug mode' },
  { name: 'host', short: 'H', kind: 'list', usage: 'Daemon socket to connect to' },
  {
    name: 'log-level',
    short: 'l',
    kind: 'string',
    usage: 'Set the logging level ("debug", "info", "warn", "error", "fatal")',
    default: 'info',
  },
  ...tlsFlags(Cli.configDirFrom(undefined)),
  { name: 'version', short: 'v', kind: 'bool', usage: 'Print version information and quit' },
];

function flagErrorText(e: FlagError, path: string, cmd?: Command): string {
  const usage = cmd ? `${PROG} ${path} ${cmd.usage}` : `${PROG} [OPTIONS] COMMAND`;
  const help = cmd ? `${PROG} ${path} --help` : `${PROG} --help`;
  return `${e.message}\n\nUsage:  ${usage}\n\nRun '${help}' for more information\n`;
}

interface Resolved {
  path: string;
  cmd: Command;
  argv: string[];
}

async function resolve(cli: Cli, args: string[]): Promise<Resolved | number> {
  const [name, ...rest] = args;
  const group = groups[name];
  if (group) {
    const commands = await group.load();
    const sub = rest[0];
    if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
      // Asked for help: stdout; no subcommand at all: the same text on stderr.
      (sub === undefined ? cli.err.bind(cli) : cli.out.bind(cli))(groupHelp(name, { name, short: group.short, commands }));
      return 0;
    }
    const cmd = commands.find((c) => c.name === sub || c.aliases?.includes(sub));
    if (!cmd) {
      cli.err(
        `${PROG}: unknown command: ${PROG} ${name} ${sub}\n\nUsage:  ${PROG} ${name}\n\nRun '${PROG} ${name} --help' for more information\n`,
      );
      return 1;
    }
    return { path: `${name} ${sub}`, cmd, argv: rest.slice(1) };
  }
  const shortcut = shortcuts[name];
  if (shortcut) {
    const commands = await groups[shortcut[0]].load();
    const cmd = commands.find((c) => c.name === shortcut[1])!;
    return { path: name, cmd, argv: rest };
  }
  cli.err(`${PROG}: unknown command: ${PROG} ${name}\n\nRun '${PROG} --help' for more information\n`);
  return 1;
}

function report(cli: Cli, e: unknown): number {
  if (e instanceof StatusError) {
    if (e.message) cli.err(`${e.message}\n`);
    return e.code;
  }
  if (e instanceof UsageError) {
    cli.err(`${PROG}: ${e.message}\n`);
    return e.exitCode;
  }
  if (e instanceof ApiError) {
    cli.err(`Error response from daemon: ${e.message}\n`);
    return 1;
  }
  if (e instanceof ConnectError) {
    cli.err(`${e.message}\n`);
    return 1;
  }
  cli.err(`${e instanceof Error ? e.message : String(e)}\n`);
  return 1;
}

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseFlags(argv, globalFlags(), false);
  } catch (e) {
    if (e instanceof FlagError) {
      process.stderr.write(flagErrorText(e, ''));
      return 125;
    }
    throw e;
  }
  const { flags, args } = parsed;
  const logLevel = flags.string('log-level');
  if (!['debug', 'info', 'warn', 'warning', 'error', 'fatal', 'panic', 'trace'].includes(logLevel)) {
    process.stderr.write(`Unable to parse logging level: ${logLevel}\n`);
    return 1;
  }
  const configDir = Cli.configDirFrom(flags.changed('config') ? flags.string('config') : undefined);
  if (flags.bool('version')) {
    process.stdout.write(`${PROG} version ${VERSION}\n`);
    return 0;
  }
  let cli: Cli;
  try {
    const ep = resolveEndpoint(flags, new ContextStore(configDir));
    cli = new Cli(ep.host, configDir, ep.tls, ep.context);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 1;
  }
  if (args[0] === '__complete') return (await import('./completion.js')).printCompletions(cli, globalFlags(), args.slice(1));
  if (args[0] === 'help' && args.length > 1) return main([...args.slice(1), '--help']);
  if (parsed.help || !args.length || args[0] === 'help') {
    // Asked for help: stdout; no command at all: the same text on stderr.
    const text = rootHelp(flagUsages(globalFlags(), terminalWidth() - 1), PROG);
    if (args.length || parsed.help) cli.out(text);
    else cli.err(text);
    return 0;
  }
  try {
    const resolved = await resolve(cli, args);
    if (typeof resolved === 'number') return resolved;
    const { path, cmd } = resolved;
    let cmdParsed;
    try {
      cmdParsed = parseFlags(resolved.argv, cmd.flags, cmd.interspersed !== false);
    } catch (e) {
      if (e instanceof FlagError) {
        cli.err(flagErrorText(e, path, cmd));
        return 125;
      }
      throw e;
    }
    if (cmdParsed.help) {
      cli.out(commandHelp(path, cmd));
      return 0;
    }
    checkArgs(path, cmd, cmdParsed.args);
    return (await cmd.run(cli, cmdParsed.flags, cmdParsed.args)) ?? 0;
  } catch (e) {
    return report(cli, e);
  }
}
