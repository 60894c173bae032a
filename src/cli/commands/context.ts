// The `context` group for the built-in "default" context (the endpoint from -H/DOCKER_HOST).
import type { Command } from '../command.js';
import { StatusError } from '../context.js';
import { indentJSON } from '../format/json-indent.js';
import { renderList, renderOne } from '../format/list.js';
import { escapeHTML, fromJSON, MARSHAL } from '../template/values.js';
import { formatFlag } from './shared.js';

function requireDefault(name: string): void {
  if (name !== 'default') throw new StatusError(1, `context "${name}" does not exist`);
}

export const contextLs: Command = {
  name: 'ls',
  aliases: ['list'],
  usage: '[OPTIONS]',
  short: 'List contexts',
  aliasPaths: ['context ls', 'context list'],
  args: { min: 0, max: 0 },
  flags: [formatFlag(true), { name: 'quiet', short: 'q', kind: 'bool', usage: 'Only show context names' }],
  async run(cli, flags) {
    if (process.env.DOCKER_HOST) {
      cli.err(
        'Warning: DOCKER_HOST environment variable overrides the active context. To use a context, either set the global --context flag, or unset DOCKER_HOST environment variable.\n',
      );
    }
    const row: Record<string, unknown> = {
      Current: true,
      Description: 'Current DOCKER_HOST based configuration',
      DockerEndpoint: cli.host,
      Error: '',
      Name: 'default',
    };
    const format = flags.string('format');
    const display = { ...row, Name: format ? 'default' : 'default *' };
    Object.defineProperty(display, MARSHAL, { value: () => ({ ...row }) });
    cli.out(
      renderList(
        {
          format,
          table: 'table {{.Name}}\t{{.Description}}\t{{.DockerEndpoint}}\t{{.Error}}',
          quiet: flags.bool('quiet'),
          quietFormat: '{{.Name}}',
          headers: { Name: 'NAME', Description: 'DESCRIPTION', DockerEndpoint: 'DOCKER ENDPOINT', Error: 'ERROR', Current: 'CURRENT' },
        },
        [display],
      ),
    );
  },
};

export const contextShow: Command = {
  name: 'show',
  usage: '',
  short: 'Print the name of the current context',
  args: { min: 0, max: 0 },
  flags: [],
  async run(cli) {
    cli.out('default\n');
  },
};

export const contextUse: Command = {
  name: 'use',
  usage: 'CONTEXT',
  short: 'Set the current docker context',
  args: { min: 1, max: 1 },
  flags: [],
  async run(cli, _f, [name]) {
    requireDefault(name);
    cli.out(`${name}\n`);
  },
};

export const contextInspect: Command = {
  name: 'inspect',
  usage: '[OPTIONS] [CONTEXT] [CONTEXT...]',
  short: 'Display detailed information on one or more contexts',
  flags: [formatFlag(false, 'f')],
  async run(cli, flags, args) {
    const names = args.length ? args : ['default'];
    names.forEach(requireDefault);
    const obj = {
      Name: 'default',
      Metadata: {},
      Endpoints: { docker: { Host: cli.host, SkipTLSVerify: false } },
      TLSMaterial: {},
      Storage: { MetadataPath: '<IN MEMORY>', TLSPath: '<IN MEMORY>' },
    };
    const format = flags.string('format');
    if (format) {
      cli.out(names.map(() => `${renderOne(format, fromJSON(obj))}\n`).join(''));
      return;
    }
    const raw = names.map(() => escapeHTML(JSON.stringify(obj))).join(',');
    cli.out(`${indentJSON(`[${raw}]`, '', '    ')}\n`);
  },
};

export const commands: Command[] = [contextInspect, contextLs, contextShow, contextUse];
