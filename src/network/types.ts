// Shapes shared by the network service and its callers (see the NetworkService contract).

export interface PortBindingSpec { HostIp?: string; HostPort?: string }

export interface NetworkRequest {
  containerId: string;
  name: string;
  hostname: string;
  domainname: string;
  /** 'default' | 'bridge' | 'host' | 'none' | 'container:<id>' */
  networkMode: string;
  portBindings: Record<string, PortBindingSpec[]>;
  publishAllPorts: boolean;
  exposedPorts: Record<string, object>;
  dns: string[];
  dnsSearch: string[];
  dnsOptions: string[];
  extraHosts: string[];
  macAddress?: string;
  links?: string[];
}

export interface PreparedNetwork {
  /** 'new': runc makes a fresh netns; 'host': none; otherwise the path of a netns to join. */
  netns: 'new' | 'host' | string;
}

/** One published port as programmed (host side resolved). */
export interface PublishedPort {
  hostIp: string;
  hostPort: number;
  containerPort: number;
  protocol: 'tcp' | 'udp';
}

/** What the container service stores with a running container; everything detach needs. */
export interface NetworkState {
  mode: 'bridge' | 'host' | 'none' | 'container';
  /** Name of the network the container sits on ('bridge', 'host', 'none'), or the joined container's id. */
  network: string;
  pid: number;
  netnsPath: string;
  /** `dev:ino` of netnsPath at attach time, to tell it apart from a reused pid's namespace. */
  netnsId: string;
  sandboxId: string;
  endpointId: string;
  ipAddress: string;
  prefixLen: number;
  gateway: string;
  macAddress: string;
  ports: PublishedPort[];
  /** The bridge plugin's result, fed back as prevResult on DEL. */
  cniResult?: unknown;
}

export interface EndpointSettings {
  IPAMConfig: null;
  Links: null;
  Aliases: null;
  MacAddress: string;
  DriverOpts: null;
  GwPriority: number;
  NetworkID: string;
  EndpointID: string;
  Gateway: string;
  IPAddress: string;
  IPPrefixLen: number;
  IPv6Gateway: string;
  GlobalIPv6Address: string;
  GlobalIPv6PrefixLen: number;
  DNSNames: string[] | null;
}

export interface NetworkSettings {
  Bridge: string;
  SandboxID: string;
  SandboxKey: string;
  Ports: Record<string, { HostIp: string; HostPort: string }[] | null>;
  HairpinMode: boolean;
  LinkLocalIPv6Address: string;
  LinkLocalIPv6PrefixLen: number;
  SecondaryIPAddresses: null;
  SecondaryIPv6Addresses: null;
  EndpointID: string;
  Gateway: string;
  GlobalIPv6Address: string;
  GlobalIPv6PrefixLen: number;
  IPAddress: string;
  IPPrefixLen: number;
  IPv6Gateway: string;
  MacAddress: string;
  Networks: Record<string, EndpointSettings>;
}

/** A network as GET /networks/{id} shows it. */
export interface NetworkResource {
  Name: string;
  Id: string;
  Created: string;
  Scope: 'local';
  Driver: string;
  EnableIPv6: boolean;
  IPAM: { Driver: 'default'; Options: null; Config: { Subnet: string; Gateway: string }[] };
  Internal: boolean;
  Attachable: boolean;
  Ingress: boolean;
  ConfigFrom: { Network: string };
  ConfigOnly: boolean;
  Containers: Record<string, { Name: string; EndpointID: string; MacAddress: string; IPv4Address: string; IPv6Address: string }>;
  Options: Record<string, string>;
  Labels: Record<string, string>;
}
