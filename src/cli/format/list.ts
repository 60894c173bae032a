// docker's --format handling for list commands: "table" (default columns), "table TEMPLATE",
// "json", or a bare Go template; tables get a header row and tabwriter alignment.
import { headerFuncs, type TemplateFunc } from '../../common/go-template/funcs.js';
import { ExecError, Template } from '../../common/go-template/exec.js';
import { GoMap, MARSHAL, TYPE_NAME } from '../../common/go-template/values.js';
import { StatusError } from '../context.js';
import { TemplateError } from '../../common/go-template/parse.js';
import { tabwrite } from './tabwriter.js';

export interface ListSpec {
  /** The user's --format (or config default), possibly empty. */
  format: string;
  /** Default table template (with "table " prefix). */
  table: string;
  quiet?: boolean;
  /** Template used by -q. */
  quietFormat?: string;
  /** Header names for every field. */
  headers: Record<string, string>;
  /** Error prefixes docker uses for this command (they differ between commands). */
  parseErrorPrefix?: string;
  execErrorPrefix?: string;
}

/** Resolves what template to run: the final source and whether it is a table. */
export function resolveFormat(spec: ListSpec): { table: boolean; source: string } {
  let src = spec.format || 'table';
  if (src === 'table' && spec.quiet) src = spec.quietFormat ?? '{{.ID}}';
  else if (src === 'table') src = spec.table;
  else if (src === 'json') src = '{{json .}}';
  const table = src.startsWith('table');
  if (table) src = src.slice('table'.length);
  src = src.replace(/^ +| +$/g, '').replaceAll('\\t', '\t').replaceAll('\\n', '\n');
  return { table, source: src };
}

export function compileTemplate(source: string, prefix = 'template parsing error: ', code = 64): Template {
  try {
    return new Template(source);
  } catch (e) {
    if (e instanceof TemplateError) throw new StatusError(code, `${prefix}${e.message}`);
    throw e;
  }
}

export function execute(tmpl: Template, data: unknown, prefix: string, funcs?: Record<string, TemplateFunc>): string {
  try {
    return tmpl.execute(data, funcs);
  } catch (e) {
    if (e instanceof ExecError) throw new StatusError(1, `${prefix}${e.message}`);
    throw e;
  }
}

/** docker's SubHeaderContext.Label: the last dotted part, with - and _ as spaces. */
function labelHeader(name: unknown): string {
  const parts = String(name).split('.');
  return parts[parts.length - 1].replace(/[-_]/g, ' ');
}

/** Renders rows (formatter contexts) as docker prints a list. */
export function renderList(spec: ListSpec, rows: object[]): string {
  const { table, source } = resolveFormat(spec);
  const tmpl = compileTemplate(source, spec.parseErrorPrefix, 1);
  const execPrefix = spec.execErrorPrefix ?? 'template parsing error: ';
  let body = '';
  for (const row of rows) body += `${execute(tmpl, row, execPrefix)}\n`;
  if (!table) return body;
  const header = execute(tmpl, new GoMap(spec.headers, { Label: labelHeader }), execPrefix, headerFuncs);
  return tabwrite(`${header}\n${body}`);
}

/** Executes a single template over one object (version, info, inspect -f). */
export function renderOne(format: string, data: unknown): string {
  const src = format === 'json' ? '{{json .}}' : format;
  return execute(compileTemplate(src), data, 'template parsing error: ');
}

/**
 * A row for a list template, like docker's formatter contexts: `typeName` names it in errors,
 * {{json .}} marshals its fields, and with `labels` it has docker's {{.Label "key"}} method.
 */
export function rowContext(fields: Record<string, unknown>, typeName: string, labels?: Record<string, string>): Record<string, unknown> {
  if (labels) fields.Label = (name: unknown) => labels[String(name)] ?? '';
  Object.defineProperty(fields, TYPE_NAME, { value: typeName });
  Object.defineProperty(fields, MARSHAL, {
    value: () => Object.fromEntries(Object.entries(fields).filter(([, v]) => typeof v !== 'function')),
  });
  return fields;
}
