// `login`: stores registry credentials in config.json (whose path and writing `logout` shares).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from '../command.js';
import type { Cli } from '../context.js';
import { StatusError } from '../context.js';
import { readAll } from './shared.js';

export function configPath(cli: Cli): string {
  return join(cli.configDir, 'config.json');
}

export function saveConfig(cli: Cli): void {
  mkdirSync(cli.configDir, { recursive: true });
  writeFileSync(configPath(cli), JSON.stringify(cli.config, null, '\t'), { mode: 0o600 });
}

export async function defaultServer(cli: Cli): Promise<string> {
  const i = await cli.engine.get<{ IndexServerAddress?: string }>('/info');
  return i.IndexServerAddress ?? '';
}

export const login: Command = {
  name: 'login',
  usage: '[OPTIONS] [SERVER]',
  short: 'Authenticate to a registry',
  long: 'Authenticate to a registry.\nDefaults to Docker Hub if no server is specified.',
  args: { max: 1 },
  flags: [
    { name: 'password', short: 'p', kind: 'string', usage: 'Password or Personal Access Token (PAT)' },
    { name: 'password-stdin', kind: 'bool', usage: 'Take the Password or Personal Access Token (PAT) from stdin' },
    { name: 'username', short: 'u', kind: 'string', usage: 'Username' },
  ],
  async run(cli, flags, [server]) {
    let password = flags.string('password');
    if (flags.bool('password-stdin')) {
      if (password) throw new StatusError(1, '--password and --password-stdin are mutually exclusive');
      if (!flags.string('username')) throw new StatusError(1, 'Must provide --username with --password-stdin');
      password = (await readAll(process.stdin)).toString('utf8').replace(/\r?\n$/, '');
    }
    const username = flags.string('username');
    if (!username || !password) throw new StatusError(1, 'Error: Cannot perform an interactive login from a non TTY device');
    if (password && flags.changed('password')) cli.err('WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n');
    const serveraddress = server ?? (await defaultServer(cli));
    const r = await cli.engine.json<{ Status: string; IdentityToken?: string }>('POST', '/auth', {
      body: { username, password, serveraddress },
    });
    const auths = (cli.config.auths ??= {});
    auths[serveraddress] = r.IdentityToken
      ? { identitytoken: r.IdentityToken }
      : { auth: Buffer.from(`${username}:${password}`).toString('base64') };
    saveConfig(cli);
    cli.err(
      `\nWARNING! Your credentials are stored unencrypted in '${configPath(cli)}'.\nConfigure a credential helper to remove this warning. See\nhttps://docs.docker.com/go/credential-store/\n\n`,
    );
    cli.out(`${r.Status || 'Login Succeeded'}\n`);
  },
};
