// The `attrs` object of json-file lines, from the labels/labels-regex/env/env-regex/tag options
// (moby's Info.ExtraAttributes and loggerutils.ParseLogTag).
import { Template } from '../../../common/go-template/exec.js';
import type { LogInfo } from './types.js';
import { compileUserRegexp } from '../../../common/regexp.js';

const DEFAULT_TAG = '{{.ID}}';

function pick(source: Record<string, string>, keys: string | undefined, pattern: string | undefined, into: Record<string, string>): void {
  for (const key of keys ? keys.split(',') : []) {
    if (key in source) into[key] = source[key];
  }
  if (pattern !== undefined) {
    const re = compileUserRegexp(pattern);
    for (const [key, value] of Object.entries(source)) if (re.test(key)) into[key] = value;
  }
}

function envMap(env: string[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const kv of env) {
    const eq = kv.indexOf('=');
    if (eq > 0) map[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  return map;
}

function renderTag(template: string, info: LogInfo): string {
  const imageFullId = info.imageId.replace(/^sha256:/, '');
  return new Template(template || DEFAULT_TAG).execute({
    ID: info.id.slice(0, 12),
    FullID: info.id,
    Name: info.name.replace(/^\//, ''),
    ImageID: imageFullId.slice(0, 12),
    ImageFullID: imageFullId,
    ImageName: info.imageName,
    DaemonName: 'docker',
  });
}

/** The attrs for a container, keys sorted as Go marshals maps; undefined when there are none. */
export function logAttrs(opts: Record<string, string>, info: LogInfo | undefined): Record<string, string> | undefined {
  if (!info) return undefined;
  const attrs: Record<string, string> = {};
  pick(info.labels, opts.labels, opts['labels-regex'], attrs);
  pick(envMap(info.env), opts.env, opts['env-regex'], attrs);
  if (opts.tag !== undefined) attrs.tag = renderTag(opts.tag, info);
  const keys = Object.keys(attrs).sort();
  if (!keys.length) return undefined;
  return Object.fromEntries(keys.map((k) => [k, attrs[k]]));
}
