// Shell completion candidates for `berth __complete <words…>` (the last word is the one being
// completed): commands, subcommands and flags come from the command registry; object names come
// from the engine. Output, as cobra's: one "value<TAB>description" line per candidate, then
// ":<directive>" (0: the shell may fall back to file names, 4: it must not).
import type { Command } from './command.js';
import { ContextStore } from './context-store.js';
import { Cli } from './context.js';
import { resolveEndpoint } from './endpoint.js';
import { parseFlags, type FlagSpec } from './flags.js';
import { groups, shortcuts } from './registry.js';

type ObjectKind = 'containers' | 'images' | 'networks' | 'volumes' | 'contexts' | 'shells';

interface Candidate {
  value: string;
  desc?: string;
}

const FILES = 0;
const NO_FILES = 4;

/** What the positional arguments of a command name, by group: [kind of the 1st, kind of the rest]. */
function argKinds(group: string, sub: string): ObjectKind[] {
  const none: ObjectKind[] = [];
  switch (group) {
    case 'container':
      if (sub === 'run' || sub === 'create') return ['images'];
      return ['ls', 'prune', 'cp'].includes(sub) ? none : ['containers'];
    case 'image':
      return ['ls', 'prune', 'load', 'import', 'build'].includes(sub) ? none : ['images'];
    case 'network':
      if (sub === 'connect' || sub === 'disconnect') return ['networks', 'containers'];
      return ['rm', 'inspect'].includes(sub) ? ['networks'] : none;
    case 'volume':
      return ['rm', 'inspect', 'export', 'import'].includes(sub) ? ['volumes'] : none;
    case 'context':
      return ['use', 'rm', 'inspect', 'update', 'export'].includes(sub) ? ['contexts'] : none;
    case 'completion':
      return ['shells'];
    case 'system':
      return sub === 'inspect' ? ['containers', 'images', 'networks', 'volumes'] : none;
    default:
      return none;
  }
}

/** Flags whose values are object names. */
const flagValueKinds: Record<string, ObjectKind> = {
  network: 'networks',
  net: 'networks',
  'volumes-from': 'containers',
  link: 'containers',
  context: 'contexts',
};

async function objectNames(cli: Cli, kind: ObjectKind): Promise<string[]> {
  switch (kind) {
    case 'containers': {
      const list = await cli.engine.get<Array<{ Names?: string[] }>>('/containers/json', { all: '1' });
      return list.flatMap((c) => (c.Names ?? []).map((n) => n.replace(/^\//, '')));
    }
    case 'images': {
      const list = await cli.engine.get<Array<{ RepoTags?: string[] | null }>>('/images/json');
      return list.flatMap((i) => (i.RepoTags ?? []).filter((t) => t !== '<none>:<none>'));
    }
    case 'networks':
      return (await cli.engine.get<Array<{ Name: string }>>('/networks')).map((n) => n.Name);
    case 'volumes':
      return ((await cli.engine.get<{ Volumes?: Array<{ Name: string }> | null }>('/volumes')).Volumes ?? []).map((v) => v.Name);
    case 'contexts':
      return ['default', ...new ContextStore(cli.configDir).list().map((c) => c.Name)];
    case 'shells':
      return ['bash', 'fish', 'zsh'];
  }
}

function findFlag(specs: FlagSpec[], word: string): FlagSpec | undefined {
  if (word.startsWith('--')) return specs.find((f) => f.name === word.slice(2));
  return specs.find((f) => f.short === word.slice(-1));
}

/** Whether `word` is a flag that takes its value from the next word. */
function takesNext(specs: FlagSpec[], word: string): boolean {
  if (!word.startsWith('-') || word === '-' || word.includes('=')) return false;
  const spec = findFlag(specs, word);
  return !!spec && spec.kind !== 'bool';
}

/** Splits `words` (all but the current one) into positionals, skipping flags and their values. */
function positionals(specs: FlagSpec[], words: string[], stopAtFirst: boolean): { args: string[]; rest: string[] } {
  const args: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w === '--') return { args: [...args, ...words.slice(i + 1)], rest: [] };
    if (w.startsWith('-') && w !== '-') {
      if (takesNext(specs, w)) i++;
      continue;
    }
    args.push(w);
    if (stopAtFirst) return { args, rest: words.slice(i + 1) };
  }
  return { args, rest: [] };
}

function flagCandidates(specs: FlagSpec[], cur: string): Candidate[] {
  const out: Candidate[] = [];
  for (const f of specs) {
    if (f.hidden) continue;
    const desc = f.usage.split('\n')[0];
    out.push({ value: `--${f.name}`, desc });
    if (f.short && cur === '-') out.push({ value: `-${f.short}`, desc });
  }
  return out;
}

function byPrefix(list: Candidate[], cur: string): Candidate[] {
  return list.filter((c) => c.value.startsWith(cur));
}

async function resolveCommand(name: string, sub: string | undefined): Promise<{ group: string; sub: string; cmd?: Command } | undefined> {
  const shortcut = shortcuts[name];
  if (shortcut) {
    const cmd = (await groups[shortcut[0]].load()).find((c) => c.name === shortcut[1]);
    return { group: shortcut[0], sub: shortcut[1], cmd };
  }
  if (!groups[name] || sub === undefined) return undefined;
  const cmd = (await groups[name].load()).find((c) => c.name === sub || c.aliases?.includes(sub));
  return cmd && { group: name, sub: cmd.name, cmd };
}

export async function completions(cli: Cli, globalFlags: FlagSpec[], words: string[]): Promise<{ candidates: Candidate[]; directive: number }> {
  const cur = words[words.length - 1] ?? '';
  const before = words.slice(0, -1);
  const prev = before[before.length - 1] ?? '';
  const top = positionals(globalFlags, before, true);
  const done = (candidates: Candidate[], directive = NO_FILES) => ({ candidates: byPrefix(candidates, cur), directive });
  const names = async (kind: ObjectKind) => done((await objectNames(cli, kind)).map((value) => ({ value })));

  if (!top.args.length) {
    if (takesNext(globalFlags, prev)) return flagValueKinds[prev.replace(/^-+/, '')] ? names(flagValueKinds[prev.replace(/^-+/, '')]) : done([], FILES);
    if (cur.startsWith('-')) return done(flagCandidates(globalFlags, cur));
    const cmds = [
      ...Object.entries(groups).filter(([, g]) => !g.hidden).map(([value, g]) => ({ value, desc: g.short })),
      ...Object.entries(shortcuts).map(([value, s]) => ({ value, desc: s[2] })),
    ];
    return done(cmds.sort((a, b) => (a.value < b.value ? -1 : 1)));
  }
  const name = top.args[0];
  const group = groups[name];
  let rest = top.rest;
  if (group && !shortcuts[name]) {
    const sub = positionals([], rest, true);
    if (!sub.args.length) {
      const subs = (await group.load()).filter((c) => !c.hidden);
      return done(subs.map((c) => ({ value: c.name, desc: c.short })));
    }
    rest = sub.rest;
    const found = await resolveCommand(name, sub.args[0]);
    if (!found?.cmd) return done([]);
    return commandCompletions(found.cmd, found.group, found.sub, rest);
  }
  const found = await resolveCommand(name, undefined);
  if (!found?.cmd) return done([]);
  return commandCompletions(found.cmd, found.group, found.sub, rest);

  async function commandCompletions(cmd: Command, groupName: string, sub: string, args: string[]) {
    if (takesNext(cmd.flags, prev)) {
      const spec = findFlag(cmd.flags, prev)!;
      return flagValueKinds[spec.name] ? names(flagValueKinds[spec.name]) : done([], FILES);
    }
    const given = positionals(cmd.flags, args, false).args;
    if (cur.startsWith('-') && (cmd.interspersed !== false || !given.length)) return done(flagCandidates(cmd.flags, cur));
    const kinds = argKinds(groupName, sub);
    const kind = kinds[Math.min(given.length, kinds.length - 1)];
    if (!kind || (cmd.interspersed === false && given.length > 0)) return done([], FILES);
    if (kind === 'shells' && given.length) return done([]);
    return names(kind);
  }
}

/** The engine the typed command line would talk to: its own -H/--context/--tls... flags count. */
function typedCli(globalFlags: FlagSpec[], words: string[]): Cli {
  const { flags } = parseFlags(words.slice(0, -1), globalFlags, false);
  const configDir = Cli.configDirFrom(flags.changed('config') ? flags.string('config') : undefined);
  const ep = resolveEndpoint(flags, new ContextStore(configDir));
  return new Cli(ep.host, configDir, ep.tls, ep.context);
}

export async function printCompletions(cli: Cli, globalFlags: FlagSpec[], words: string[]): Promise<number> {
  let result;
  try {
    let target = cli;
    try {
      target = typedCli(globalFlags, words);
    } catch {
      // a half-typed global flag: complete against the engine of the environment
    }
    result = await completions(target, globalFlags, words);
  } catch {
    // An engine that cannot be reached offers no names; the shell then offers nothing either.
    result = { candidates: [], directive: NO_FILES };
  }
  const lines = result.candidates.map((c) => (c.desc ? `${c.value}\t${c.desc}` : c.value));
  cli.out([...lines, `:${result.directive}`, ''].join('\n'));
  return 0;
}
