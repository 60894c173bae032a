// Docker's JSON shapes for networks (GET /networks) and a container's NetworkSettings.
import type { BridgeRecord, NetworksFile } from './default-bridge.js';
import type { EndpointSettings, NetworkRequest, NetworkResource, NetworkSettings, NetworkState } from './types.js';

export type PredefinedName = 'bridge' | 'host' | 'none';
export const PREDEFINED: PredefinedName[] = ['bridge', 'host', 'none'];

const DRIVERS: Record<PredefinedName, string> = { bridge: 'bridge', host: 'host', none: 'null' };

export interface Endpoint { name: string; state: NetworkState }

function bridgeOptions(rec: BridgeRecord): Record<string, string> {
  return {
    'com.docker.network.bridge.default_bridge': 'true',
    'com.docker.network.bridge.enable_icc': 'true',
    'com.docker.network.bridge.enable_ip_masquerade': 'true',
    'com.docker.network.bridge.host_binding_ipv4': '0.0.0.0',
    'com.docker.network.bridge.name': rec.device,
    'com.docker.network.driver.mtu': '1500',
  };
}

/** A predefined network; `endpoints` fills Containers (GET /networks leaves it empty, as Docker does). */
export function networkResource(name: PredefinedName, nets: NetworksFile, endpoints?: Map<string, Endpoint>): NetworkResource {
  const rec = nets[name];
  const containers: NetworkResource['Containers'] = {};
  for (const [id, ep] of endpoints ?? []) {
    if (ep.state.mode !== name) continue;
    containers[id] = {
      Name: ep.name.replace(/^\//, ''),
      EndpointID: ep.state.endpointId,
      MacAddress: ep.state.macAddress,
      IPv4Address: ep.state.ipAddress ? `${ep.state.ipAddress}/${ep.state.prefixLen}` : '',
      IPv6Address: '',
    };
  }
  return {
    Name: name,
    Id: rec.id,
    Created: rec.created,
    Scope: 'local',
    Driver: DRIVERS[name],
    EnableIPv6: false,
    IPAM: { Driver: 'default', Options: null, Config: name === 'bridge' ? [{ Subnet: nets.bridge.subnet, Gateway: nets.bridge.gateway }] : [] },
    Internal: false,
    Attachable: false,
    Ingress: false,
    ConfigFrom: { Network: '' },
    ConfigOnly: false,
    Containers: containers,
    Options: name === 'bridge' ? bridgeOptions(nets.bridge) : {},
    Labels: {},
  };
}

function endpointSettings(networkId: string, s: NetworkState | undefined): EndpointSettings {
  return {
    IPAMConfig: null,
    Links: null,
    Aliases: null,
    MacAddress: s?.macAddress ?? '',
    DriverOpts: null,
    GwPriority: 0,
    NetworkID: networkId,
    EndpointID: s?.endpointId ?? '',
    Gateway: s?.gateway ?? '',
    IPAddress: s?.ipAddress ?? '',
    IPPrefixLen: s?.prefixLen ?? 0,
    IPv6Gateway: '',
    GlobalIPv6Address: '',
    GlobalIPv6PrefixLen: 0,
    DNSNames: null,
  };
}

/** `docker inspect`'s NetworkSettings; `mode` is the network the request names. */
export function networkSettings(state: NetworkState | undefined, req: NetworkRequest, mode: string, nets: NetworksFile): NetworkSettings {
  const ports: NetworkSettings['Ports'] = {};
  if (state && state.mode === 'bridge') {
    for (const key of Object.keys(req.exposedPorts ?? {})) ports[key.includes('/') ? key : `${key}/tcp`] = null;
    for (const p of state.ports) {
      const key = `${p.containerPort}/${p.protocol}`;
      (ports[key] ??= []).push({ HostIp: p.hostIp, HostPort: String(p.hostPort) });
    }
  }
  const bridged = state?.mode === 'bridge' ? state : undefined;
  const networks: Record<string, EndpointSettings> = {};
  if (mode === 'bridge' || mode === 'host' || mode === 'none') networks[mode] = endpointSettings(nets[mode].id, state);
  return {
    Bridge: '',
    SandboxID: state?.sandboxId ?? '',
    SandboxKey: state?.netnsPath ?? '',
    Ports: ports,
    HairpinMode: false,
    LinkLocalIPv6Address: '',
    LinkLocalIPv6PrefixLen: 0,
    SecondaryIPAddresses: null,
    SecondaryIPv6Addresses: null,
    EndpointID: bridged?.endpointId ?? '',
    Gateway: bridged?.gateway ?? '',
    GlobalIPv6Address: '',
    GlobalIPv6PrefixLen: 0,
    IPAddress: bridged?.ipAddress ?? '',
    IPPrefixLen: bridged?.prefixLen ?? 0,
    IPv6Gateway: '',
    MacAddress: bridged?.macAddress ?? '',
    Networks: networks,
  };
}
