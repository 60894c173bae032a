// The `network` management group.
import type { Command } from '../command.js';
import { StatusError } from '../context.js';
import { goTimeStringNanos } from '../format/gotime.js';
import { renderList, rowContext } from '../format/list.js';
import { keyValues, filtersJSON, truncateId } from '../format/names.js';
import { inspectObjects, rawGetter } from '../inspect.js';
import { ApiError } from '../../client/errors.js';
import { confirm, enc, formatFlag } from './shared.js';

interface NetworkSummary {
  Id: string;
  Name: string;
  Driver: string;
  Scope: string;
  Created: string;
  EnableIPv6: boolean;
  EnableIPv4?: boolean;
  Internal: boolean;
  Labels: Record<string, string> | null;
}


export const networkCreate: Command = {
  name: 'create',
  usage: '[OPTIONS] NETWORK',
  short: 'Create a network',
  args: { min: 1, max: 1 },
  flags: [
    { name: 'attachable', kind: 'bool', usage: 'Enable manual container attachment' },
    { name: 'aux-address', kind: 'list', typeName: 'map', usage: 'Auxiliary IPv4 or IPv6 addresses used by Network driver', default: 'map[]' },
    { name: 'config-from', kind: 'string', usage: 'The network from which to copy the configuration' },
    { name: 'config-only', kind: 'bool', usage: 'Create a configuration only network' },
    { name: 'driver', short: 'd', kind: 'string', usage: 'Driver to manage the Network', default: 'bridge' },
    { name: 'gateway', kind: 'list', typeName: 'strings', usage: 'IPv4 or IPv6 Gateway for the master subnet' },
    { name: 'ingress', kind: 'bool', usage: 'Create swarm routing-mesh network' },
    { name: 'internal', kind: 'bool', usage: 'Restrict external access to the network' },
    { name: 'ip-range', kind: 'list', typeName: 'strings', usage: 'Allocate container ip from a sub-range' },
    { name: 'ipam-driver', kind: 'string', usage: 'IP Address Management Driver', default: 'default' },
    { name: 'ipam-opt', kind: 'list', typeName: 'map', usage: 'Set IPAM driver specific options', default: 'map[]' },
    { name: 'ipv4', kind: 'bool', usage: 'Enable or disable IPv4 address assignment', default: true },
    { name: 'ipv6', kind: 'bool', usage: 'Enable or disable IPv6 address assignment' },
    { name: 'label', kind: 'list', usage: 'Set metadata on a network' },
    { name: 'opt', short: 'o', kind: 'list', typeName: 'map', usage: 'Set driver specific options', default: 'map[]' },
    { name: 'scope', kind: 'string', usage: "Control the network's scope" },
    { name: 'subnet', kind: 'list', typeName: 'strings', usage: 'Subnet in CIDR format that represents a network segment' },
  ],
  async run(cli, flags, [name]) {
    const subnets = flags.list('subnet');
    const gateways = flags.list('gateway');
    const ranges = flags.list('ip-range');
    if (gateways.length > subnets.length) throw new StatusError(1, 'every ip-range or gateway must have a corresponding subnet');
    const config = subnets.map((s, i) => ({
      Subnet: s,
      ...(gateways[i] ? { Gateway: gateways[i] } : {}),
      ...(ranges[i] ? { IPRange: ranges[i] } : {}),
      ...(i === 0 && flags.list('aux-address').length ? { AuxiliaryAddresses: keyValues(flags.list('aux-address')) } : {}),
    }));
    const r = await cli.engine.json<{ Id: string; Warning?: string }>('POST', '/networks/create', {
      body: {
        Name: name,
        CheckDuplicate: true,
        Driver: flags.string('driver'),
        Scope: flags.string('scope') || undefined,
        Internal: flags.bool('internal'),
        Attachable: flags.bool('attachable'),
        Ingress: flags.bool('ingress'),
        ConfigOnly: flags.bool('config-only'),
        ConfigFrom: flags.string('config-from') ? { Network: flags.string('config-from') } : undefined,
        EnableIPv4: flags.changed('ipv4') ? flags.bool('ipv4') : undefined,
        EnableIPv6: flags.bool('ipv6'),
        IPAM: { Driver: flags.string('ipam-driver'), Config: config, Options: keyValues(flags.list('ipam-opt')) },
        Options: keyValues(flags.list('opt')),
        Labels: keyValues(flags.list('label')),
      },
    });
    if (r.Warning) cli.err(`${r.Warning}\n`);
    cli.out(`${r.Id}\n`);
  },
};

export const networkLs: Command = {
  name: 'ls',
  aliases: ['list'],
  usage: '[OPTIONS]',
  short: 'List networks',
  aliasPaths: ['network ls', 'network list'],
  args: { min: 0, max: 0 },
  flags: [
    { name: 'filter', short: 'f', kind: 'list', typeName: 'filter', usage: 'Provide filter values (e.g. "driver=bridge")' },
    formatFlag(true),
    { name: 'no-trunc', kind: 'bool', usage: 'Do not truncate the output' },
    { name: 'quiet', short: 'q', kind: 'bool', usage: 'Only display network IDs' },
  ],
  async run(cli, flags) {
    const list = await cli.engine.get<NetworkSummary[]>('/networks', { filters: filtersJSON(flags.list('filter')) });
    list.sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0));
    const trunc = !flags.bool('no-trunc');
    const rows = list.map((n) => {
      const labels = n.Labels ?? {};
      const ctx: Record<string, unknown> = {
        CreatedAt: n.Created ? goTimeStringNanos(n.Created) : '',
        Driver: n.Driver,
        ID: trunc ? truncateId(n.Id) : n.Id,
        IPv4: String(n.EnableIPv4 ?? false),
        IPv6: String(n.EnableIPv6),
        Internal: String(n.Internal),
        Labels: Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(','),
        Name: n.Name,
        Scope: n.Scope,
      };
      return rowContext(ctx, '*formatter.networkContext', labels);
    });
    cli.out(
      renderList(
        {
          format: flags.string('format') || (cli.config.networksFormat as string | undefined) || '',
          table: 'table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}',
          quiet: flags.bool('quiet'),
          headers: { ID: 'NETWORK ID', Name: 'NAME', Driver: 'DRIVER', Scope: 'SCOPE', IPv4: 'IPV4', IPv6: 'IPV6', Internal: 'INTERNAL', Labels: 'LABELS', Label: 'LABEL', CreatedAt: 'CREATED' },
        },
        rows,
      ),
    );
  },
};

export const networkRm: Command = {
  name: 'rm',
  aliases: ['remove'],
  usage: 'NETWORK [NETWORK...]',
  short: 'Remove one or more networks',
  aliasPaths: ['network rm', 'network remove'],
  args: { min: 1 },
  flags: [{ name: 'force', short: 'f', kind: 'bool', usage: 'Do not error if the network does not exist' }],
  async run(cli, flags, args) {
    let failed = false;
    for (const n of args) {
      try {
        await cli.engine.call('DELETE', `/networks/${enc(n)}`);
        cli.out(`${n}\n`);
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
        if (flags.bool('force') && e.status === 404) continue;
        cli.err(`Error response from daemon: ${e.message}\n`);
        failed = true;
      }
    }
    if (failed) throw new StatusError(1, 'exit status 1');
    return 0;
  },
};

export const networkPrune: Command = {
  name: 'prune',
  usage: '[OPTIONS]',
  short: 'Remove all unused networks',
  args: { min: 0, max: 0 },
  flags: [
    { name: 'filter', kind: 'list', typeName: 'filter', usage: 'Provide filter values (e.g. "until=<timestamp>")' },
    { name: 'force', short: 'f', kind: 'bool', usage: 'Do not prompt for confirmation' },
  ],
  async run(cli, flags) {
    if (!flags.bool('force') && !(await confirm(cli, 'WARNING! This will remove all custom networks not used by at least one container.'))) return 0;
    const r = await cli.engine.json<{ NetworksDeleted: string[] | null }>('POST', '/networks/prune', {
      query: { filters: filtersJSON(flags.list('filter')) },
    });
    if (r.NetworksDeleted?.length) cli.out(`Deleted Networks:\n${r.NetworksDeleted.join('\n')}\n`);
    return 0;
  },
};

export const networkInspect: Command = {
  name: 'inspect',
  usage: '[OPTIONS] NETWORK [NETWORK...]',
  short: 'Display detailed information on one or more networks',
  args: { min: 1 },
  flags: [formatFlag(false, 'f'), { name: 'verbose', short: 'v', kind: 'bool', usage: 'Verbose output for diagnostics' }],
  run: (cli, flags, args) =>
    inspectObjects(cli, args, rawGetter(cli, (n) => `/networks/${n}`, flags.bool('verbose') ? { verbose: 'true' } : undefined), {
      format: flags.string('format'),
    }),
};

export const networkConnect: Command = {
  name: 'connect',
  usage: '[OPTIONS] NETWORK CONTAINER',
  short: 'Connect a container to a network',
  args: { min: 2, max: 2 },
  flags: [
    { name: 'alias', kind: 'list', typeName: 'strings', usage: 'Add network-scoped alias for the container' },
    { name: 'driver-opt', kind: 'list', typeName: 'strings', usage: 'driver options for the network' },
    { name: 'gw-priority', kind: 'int', usage: 'Highest gw-priority provides the default gateway. Accepts positive and negative values.' },
    { name: 'ip', kind: 'string', usage: 'IPv4 address (e.g., "172.30.100.104")' },
    { name: 'ip6', kind: 'string', usage: 'IPv6 address (e.g., "2001:db8::33")' },
    { name: 'link', kind: 'list', usage: 'Add link to another container' },
    { name: 'link-local-ip', kind: 'list', typeName: 'strings', usage: 'Add a link-local address for the container' },
  ],
  async run(cli, flags, [network, container]) {
    const ipam: Record<string, unknown> = {};
    const linkLocal = flags.list('link-local-ip').flatMap((a) => a.split(','));
    if (linkLocal.length) ipam.LinkLocalIPs = linkLocal;
    if (flags.string('ip')) ipam.IPv4Address = flags.string('ip');
    if (flags.string('ip6')) ipam.IPv6Address = flags.string('ip6');
    await cli.engine.call('POST', `/networks/${enc(network)}/connect`, {
      body: {
        Container: container,
        EndpointConfig: {
          Aliases: flags.list('alias').flatMap((a) => a.split(',')),
          Links: flags.list('link'),
          DriverOpts: keyValues(flags.list('driver-opt').flatMap((a) => a.split(','))),
          GwPriority: flags.changed('gw-priority') ? flags.int('gw-priority') : undefined,
          ...(Object.keys(ipam).length ? { IPAMConfig: ipam } : {}),
        },
      },
    });
  },
};

export const networkDisconnect: Command = {
  name: 'disconnect',
  usage: '[OPTIONS] NETWORK CONTAINER',
  short: 'Disconnect a container from a network',
  args: { min: 2, max: 2 },
  flags: [{ name: 'force', short: 'f', kind: 'bool', usage: 'Force the container to disconnect from a network' }],
  async run(cli, flags, [network, container]) {
    await cli.engine.call('POST', `/networks/${enc(network)}/disconnect`, {
      body: { Container: container, Force: flags.bool('force') },
    });
  },
};

export const commands: Command[] = [networkConnect, networkCreate, networkDisconnect, networkInspect, networkLs, networkPrune, networkRm];
