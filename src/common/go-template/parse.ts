// Parser for the subset of Go's text/template that docker's --format and inspect -f accept.
// Written here rather than taken from npm because docker users rely on Go's exact semantics
// (trim markers, pipelines, variable scoping, range/with/else, field chains, printing rules).

export type Node =
  | { t: 'text'; text: string }
  | { t: 'action'; pipe: Pipeline }
  | { t: 'if' | 'with'; pipe: Pipeline; list: Node[]; elseList?: Node[] }
  | { t: 'range'; pipe: Pipeline; list: Node[]; elseList?: Node[] };

export interface Pipeline {
  decl: string[];
  /** true for `$x = ...` (assignment), false for `$x := ...` (declaration). */
  assign: boolean;
  cmds: Operand[][];
}

export type Operand =
  | { t: 'dot' }
  | { t: 'field'; path: string[]; pos: number }
  | { t: 'var'; name: string; path: string[]; pos: number }
  | { t: 'ident'; name: string; pos: number }
  | { t: 'string'; value: string }
  | { t: 'number'; value: number; text: string }
  | { t: 'bool'; value: boolean }
  | { t: 'nil' }
  | { t: 'pipe'; pipe: Pipeline; path: string[] };

export class TemplateError extends Error {}

type Tok = (
  | { k: 'field'; v: string; chained?: boolean }
  | { k: 'var'; v: string }
  | { k: 'ident'; v: string }
  | { k: 'string'; v: string }
  | { k: 'number'; v: string }
  | { k: 'char'; v: string }
  | { k: 'dot' }
  | { k: 'op'; v: '(' | ')' | '|' | ':=' | '=' | ',' }
) & { pos?: number };

function unquote(raw: string): string {
  if (raw.startsWith('`')) return raw.slice(1, -1);
  try {
    return JSON.parse(raw.replace(/\\x([0-9a-fA-F]{2})/g, '\\u00$1').replace(/\\a/g, '\\u0007'));
  } catch {
    throw new TemplateError(`invalid syntax: ${raw}`);
  }
}

function lexAction(src: string, name: string, base = 0): Tok[] {
  const toks: Tok[] = [];
  let tokStart = 0;
  const push = (t: Tok) => toks.push({ ...t, pos: base + tokStart });
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    tokStart = i;

    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '(' || c === ')' || c === '|' || c === ',') {
      push({ k: 'op', v: c });
      i++;
      continue;
    }
    if (src.startsWith(':=', i)) {
      push({ k: 'op', v: ':=' });
      i += 2;
      continue;
    }
    if (c === '=') {
      push({ k: 'op', v: '=' });
      i++;
      continue;
    }
    if (c === '"' || c === '`') {
      let j = i + 1;
      while (j < src.length && src[j] !== c) j += c === '"' && src[j] === '\\' ? 2 : 1;
      if (j >= src.length) throw new TemplateError(`template: ${name}:1: unterminated quoted string`);
      push({ k: 'string', v: unquote(src.slice(i, j + 1)) });
      i = j + 1;
      continue;
    }
    if (c === "'") {
      const m = /^'(\\.|[^'])'/.exec(src.slice(i));
      if (!m) throw new TemplateError(`template: ${name}:1: unterminated character constant`);
      push({ k: 'char', v: m[1] });
      i += m[0].length;
      continue;
    }
    if (c === '.' || c === '$') {
      const m = /^[.$][A-Za-z0-9_]*/.exec(src.slice(i))!;
      const word = m[0];
      i += word.length;
      if (c === '$') push({ k: 'var', v: word });
      else if (word === '.') {
        if (/[0-9]/.test(src[i] ?? '')) {
          const n = /^[0-9]+/.exec(src.slice(i))![0];
          push({ k: 'number', v: `.${n}` });
          i += n.length;
        } else push({ k: 'dot' });
      } else push({ k: 'field', v: word.slice(1), chained: i - word.length > 0 && /[A-Za-z0-9_)$]/.test(src[i - word.length - 1]) });
      continue;
    }
    const num = /^[+-]?(0x[0-9a-fA-F]+|\d+(\.\d*)?([eE][+-]?\d+)?)/.exec(src.slice(i));
    if (num && /[0-9+-]/.test(c)) {
      push({ k: 'number', v: num[0] });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (id) {
      push({ k: 'ident', v: id[0] });
      i += id[0].length;
      continue;
    }
    throw new TemplateError(`template: ${name}:1: unexpected "${c}" in command`);
  }
  return toks;
}

interface RawItem {
  kind: 'text' | 'action';
  text: string;
  offset: number;
}

function splitSource(src: string, name: string): RawItem[] {
  const items: RawItem[] = [];
  let pos = 0;
  let trimNextText = false;
  while (pos <= src.length) {
    const open = src.indexOf('{{', pos);
    let text = open < 0 ? src.slice(pos) : src.slice(pos, open);
    if (trimNextText) text = text.replace(/^\s+/, '');
    if (open < 0) {
      if (text) items.push({ kind: 'text', text, offset: pos });
      break;
    }
    let inner = open + 2;
    if (/^- /.test(src.slice(inner)) || /^-[\t\r\n]/.test(src.slice(inner))) {
      text = text.replace(/\s+$/, '');
      inner += 2;
    }
    if (text) items.push({ kind: 'text', text, offset: pos });
    // Find the closing delimiter, skipping quoted strings.
    let j = inner;
    let quote = '';
    for (; j < src.length; j++) {
      const ch = src[j];
      if (quote) {
        if (ch === '\\' && quote === '"') j++;
        else if (ch === quote) quote = '';
      } else if (ch === '"' || ch === '`' || ch === "'") quote = ch;
      else if (src.startsWith('}}', j)) break;
    }
    if (j >= src.length) throw new TemplateError(`template: ${name}:1: unclosed action`);
    let body = src.slice(inner, j);
    trimNextText = false;
    if (/[ \t\r\n]-$/.test(body)) {
      body = body.slice(0, -2);
      trimNextText = true;
    }
    items.push({ kind: 'action', text: body, offset: inner });
    pos = j + 2;
  }
  return items;
}

class Parser {
  private i = 0;
  constructor(
    private readonly items: RawItem[],
    private readonly name: string,
  ) {}

  fail(msg: string): never {
    throw new TemplateError(`template: ${this.name}:1: ${msg}`);
  }

  /** Parses nodes up to one of the terminators; `chain` holds the tokens of `{{else if ...}}`. */
  parseList(terminators: string[]): { list: Node[]; end: string; chain?: Tok[] } {
    const list: Node[] = [];
    while (this.i < this.items.length) {
      const item = this.items[this.i++];
      if (item.kind === 'text') {
        list.push({ t: 'text', text: item.text });
        continue;
      }
      const body = item.text.trim();
      if (body.startsWith('/*')) continue;
      const lead = item.text.length - item.text.trimStart().length;
      const toks = lexAction(body, this.name, item.offset + lead);
      const head = toks[0];
      if (!head) this.fail('missing value for command');
      if (head.k === 'ident' && (head.v === 'end' || head.v === 'else')) {
        if (!terminators.includes(head.v)) this.fail(`unexpected {{${head.v}}}`);
        if (head.v === 'else' && toks.length > 1) return { list, end: 'else', chain: toks.slice(1) };
        return { list, end: head.v };
      }
      if (head.k === 'ident' && (head.v === 'if' || head.v === 'with' || head.v === 'range')) {
        list.push(this.control(head.v, toks.slice(1)));
        continue;
      }
      list.push({ t: 'action', pipe: new PipeParser(toks, this.name).pipeline(false) });
    }
    if (terminators.length) this.fail('unexpected EOF');
    return { list, end: '' };
  }

  /** An if/with/range block through its {{end}}; `{{else if}}` chains nest and share that end. */
  private control(kind: 'if' | 'with' | 'range', toks: Tok[]): Node {
    const pipe = new PipeParser(toks, this.name).pipeline(kind === 'range');
    const body = this.parseList(['end', 'else']);
    let elseList: Node[] | undefined;
    if (body.chain) {
      const head = body.chain[0];
      if (head.k !== 'ident' || (head.v !== 'if' && head.v !== 'with')) this.fail('unexpected tokens after else');
      elseList = [this.control(head.v, body.chain.slice(1))];
    } else if (body.end === 'else') {
      elseList = this.parseList(['end']).list;
    }
    return { t: kind, pipe, list: body.list, elseList };
  }
}

class PipeParser {
  private p = 0;
  constructor(
    private readonly toks: Tok[],
    private readonly name: string,
  ) {}

  fail(msg: string): never {
    throw new TemplateError(`template: ${this.name}:1: ${msg}`);
  }

  private peek(): Tok | undefined {
    return this.toks[this.p];
  }

  pipeline(allowTwoVars: boolean, closing?: ')'): Pipeline {
    const decl: string[] = [];
    let assign = false;
    // Variable declarations: `$x :=`, `$x =`, `$i, $e :=` (range only).
    const save = this.p;
    const t0 = this.peek();
    if (t0?.k === 'var') {
      const t1 = this.toks[this.p + 1];
      if (t1?.k === 'op' && (t1.v === ':=' || t1.v === '=')) {
        decl.push(t0.v);
        assign = t1.v === '=';
        this.p += 2;
      } else if (allowTwoVars && t1?.k === 'op' && t1.v === ',') {
        const t2 = this.toks[this.p + 2];
        const t3 = this.toks[this.p + 3];
        if (t2?.k === 'var' && t3?.k === 'op' && (t3.v === ':=' || t3.v === '=')) {
          decl.push(t0.v, t2.v);
          assign = t3.v === '=';
          this.p += 4;
        } else this.p = save;
      }
    }
    const cmds: Operand[][] = [];
    let cmd: Operand[] = [];
    for (;;) {
      const t = this.peek();
      if (!t || (closing && t.k === 'op' && t.v === ')')) break;
      if (t.k === 'op' && t.v === '|') {
        if (!cmd.length) this.fail('missing command');
        cmds.push(cmd);
        cmd = [];
        this.p++;
        continue;
      }
      cmd.push(this.operand());
    }
    if (cmd.length) cmds.push(cmd);
    else if (cmds.length) this.fail('missing command');
    if (!cmds.length) this.fail('missing value for command');
    return { decl, assign, cmds };
  }

  private fieldChain(): string[] {
    const path: string[] = [];
    while (this.peek()?.k === 'field' && (this.peek() as { chained?: boolean }).chained) path.push((this.toks[this.p++] as { v: string }).v);
    return path;
  }

  private operand(): Operand {
    const t = this.toks[this.p++];
    switch (t.k) {
      case 'dot':
        return { t: 'dot' };
      case 'field':
        return { t: 'field', path: [t.v, ...this.fieldChain()], pos: t.pos ?? 0 };
      case 'var':
        return { t: 'var', name: t.v, path: this.fieldChain(), pos: t.pos ?? 0 };
      case 'string':
        return { t: 'string', value: t.v };
      case 'char':
        return { t: 'number', value: unquote(`"${t.v}"`).codePointAt(0) ?? 0, text: t.v };
      case 'number':
        return { t: 'number', value: Number(t.v), text: t.v };
      case 'ident':
        if (t.v === 'true' || t.v === 'false') return { t: 'bool', value: t.v === 'true' };
        if (t.v === 'nil') return { t: 'nil' };
        return { t: 'ident', name: t.v, pos: t.pos ?? 0 };
      case 'op':
        if (t.v === '(') {
          const pipe = this.pipeline(false, ')');
          if (this.peek()?.k !== 'op') this.fail('unclosed left paren');
          this.p++;
          return { t: 'pipe', pipe, path: this.fieldChain() };
        }
        return this.fail(`unexpected "${t.v}" in operand`);
    }
  }
}

export function parseTemplate(src: string, name = ''): Node[] {
  const parser = new Parser(splitSource(src, name), name);
  return parser.parseList([]).list;
}
