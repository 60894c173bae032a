// `logout`: removes the credentials of a registry from config.json.
import type { Command } from '../command.js';
import { defaultServer, saveConfig } from './system-login.js';

export const logout: Command = {
  name: 'logout',
  usage: '[SERVER]',
  short: 'Log out from a registry',
  long: 'Log out from a registry.\nIf no server is specified, the default is defined by the daemon.',
  args: { max: 1 },
  flags: [],
  async run(cli, _f, [server]) {
    const address = server ?? (await defaultServer(cli));
    const auths = cli.config.auths ?? {};
    cli.out(`Removing login credentials for ${address}\n`);
    if (auths[address]) {
      delete auths[address];
      saveConfig(cli);
    }
  },
};
