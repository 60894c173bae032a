// The `context` group: docker contexts kept in docker's own store (see context-store.ts), plus the
// built-in "default" context (the endpoint from -H/DOCKER_HOST).
import { readFileSync } from 'node:fs';
import { PROG, type Command } from '../command.js';
import { ContextStore, validateName, type ContextMeta, type TlsFiles } from '../context-store.js';
import { StatusError, type Cli } from '../context.js';
import { indentJSON } from '../format/json-indent.js';
import { renderList, renderOne } from '../format/list.js';
import type { FlagSpec } from '../flags.js';
import { escapeHTML, fromJSON, MARSHAL } from '../../common/go-template/values.js';
import { formatFlag } from './shared.js';

const DEFAULT_DESCRIPTION = 'Current DOCKER_HOST based configuration';

const HOST_WARNING =
  'Warning: DOCKER_HOST environment variable overrides the active context. To use a context, either set the global --context flag, or unset DOCKER_HOST environment variable.';

const store = (cli: Cli) => new ContextStore(cli.configDir);

/** The "default" context as docker describes it: in memory, pointing at -H/DOCKER_HOST. */
function defaultContext(cli: Cli): ContextMeta {
  const host = cli.contextName === 'default' ? cli.host : (process.env.DOCKER_HOST || 'unix:///var/run/docker.sock');
  return { Name: 'default', Metadata: { Description: DEFAULT_DESCRIPTION }, Endpoints: { docker: { Host: host, SkipTLSVerify: false } } };
}

function load(cli: Cli, name: string): ContextMeta {
  if (name === 'default') return defaultContext(cli);
  try {
    return store(cli).read(name);
  } catch (e) {
    throw new StatusError(1, (e as Error).message);
  }
}

function fail(e: unknown): never {
  throw new StatusError(1, e instanceof Error ? e.message : String(e));
}

/** Validates a context name, failing the command with docker's message. */
function checkName(name: string): void {
  try {
    validateName(name);
  } catch (e) {
    fail(e);
  }
}

const endpointHelp = `Docker endpoint config:

NAME                DESCRIPTION
from                Copy named context's Docker endpoint configuration
host                Docker endpoint on which to connect
ca                  Trust certs signed only by this CA
cert                Path to TLS certificate file
key                 Path to TLS key file
skip-tls-verify     Skip TLS certificate validation
`;

const endpointFlags: FlagSpec[] = [
  { name: 'description', kind: 'string', usage: 'Description of the context' },
  { name: 'docker', kind: 'string', typeName: 'stringToString', usage: 'set the docker endpoint', default: '[]' },
];

const ENDPOINT_KEYS = ['from', 'host', 'ca', 'cert', 'key', 'skip-tls-verify'];

function expandHome(p: string): string {
  return p.startsWith('~/') ? `${process.env.HOME || '/root'}${p.slice(1)}` : p;
}

/** Parses `--docker host=...,ca=...` into the endpoint and its TLS files. */
function parseDockerSpec(cli: Cli, spec: string, base: { meta: ContextMeta['Endpoints']['docker']; tls: TlsFiles }) {
  const kv: Record<string, string> = {};
  for (const part of spec.split(',')) {
    if (!part) continue;
    const i = part.indexOf('=');
    if (i < 0) fail(`unable to create docker endpoint config: ${part} must be formatted as key=value`);
    kv[part.slice(0, i)] = part.slice(i + 1);
  }
  for (const k of Object.keys(kv)) if (!ENDPOINT_KEYS.includes(k)) fail(`unable to create docker endpoint config: unrecognized config key: ${k}`);
  let { meta, tls } = base;
  if (kv.from) {
    const from = load(cli, kv.from);
    meta = from.Endpoints.docker;
    tls = kv.from === 'default' ? {} : store(cli).readTls(kv.from);
  }
  const ep = { Host: kv.host ?? meta?.Host ?? '', SkipTLSVerify: kv['skip-tls-verify'] !== undefined ? kv['skip-tls-verify'] === 'true' : !!meta?.SkipTLSVerify };
  const files: TlsFiles = { ...tls };
  for (const [key, file] of [['ca', 'ca.pem'], ['cert', 'cert.pem'], ['key', 'key.pem']]) {
    if (kv[key] === undefined) continue;
    try {
      files[file] = readFileSync(expandHome(kv[key]));
    } catch (e) {
      fail(`unable to create docker endpoint config: open ${kv[key]}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : String(e)}`);
    }
  }
  return { ep, files };
}

export const contextCreate: Command = {
  name: 'create',
  usage: '[OPTIONS] CONTEXT',
  short: 'Create a context',
  long: `Create a context\n\n${endpointHelp}\nExample:\n\n$ ${PROG} context create my-context --description "some description" --docker "host=tcp://myserver:2376,ca=~/ca-file,cert=~/cert-file,key=~/key-file"`,
  args: { min: 1, max: 1 },
  flags: [...endpointFlags, { name: 'from', kind: 'string', usage: 'create context from a named context' }],
  async run(cli, flags, [name]) {
    const s = store(cli);
    checkName(name);
    if (s.exists(name)) fail(`context "${name}" already exists`);
    const from = flags.string('from') || (flags.changed('docker') ? '' : cli.contextName);
    const source = from ? load(cli, from) : undefined;
    const base = { meta: source?.Endpoints.docker, tls: from && from !== 'default' ? s.readTls(from) : {} };
    const { ep, files } = parseDockerSpec(cli, flags.changed('docker') ? flags.string('docker') : '', base);
    const description = flags.changed('description') ? flags.string('description') : source?.Metadata.Description;
    s.write({ Name: name, Metadata: description ? { Description: description } : {}, Endpoints: { docker: ep } });
    s.writeTls(name, files);
    cli.out(`${name}\n`);
    cli.err(`Successfully created context "${name}"\n`);
  },
};

export const contextUpdate: Command = {
  name: 'update',
  usage: '[OPTIONS] CONTEXT',
  short: 'Update a context',
  long: `Update a context\n\n${endpointHelp}\nExample:\n\n$ ${PROG} context update my-context --description "some description" --docker "host=tcp://myserver:2376,ca=~/ca-file,cert=~/cert-file,key=~/key-file"`,
  args: { min: 1, max: 1 },
  flags: endpointFlags,
  async run(cli, flags, [name]) {
    const s = store(cli);
    checkName(name);
    const meta = load(cli, name);
    if (flags.changed('description')) meta.Metadata.Description = flags.string('description');
    if (flags.changed('docker')) {
      const { ep, files } = parseDockerSpec(cli, flags.string('docker'), { meta: undefined, tls: {} });
      meta.Endpoints.docker = ep;
      s.writeTls(name, files);
    }
    s.write(meta);
    cli.out(`${name}\n`);
    cli.err(`Successfully updated context "${name}"\n`);
  },
};

export const contextLs: Command = {
  name: 'ls',
  aliases: ['list'],
  usage: '[OPTIONS]',
  short: 'List contexts',
  aliasPaths: ['context ls', 'context list'],
  args: { min: 0, max: 0 },
  flags: [formatFlag(true), { name: 'quiet', short: 'q', kind: 'bool', usage: 'Only show context names' }],
  async run(cli, flags) {
    const format = flags.string('format');
    const all = [defaultContext(cli), ...store(cli).list()].sort((a, b) => (a.Name < b.Name ? -1 : 1));
    const rows = all.map((c) => {
      const current = c.Name === cli.contextName;
      const row: Record<string, unknown> = {
        Current: current,
        Description: c.Metadata.Description ?? '',
        DockerEndpoint: c.Endpoints.docker?.Host ?? '',
        Error: '',
        Name: c.Name,
      };
      const display = { ...row, Name: current && !format && !flags.bool('quiet') ? `${c.Name} *` : c.Name };
      Object.defineProperty(display, MARSHAL, { value: () => ({ ...row }) });
      return display;
    });
    cli.out(
      renderList(
        {
          format,
          table: 'table {{.Name}}\t{{.Description}}\t{{.DockerEndpoint}}\t{{.Error}}',
          quiet: flags.bool('quiet'),
          quietFormat: '{{.Name}}',
          headers: { Name: 'NAME', Description: 'DESCRIPTION', DockerEndpoint: 'DOCKER ENDPOINT', Error: 'ERROR', Current: 'CURRENT' },
        },
        rows,
      ),
    );
    if (process.env.DOCKER_HOST) cli.err(`${HOST_WARNING}\n`);
  },
};

export const contextShow: Command = {
  name: 'show',
  usage: '',
  short: 'Print the name of the current context',
  args: { min: 0, max: 0 },
  flags: [],
  async run(cli) {
    cli.out(`${cli.contextName}\n`);
  },
};

export const contextUse: Command = {
  name: 'use',
  usage: 'CONTEXT',
  short: 'Set the current docker context',
  args: { min: 1, max: 1 },
  flags: [],
  async run(cli, _f, [name]) {
    load(cli, name);
    store(cli).setCurrent(name);
    cli.out(`${name}\n`);
    cli.err(`Current context is now "${name}"\n`);
    if (name !== 'default' && process.env.DOCKER_HOST) cli.err(`${HOST_WARNING}\n`);
  },
};

export const contextRm: Command = {
  name: 'rm',
  aliases: ['remove'],
  usage: 'CONTEXT [CONTEXT...]',
  short: 'Remove one or more contexts',
  aliasPaths: ['context rm', 'context remove'],
  args: { min: 1 },
  flags: [{ name: 'force', short: 'f', kind: 'bool', usage: 'Force the removal of a context in use' }],
  async run(cli, flags, names) {
    const s = store(cli);
    const errors: string[] = [];
    for (const name of names) {
      if (name === 'default') errors.push(`context "default" cannot be removed`);
      else if (!s.exists(name)) {
        if (!flags.bool('force')) errors.push(`context "${name}" does not exist`);
      } else if (name === s.current() && !flags.bool('force')) errors.push(`context "${name}" is in use, set -f flag to force remove`);
      else {
        if (name === s.current()) s.setCurrent('default');
        s.remove(name);
        cli.out(`${name}\n`);
      }
    }
    if (errors.length) throw new StatusError(1, errors.join('\n'));
  },
};

export const contextInspect: Command = {
  name: 'inspect',
  usage: '[OPTIONS] [CONTEXT] [CONTEXT...]',
  short: 'Display detailed information on one or more contexts',
  flags: [formatFlag(false, 'f')],
  async run(cli, flags, args) {
    const names = args.length ? args : [cli.contextName];
    const s = store(cli);
    const objs: object[] = [];
    for (const name of names) {
      let meta;
      try {
        meta = load(cli, name);
      } catch (e) {
        if (!objs.length) cli.out('[]\n');
        throw e;
      }
      if (name === 'default') {
        objs.push({ ...meta, Metadata: {}, TLSMaterial: {}, Storage: { MetadataPath: '<IN MEMORY>', TLSPath: '<IN MEMORY>' } });
      } else {
        const tls = Object.keys(s.readTls(name));
        objs.push({ ...meta, TLSMaterial: tls.length ? { docker: tls } : {}, Storage: { MetadataPath: s.metaDir(name), TLSPath: s.tlsDir(name) } });
      }
    }
    const format = flags.string('format');
    if (format) {
      cli.out(objs.map((o) => `${renderOne(format, fromJSON(o))}\n`).join(''));
      return;
    }
    const raw = objs.map((o) => escapeHTML(JSON.stringify(o))).join(',');
    cli.out(`${indentJSON(`[${raw}]`, '', '    ')}\n`);
  },
};

export const contextExport: Command = {
  name: 'export',
  usage: '[OPTIONS] CONTEXT [FILE|-]',
  short: 'Export a context to a tar archive FILE or a tar stream on STDOUT.',
  args: { min: 1, max: 2 },
  flags: [],
  async run(cli, _f, [name, file]) {
    const { exportContext } = await import('./context-archive.js');
    const meta = load(cli, name);
    const data = await exportContext(meta, name === 'default' ? {} : store(cli).readTls(name));
    if (file === '-') {
      process.stdout.write(data);
      return;
    }
    const dest = file ?? `${name}.dockercontext`;
    const { writeFileSync } = await import('node:fs');
    try {
      writeFileSync(dest, data, { mode: 0o600, flag: 'wx' });
    } catch (e) {
      fail((e as NodeJS.ErrnoException).code === 'EEXIST' ? `open ${dest}: file exists` : e);
    }
    cli.err(`Written file "${dest}"\n`);
  },
};

export const contextImport: Command = {
  name: 'import',
  usage: 'CONTEXT FILE|-',
  short: 'Import a context from a tar or zip file',
  args: { min: 2, max: 2 },
  flags: [],
  async run(cli, _f, [name, file]) {
    const s = store(cli);
    checkName(name);
    if (s.exists(name)) fail(`context "${name}" already exists`);
    const { importContext } = await import('./context-archive.js');
    const { meta, tls } = await importContext(file === '-' ? process.stdin : (await import('node:fs')).createReadStream(file));
    s.write({ ...meta, Name: name });
    s.writeTls(name, tls);
    cli.out(`${name}\n`);
    cli.err(`Successfully imported context "${name}"\n`);
  },
};

export const commands: Command[] = [
  contextCreate,
  contextExport,
  contextImport,
  contextInspect,
  contextLs,
  contextRm,
  contextShow,
  contextUpdate,
  contextUse,
];
