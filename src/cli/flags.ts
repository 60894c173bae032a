// Command-line flag parsing with the semantics of spf13/pflag as docker uses it: long flags
// (--name value, --name=value), shorthand clusters (-it, -p80:80, -e=X), repeatable list flags,
// `--` as terminator, optional stop at the first positional (non-interspersed commands like run).

export type FlagKind = 'bool' | 'string' | 'int' | 'list';

export interface FlagSpec {
  name: string;
  short?: string;
  kind: FlagKind;
  /** Type name shown in help ("list", "filter", "duration"...); defaults from kind. */
  typeName?: string;
  usage: string;
  /** Default shown in help as pflag does; also the parsed value when the flag is absent. */
  default?: string | number | boolean;
  hidden?: boolean;
  /** Checks a raw value when parsed; returns the error text (after "invalid argument ... flag: "). */
  validate?: (raw: string) => string | undefined;
}

export type FlagValue = string | number | boolean | string[];

export class FlagError extends Error {}

export class ParsedFlags {
  constructor(
    private readonly values: Map<string, FlagValue>,
    private readonly specs: Map<string, FlagSpec>,
  ) {}

  /** Whether the flag was given on the command line. */
  changed(name: string): boolean {
    return this.values.has(name);
  }

  bool(name: string): boolean {
    const v = this.values.get(name);
    if (v !== undefined) return v as boolean;
    return (this.specs.get(name)?.default as boolean | undefined) ?? false;
  }

  string(name: string): string {
    const v = this.values.get(name);
    if (v !== undefined) return v as string;
    const d = this.specs.get(name)?.default;
    return d === undefined ? '' : String(d);
  }

  int(name: string): number {
    const v = this.values.get(name);
    if (v !== undefined) return v as number;
    return (this.specs.get(name)?.default as number | undefined) ?? 0;
  }

  list(name: string): string[] {
    return (this.values.get(name) as string[] | undefined) ?? [];
  }
}

export interface ParseResult {
  flags: ParsedFlags;
  args: string[];
  help: boolean;
}

export const helpFlag: FlagSpec = { name: 'help', kind: 'bool', usage: 'Print usage', hidden: true };

function typeLabel(spec: FlagSpec): string {
  return spec.typeName ?? (spec.kind === 'bool' ? '' : spec.kind === 'list' ? 'list' : spec.kind);
}

export function describeFlag(spec: FlagSpec): string {
  return spec.short ? `-${spec.short}, --${spec.name}` : `--${spec.name}`;
}

function setValue(values: Map<string, FlagValue>, spec: FlagSpec, raw: string): void {
  const problem = spec.validate?.(raw);
  if (problem) throw new FlagError(`invalid argument "${raw}" for "${describeFlag(spec)}" flag: ${problem}`);
  switch (spec.kind) {
    case 'bool': {
      const b = parseBool(raw);
      if (b === undefined) {
        throw new FlagError(
          `invalid argument "${raw}" for "${describeFlag(spec)}" flag: strconv.ParseBool: parsing "${raw}": invalid syntax`,
        );
      }
      values.set(spec.name, b);
      return;
    }
    case 'int': {
      if (!/^[+-]?\d+$/.test(raw)) {
        throw new FlagError(
          `invalid argument "${raw}" for "${describeFlag(spec)}" flag: strconv.ParseInt: parsing "${raw}": invalid syntax`,
        );
      }
      values.set(spec.name, Number(raw));
      return;
    }
    case 'list': {
      const prev = (values.get(spec.name) as string[] | undefined) ?? [];
      values.set(spec.name, [...prev, raw]);
      return;
    }
    default:
      values.set(spec.name, raw);
  }
}

function parseBool(s: string): boolean | undefined {
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(s)) return false;
  return undefined;
}

/** Parses argv against the given specs. `interspersed` false stops at the first positional. */
export function parseFlags(argv: string[], specs: FlagSpec[], interspersed = true): ParseResult {
  const byName = new Map<string, FlagSpec>();
  const byShort = new Map<string, FlagSpec>();
  for (const s of [...specs, helpFlag]) {
    byName.set(s.name, s);
    if (s.short) byShort.set(s.short, s);
  }
  if (!byShort.has('h')) byShort.set('h', helpFlag);
  const values = new Map<string, FlagValue>();
  const args: string[] = [];
  let i = 0;
  while (i < argv.length) {
    const a = argv[i++];
    if (a === '--') {
      args.push(...argv.slice(i));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      const spec = byName.get(name);
      if (!spec) throw new FlagError(`unknown flag: --${name}`);
      if (eq >= 0) setValue(values, spec, a.slice(eq + 1));
      else if (spec.kind === 'bool') setValue(values, spec, 'true');
      else if (i < argv.length) setValue(values, spec, argv[i++]);
      else throw new FlagError(`flag needs an argument: --${name}`);
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      let rest = a.slice(1);
      while (rest.length) {
        const c = rest[0];
        const spec = byShort.get(c);
        if (!spec) throw new FlagError(`unknown shorthand flag: '${c}' in ${a}`);
        rest = rest.slice(1);
        if (spec.kind === 'bool') {
          if (rest.startsWith('=')) {
            setValue(values, spec, rest.slice(1));
            rest = '';
          } else setValue(values, spec, 'true');
          continue;
        }
        if (rest.startsWith('=')) rest = rest.slice(1);
        else if (rest === '') {
          if (i >= argv.length) throw new FlagError(`flag needs an argument: '${c}' in -${c}`);
          rest = argv[i++];
        }
        setValue(values, spec, rest);
        rest = '';
      }
      continue;
    }
    args.push(a);
    if (!interspersed) {
      args.push(...argv.slice(i));
      break;
    }
  }
  const help = values.get('help') === true;
  values.delete('help');
  return { flags: new ParsedFlags(values, byName), args, help };
}

// pflag's usage wrapping (FlagUsagesWrapped): descriptions wrap at the terminal width with a
// little slop so short words do not end up alone on the last line.
function wrapN(i: number, slop: number, s: string): [string, string] {
  if (i + slop > s.length) return [s, ''];
  const head = s.slice(0, i);
  const w = Math.max(head.lastIndexOf(' '), head.lastIndexOf('\t'), head.lastIndexOf('\n'));
  if (w <= 0) return [s, ''];
  const nl = head.lastIndexOf('\n');
  if (nl > 0 && nl < w) return [s.slice(0, nl), s.slice(nl + 1)];
  return [s.slice(0, w), s.slice(w + 1)];
}

export function wrapText(indent: number, width: number, s: string): string {
  let wrap = width - indent;
  let out = '';
  if (wrap < 24) {
    indent = 16;
    wrap = width - indent;
    out += '\n' + ' '.repeat(indent);
  }
  const pad = '\n' + ' '.repeat(indent);
  if (wrap < 24) return s.replaceAll('\n', out || pad);
  const slop = 5;
  wrap -= slop;
  let [line, rest] = wrapN(wrap, slop, s);
  out += line.replaceAll('\n', pad);
  while (rest !== '') {
    [line, rest] = wrapN(wrap, slop, rest);
    out += pad + line.replaceAll('\n', pad);
  }
  return out;
}

function defaultSuffix(spec: FlagSpec): string {
  const d = spec.default;
  if (d === undefined || d === false || d === '' || d === 0) return '';
  if (spec.kind === 'string' && typeof d === 'string' && !spec.typeName) return ` (default ${JSON.stringify(d)})`;
  return ` (default ${d})`;
}

/** The "Options:" block of a help page, formatted as pflag does. */
export function flagUsages(specs: FlagSpec[], width: number): string {
  const visible = specs.filter((s) => !s.hidden).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const lines: Array<[string, string]> = [];
  let maxlen = 0;
  for (const s of visible) {
    let head = s.short ? `  -${s.short}, --${s.name}` : `      --${s.name}`;
    const t = typeLabel(s);
    if (t) head += ` ${t}`;
    maxlen = Math.max(maxlen, head.length + 1);
    lines.push([head, s.usage + defaultSuffix(s)]);
  }
  return lines
    .map(([head, usage]) => `${head} ${' '.repeat(maxlen - head.length)} ${wrapText(maxlen + 2, width, usage)}`)
    .join('\n');
}
