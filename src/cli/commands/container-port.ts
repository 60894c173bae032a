// `container port`: a container's published ports, all or one.
import type { ContainerInspect } from '../../client/types.js';
import type { Command } from '../command.js';
import { StatusError } from '../context.js';
import { enc } from './shared.js';

export const port: Command = {
  name: 'port',
  usage: 'CONTAINER [PRIVATE_PORT[/PROTO]]',
  short: 'List port mappings or a specific mapping for the container',
  aliasPaths: ['container port', 'port'],
  args: { min: 1, max: 2 },
  flags: [],
  async run(cli, _f, [name, wanted]) {
    const info = await cli.engine.get<ContainerInspect>(`/containers/${enc(name)}/json`);
    const ports = info.NetworkSettings.Ports ?? {};
    const hostPort = (b: { HostIp: string; HostPort: string }) =>
      b.HostIp.includes(':') ? `[${b.HostIp}]:${b.HostPort}` : `${b.HostIp}:${b.HostPort}`;
    if (wanted) {
      const [p, proto = 'tcp'] = wanted.split('/');
      const key = `${p}/${proto}`;
      const bindings = ports[key];
      if (!bindings?.length) throw new StatusError(1, `Error: No public port '${wanted}' published for ${name}`);
      cli.out(bindings.map((b) => `${hostPort(b)}\n`).join(''));
      return;
    }
    const keys = Object.keys(ports).sort((a, b) => {
      const [pa, ta] = a.split('/');
      const [pb, tb] = b.split('/');
      return Number(pa) - Number(pb) || (ta < tb ? -1 : ta > tb ? 1 : 0);
    });
    let out = '';
    for (const k of keys) for (const b of ports[k] ?? []) out += `${k} -> ${hostPort(b)}\n`;
    cli.out(out);
  },
};
