// Template functions: Go's text/template builtins plus the ones docker adds (json, split, join,
// title, lower, upper, pad, truncate). In table headers docker swaps its own for identities.
import { goFormat, GoMap, isTrue, toJSON } from './values.js';

export type TemplateFunc = (...args: unknown[]) => unknown;

export class ExecError extends Error {}

function str(v: unknown): string {
  return typeof v === 'string' ? v : goFormat(v);
}

function comparable(a: unknown, b: unknown, op: string): void {
  const ta = typeof a;
  const tb = typeof b;
  if (ta !== tb || (ta !== 'number' && ta !== 'string' && ta !== 'boolean' && !(op === 'eq' && a === null))) {
    if (!(a === null && b === null)) throw new ExecError(`error calling ${op}: incompatible types for comparison`);
  }
}

function eq(a: unknown, ...rest: unknown[]): boolean {
  if (!rest.length) throw new ExecError('wrong number of args for eq: want at least 1 got 0');
  return rest.some((b) => {
    comparable(a, b, 'eq');
    return a === b;
  });
}

function order(op: string, test: (x: number) => boolean) {
  return (a: unknown, b: unknown): boolean => {
    comparable(a, b, op);
    if (typeof a === 'boolean') throw new ExecError(`error calling ${op}: invalid type for comparison`);
    return test(a! < b! ? -1 : a! > b! ? 1 : 0);
  };
}

/** fmt.Sprint: spaces between operands when neither side is a string. */
function sprint(args: unknown[]): string {
  let out = '';
  args.forEach((a, i) => {
    if (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += str(a);
  });
  return out;
}

/** fmt.Sprintf for the common verbs (%v %s %d %q %t %f %x %%) with width and precision. */
export function sprintf(format: string, args: unknown[]): string {
  let argi = 0;
  return format.replace(/%([-+# 0]*)(\d+)?(?:\.(\d+))?([vsdqtfxXeg%])/g, (_m, flags: string, width, prec, verb) => {
    if (verb === '%') return '%';
    if (argi >= args.length) return `%!${verb}(MISSING)`;
    const a = args[argi++];
    let s: string;
    switch (verb) {
      case 'd':
        s = typeof a === 'number' ? String(Math.trunc(a)) : `%!d(${typeof a}=${str(a)})`;
        break;
      case 'q':
        s = JSON.stringify(str(a));
        break;
      case 'f':
        s = typeof a === 'number' ? a.toFixed(prec === undefined ? 6 : Number(prec)) : `%!f(${typeof a}=${str(a)})`;
        break;
      case 'x':
      case 'X':
        s = typeof a === 'number' ? a.toString(16) : Buffer.from(str(a)).toString('hex');
        if (verb === 'X') s = s.toUpperCase();
        break;
      default:
        s = str(a);
        if (prec !== undefined && verb === 's') s = s.slice(0, Number(prec));
    }
    if (width !== undefined && s.length < Number(width)) {
      const pad = (flags.includes('0') && !flags.includes('-') ? '0' : ' ').repeat(Number(width) - s.length);
      s = flags.includes('-') ? s + pad : pad + s;
    }
    return s;
  });
}

function index(item: unknown, ...keys: unknown[]): unknown {
  let cur = item;
  for (const k of keys) {
    if (Array.isArray(cur) || typeof cur === 'string') {
      if (typeof k !== 'number') throw new ExecError(`error calling index: cannot index slice/array with type ${typeof k}`);
      if (k < 0 || k >= cur.length) throw new ExecError(`error calling index: index out of range: ${k}`);
      cur = typeof cur === 'string' ? cur.charCodeAt(k) : cur[k];
    } else if (cur instanceof GoMap) {
      const v = cur.entries[str(k)];
      cur = v === undefined ? (Object.values(cur.entries).every((x) => typeof x === 'string') ? '' : null) : v;
    } else if (cur === null || cur === undefined) {
      throw new ExecError('error calling index: index of untyped nil');
    } else throw new ExecError(`error calling index: can't index item of type ${typeof cur}`);
  }
  return cur;
}

function length(v: unknown): number {
  if (typeof v === 'string') return Buffer.byteLength(v);
  if (Array.isArray(v)) return v.length;
  if (v instanceof GoMap) return Object.keys(v.entries).length;
  throw new ExecError(`error calling len: len of type ${v === null ? 'nil' : typeof v}`);
}

function titleCase(s: string): string {
  return s.replace(/(^|[^\p{L}\p{N}_'])(\p{L})/gu, (_m, pre: string, c: string) => pre + c.toUpperCase());
}

export const builtins: Record<string, TemplateFunc> = {
  and: (...a) => a.find((x) => !isTrue(x)) ?? a[a.length - 1],
  or: (...a) => a.find((x) => isTrue(x)) ?? a[a.length - 1],
  not: (a) => !isTrue(a),
  len: length,
  index,
  slice: (v, i?, j?) => {
    if (typeof v !== 'string' && !Array.isArray(v)) throw new ExecError("error calling slice: can't slice item");
    return v.slice((i as number | undefined) ?? 0, (j as number | undefined) ?? v.length);
  },
  print: (...a) => sprint(a),
  println: (...a) => `${a.map(str).join(' ')}\n`,
  printf: (f, ...a) => sprintf(str(f), a),
  eq: (a, ...b) => eq(a, ...b),
  ne: (a, b) => !eq(a, b),
  lt: order('lt', (x) => x < 0),
  le: order('le', (x) => x <= 0),
  gt: order('gt', (x) => x > 0),
  ge: order('ge', (x) => x >= 0),
  html: (...a) => sprint(a).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;'),
  js: (...a) => sprint(a).replace(/[\\'"<>&=]/g, (c) => `\\u00${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`),
  urlquery: (...a) => encodeURIComponent(sprint(a)),
  call: (fn, ...a) => {
    if (typeof fn !== 'function') throw new ExecError('error calling call: non-function of type');
    return (fn as TemplateFunc)(...a);
  },
  json: (v) => toJSON(v),
  split: (s, sep) => str(s).split(str(sep)),
  join: (a, sep) => {
    if (!Array.isArray(a)) throw new ExecError(`error calling join: wrong type for value; expected []string; got ${typeof a}`);
    return a.map(str).join(str(sep));
  },
  title: (s) => titleCase(str(s)),
  lower: (s) => str(s).toLowerCase(),
  upper: (s) => str(s).toUpperCase(),
  pad: (s, pre, post) => (str(s) === '' ? '' : ' '.repeat(Number(pre)) + str(s) + ' '.repeat(Number(post))),
  truncate: (s, n) => (str(s).length < Number(n) ? str(s) : str(s).slice(0, Number(n))),
};

/** docker's HeaderFunctions: formatting functions leave header names as they are. */
export const headerFuncs: Record<string, TemplateFunc> = {
  ...builtins,
  json: (v) => str(v),
  split: (v) => str(v),
  join: (v) => str(v),
  title: (v) => str(v),
  lower: (v) => str(v),
  upper: (v) => str(v),
  pad: (v) => str(v),
  truncate: (v) => str(v),
};
