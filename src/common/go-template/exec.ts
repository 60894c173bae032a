// Executes parsed templates with Go's semantics: dot and $ handling, variable scopes per block,
// pipelines passing the previous value as the last argument, range over slices and sorted maps.
import { builtins, ExecError, type TemplateFunc } from './funcs.js';
import { parseTemplate, type Node, type Operand, type Pipeline } from './parse.js';
import { goFormat, GoMap, isTrue, TYPE_NAME } from './values.js';

/** An execution failure at a template position, formatted like Go's ExecError. */
class PositionedError extends Error {
  constructor(
    readonly pos: number,
    readonly node: string,
    message: string,
  ) {
    super(message);
  }
}

interface Scope {
  vars: Array<[string, unknown]>;
}

function describeOperand(op: Operand): string {
  switch (op.t) {
    case 'dot':
      return '.';
    case 'field':
      return `.${op.path.join('.')}`;
    case 'var':
      return op.name + op.path.map((p) => `.${p}`).join('');
    case 'ident':
      return op.name;
    default:
      return '';
  }
}

class Executor {
  private out = '';
  constructor(private readonly funcs: Record<string, TemplateFunc>) {}

  run(nodes: Node[], dot: unknown): string {
    const scope: Scope = { vars: [['$', dot]] };
    this.walk(nodes, dot, scope);
    return this.out;
  }

  private walk(nodes: Node[], dot: unknown, scope: Scope): void {
    for (const n of nodes) {
      switch (n.t) {
        case 'text':
          this.out += n.text;
          break;
        case 'action': {
          const v = this.pipeline(n.pipe, dot, scope);
          if (!n.pipe.decl.length) this.out += goFormat(v);
          break;
        }
        case 'if':
        case 'with': {
          const mark = scope.vars.length;
          const v = this.pipeline(n.pipe, dot, scope);
          if (isTrue(v)) this.walk(n.list, n.t === 'with' ? v : dot, scope);
          else if (n.elseList) this.walk(n.elseList, dot, scope);
          scope.vars.length = mark;
          break;
        }
        case 'range':
          this.range(n, dot, scope);
          break;
      }
    }
  }

  private range(n: Extract<Node, { t: 'range' }>, dot: unknown, scope: Scope): void {
    const mark = scope.vars.length;
    const decl = n.pipe.decl;
    const v = this.pipeline({ ...n.pipe, decl: [] }, dot, scope);
    const items: Array<[unknown, unknown]> = [];
    if (Array.isArray(v)) v.forEach((e, i) => items.push([i, e]));
    else if (v instanceof GoMap) for (const k of v.keys()) items.push([k, v.entries[k]]);
    else if (typeof v === 'number' && Number.isInteger(v)) for (let i = 0; i < v; i++) items.push([i, i]);
    else if (v !== null && v !== undefined) throw new ExecError(`range can't iterate over ${goFormat(v)}`);
    for (const [k, e] of items) {
      if (decl.length === 1) scope.vars.push([decl[0], e]);
      else if (decl.length === 2) scope.vars.push([decl[0], k], [decl[1], e]);
      this.walk(n.list, e, scope);
      scope.vars.length = mark;
    }
    if (!items.length && n.elseList) this.walk(n.elseList, dot, scope);
  }

  private lookupVar(name: string, scope: Scope): unknown {
    for (let i = scope.vars.length - 1; i >= 0; i--) if (scope.vars[i][0] === name) return scope.vars[i][1];
    throw new ExecError(`undefined variable: ${name}`);
  }

  private pipeline(p: Pipeline, dot: unknown, scope: Scope): unknown {
    let value: unknown;
    let piped = false;
    for (const cmd of p.cmds) {
      value = this.command(cmd, dot, scope, piped ? [value] : []);
      piped = true;
    }
    if (p.decl.length) {
      if (p.assign) {
        const idx = scope.vars.map((v) => v[0]).lastIndexOf(p.decl[0]);
        if (idx < 0) throw new ExecError(`undefined variable: ${p.decl[0]}`);
        scope.vars[idx][1] = value;
      } else scope.vars.push([p.decl[0], value]);
    }
    return value;
  }

  private command(cmd: Operand[], dot: unknown, scope: Scope, piped: unknown[]): unknown {
    const [head, ...rest] = cmd;
    const args = () => [...rest.map((a) => this.arg(a, dot, scope)), ...piped];
    if (head.t === 'ident') {
      const fn = this.funcs[head.name];
      if (!fn) throw new ExecError(`function "${head.name}" not defined`);
      const values = args();
      try {
        return fn(...values);
      } catch (e) {
        if (e instanceof ExecError) throw new PositionedError(head.pos, head.name, e.message);
        throw e;
      }
    }
    const hasArgs = rest.length > 0 || piped.length > 0;
    if (head.t === 'field' || head.t === 'var' || head.t === 'pipe') {
      const fieldValue = this.resolve(head, dot, scope, hasArgs ? args : undefined);
      return fieldValue;
    }
    if (hasArgs) throw new ExecError(`can't give argument to non-function ${describeOperand(head)}`);
    return this.arg(head, dot, scope);
  }

  private arg(op: Operand, dot: unknown, scope: Scope): unknown {
    switch (op.t) {
      case 'dot':
        return dot;
      case 'string':
      case 'number':
      case 'bool':
        return op.value;
      case 'nil':
        return null;
      case 'ident': {
        const fn = this.funcs[op.name];
        if (!fn) throw new ExecError(`function "${op.name}" not defined`);
        return fn();
      }
      default:
        return this.resolve(op, dot, scope);
    }
  }

  /** Evaluates a field chain; the final element may be a method called with `args`. */
  private resolve(op: Operand, dot: unknown, scope: Scope, args?: () => unknown[]): unknown {
    let base: unknown;
    let path: string[];
    if (op.t === 'field') {
      base = dot;
      path = op.path;
    } else if (op.t === 'var') {
      base = this.lookupVar(op.name, scope);
      path = op.path;
    } else if (op.t === 'pipe') {
      base = this.pipeline(op.pipe, dot, scope);
      path = op.path;
    } else throw new ExecError('bad operand');
    let cur = base;
    path.forEach((name, i) => {
      const last = i === path.length - 1;
      try {
        cur = this.field(cur, name, last ? args : undefined);
      } catch (e) {
        if (e instanceof ExecError) throw new PositionedError('pos' in op ? op.pos : 0, describeOperand(op), e.message);
        throw e;
      }
    });
    if (!path.length && args) throw new ExecError(`can't give argument to non-function ${describeOperand(op)}`);
    return cur;
  }

  private field(recv: unknown, name: string, args: (() => unknown[]) | undefined): unknown {
    if (recv instanceof GoMap) {
      const method = recv.methods[name];
      if (method) return method(...(args ? args() : []));
      if (args) throw new ExecError(`${name} is not a method but has arguments`);
      return recv.entries[name];
    }
    if (recv === undefined) return undefined;
    if (recv === null) throw new ExecError(`nil pointer evaluating interface {}.${name}`);
    if (typeof recv === 'object' && !Array.isArray(recv)) {
      if (name in recv) {
        const v = (recv as Record<string, unknown>)[name];
        if (typeof v === 'function') return (v as TemplateFunc).apply(recv, args ? args() : []);
        if (args) throw new ExecError(`${name} has arguments but cannot be invoked as function`);
        return v;
      }
      const type = (recv as { [TYPE_NAME]?: string })[TYPE_NAME];
      if (type) throw new ExecError(`can't evaluate field ${name} in type ${type}`);
      throw new ExecError(`map has no entry for key "${name}"`);
    }
    throw new ExecError(`can't evaluate field ${name} in type ${typeName(recv)}`);
  }
}

function typeName(v: unknown): string {
  if (Array.isArray(v)) return '[]interface {}';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'int';
  if (typeof v === 'boolean') return 'bool';
  return 'struct';
}

export class Template {
  private readonly nodes: Node[];
  constructor(private readonly source: string) {
    this.nodes = parseTemplate(source);
  }

  execute(data: unknown, funcs: Record<string, TemplateFunc> = builtins): string {
    try {
      return new Executor(funcs).run(this.nodes, data);
    } catch (e) {
      if (e instanceof PositionedError) {
        const before = this.source.slice(0, e.pos);
        const line = before.split('\n').length;
        const col = e.pos - (before.lastIndexOf('\n') + 1);
        throw new ExecError(`template: :${line}:${col}: executing "" at <${e.node}>: ${e.message}`);
      }
      if (e instanceof ExecError) throw new ExecError(`template: :1: executing "": ${e.message}`);
      throw e;
    }
  }
}

export { ExecError };
