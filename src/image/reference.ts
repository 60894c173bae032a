// Image references (name[:tag][@digest]) with Docker's grammar and error messages. Names are kept
// in familiar form, as reference.FamiliarName makes them: the default domain (which clients such
// as the docker CLI send) and `library/` are dropped, so `docker.io/library/x` is stored as `x`.
import { invalid } from '../common/errors.js';

const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*';
const DOMAIN_PART = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `${DOMAIN_PART}(?:\\.${DOMAIN_PART})*(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const REFERENCE = new RegExp(`^((?:${DOMAIN}/)?${COMPONENT}(?:/${COMPONENT})*)(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const ANY_CASE = new RegExp(`^((?:${DOMAIN}/)?${COMPONENT.replace(/a-z/g, 'a-zA-Z')}(?:/${COMPONENT.replace(/a-z/g, 'a-zA-Z')})*)(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const TAG_ONLY = new RegExp(`^${TAG}$`);
const NAME_MAX = 255;
const DEFAULT_DOMAINS = ['docker.io', 'index.docker.io'];
/** The default registry's legacy index address, as dockerd reports it in /info. */
export const INDEX_SERVER = `https://${DEFAULT_DOMAINS[1]}/v1/`;

export interface Reference {
  /** Familiar repository name: `busybox`, `myrepo/app`, `host:5000/app`. */
  name: string;
  tag?: string;
  digest?: string;
}

function hasDomain(first: string, rest: boolean): boolean {
  return rest && (first.includes('.') || first.includes(':') || first === 'localhost');
}

/** Parses a reference as `docker tag`/`docker import` do; throws Docker's 400 messages. */
export function parseReference(s: string): Reference {
  if (/^[a-f0-9]{64}$/.test(s)) throw invalid(`invalid repository name (${s}), cannot specify 64-byte hexadecimal strings`);
  const m = REFERENCE.exec(s);
  if (!m) {
    if (!s) throw invalid('invalid reference format');
    if (ANY_CASE.test(s)) throw invalid('invalid reference format: repository name must be lowercase');
    throw invalid('invalid reference format');
  }
  let name = m[1];
  if (name.length > NAME_MAX) throw invalid(`invalid reference format: repository name must not be more than ${NAME_MAX} characters`);
  let [first, ...rest] = name.split('/');
  if (DEFAULT_DOMAINS.includes(first) && rest.length) [first, ...rest] = rest;
  name = [first, ...rest].join('/');
  if (!hasDomain(first, rest.length > 0) && first === 'library' && rest.length === 1) name = rest[0];
  return { name, tag: m[2], digest: m[3] };
}

/** `name:tag` (tag defaulting to latest) for storing and matching. */
export function taggedName(ref: Reference): string {
  return `${ref.name}:${ref.tag ?? 'latest'}`;
}

/** The `repo` + `tag` query pair of /images/{name}/tag and /images/create. */
export function parseRepoTag(repo: string, tag: string): Reference {
  if (tag && !TAG_ONLY.test(tag)) throw invalid('invalid tag format');
  const ref = parseReference(repo);
  if (tag) {
    if (ref.digest) throw invalid('invalid reference format');
    ref.tag = tag;
  }
  if (ref.digest) throw invalid('refusing to create a tag with a digest reference');
  return ref;
}

/** Splits a stored `name:tag` at the tag's colon (the name may hold a registry port). */
export function splitTagged(tagged: string): { repo: string; tag: string } {
  const at = tagged.lastIndexOf(':');
  if (at < 0 || tagged.slice(at).includes('/')) return { repo: tagged, tag: 'latest' };
  return { repo: tagged.slice(0, at), tag: tagged.slice(at + 1) };
}

/** Docker's `reference=` filter: path.Match-style globs on the familiar name or name:tag. */
export function referenceMatches(pattern: string, tagged: string): boolean {
  const { repo } = splitTagged(tagged);
  const re = globToRegExp(pattern);
  return re.test(tagged) || (!pattern.includes(':') && re.test(repo));
}

function globToRegExp(glob: string): RegExp {
  let src = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i];
    if (ch === '*') src += '[^/]*';
    else if (ch === '?') src += '[^/]';
    else if (ch === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) { src += '\\['; continue; }
      let cls = glob.slice(i + 1, end);
      if (cls.startsWith('^')) cls = '^' + cls.slice(1);
      src += `[${cls.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else if (ch === '\\' && i + 1 < glob.length) src += `\\${glob[++i]}`;
    else src += ch.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${src}$`);
}
