// Type checks of a create body where Go's JSON decoder would refuse it, with its message
// ("json: cannot unmarshal string into Go struct field ContainerConfigWrapper.Env of type []string"),
// then the refusal of what berth does not implement (field-support.ts).
import { invalid } from '../../common/errors.js';
import { checkCreateFields } from './field-support.js';

type Kind = 'string' | 'bool' | 'int' | 'strings' | 'strslice' | 'object' | 'array' | 'strmap';
type Schema = Record<string, [Kind, string]>;

const CONFIG: Schema = {
  Hostname: ['string', 'string'], Domainname: ['string', 'string'], User: ['string', 'string'],
  AttachStdin: ['bool', 'bool'], AttachStdout: ['bool', 'bool'], AttachStderr: ['bool', 'bool'],
  ExposedPorts: ['object', 'nat.PortSet'], Tty: ['bool', 'bool'], OpenStdin: ['bool', 'bool'], StdinOnce: ['bool', 'bool'],
  Env: ['strings', '[]string'], Cmd: ['strslice', 'string'], Entrypoint: ['strslice', 'string'], Image: ['string', 'string'],
  Volumes: ['object', 'map[string]struct {}'], WorkingDir: ['string', 'string'], NetworkDisabled: ['bool', 'bool'],
  MacAddress: ['string', 'string'], OnBuild: ['strings', '[]string'], Labels: ['strmap', 'map[string]string'],
  StopSignal: ['string', 'string'], StopTimeout: ['int', 'int'], Shell: ['strslice', 'string'], Healthcheck: ['object', 'container.HealthConfig'],
};

const HOST: Schema = {
  Binds: ['strings', '[]string'], NetworkMode: ['string', 'container.NetworkMode'], PortBindings: ['object', 'nat.PortMap'],
  RestartPolicy: ['object', 'container.RestartPolicy'], AutoRemove: ['bool', 'bool'], CapAdd: ['strslice', 'string'],
  CapDrop: ['strslice', 'string'], Dns: ['strings', '[]string'], DnsOptions: ['strings', '[]string'], DnsSearch: ['strings', '[]string'],
  ExtraHosts: ['strings', '[]string'], GroupAdd: ['strings', '[]string'], IpcMode: ['string', 'container.IpcMode'],
  Links: ['strings', '[]string'], OomScoreAdj: ['int', 'int'], PidMode: ['string', 'container.PidMode'], Privileged: ['bool', 'bool'],
  PublishAllPorts: ['bool', 'bool'], ReadonlyRootfs: ['bool', 'bool'], SecurityOpt: ['strings', '[]string'],
  Tmpfs: ['strmap', 'map[string]string'], UTSMode: ['string', 'container.UTSMode'], ShmSize: ['int', 'int64'],
  Sysctls: ['strmap', 'map[string]string'], Runtime: ['string', 'string'], Memory: ['int', 'int64'], MemorySwap: ['int', 'int64'],
  MemoryReservation: ['int', 'int64'], NanoCpus: ['int', 'int64'], CpuShares: ['int', 'int64'], CpuQuota: ['int', 'int64'],
  CpuPeriod: ['int', 'int64'], CpusetCpus: ['string', 'string'], CpusetMems: ['string', 'string'], PidsLimit: ['int', 'int64'],
  Ulimits: ['array', '[]*units.Ulimit'], Devices: ['array', '[]container.DeviceMapping'], Mounts: ['array', '[]mount.Mount'],
  LogConfig: ['object', 'container.LogConfig'],
};

function jsonType(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  return typeof v;
}

function fits(kind: Kind, v: unknown): boolean {
  switch (kind) {
    case 'string': return typeof v === 'string';
    case 'bool': return typeof v === 'boolean';
    case 'int': return typeof v === 'number' && Number.isInteger(v);
    case 'strings': return Array.isArray(v) && v.every((x) => typeof x === 'string');
    case 'strslice': return typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
    case 'array': return Array.isArray(v);
    case 'object': return typeof v === 'object' && !Array.isArray(v);
    case 'strmap': return typeof v === 'object' && !Array.isArray(v) && Object.values(v as object).every((x) => typeof x === 'string');
  }
}

function check(obj: Record<string, unknown>, schema: Schema, struct: string): void {
  for (const [key, [kind, goType]] of Object.entries(schema)) {
    const v = obj[key];
    if (v === undefined || v === null || fits(kind, v)) continue;
    // A wrong element of a list or map is reported with the element's Go type (a strslice as a whole).
    const elements = Array.isArray(v) && kind === 'strings' ? v
      : kind === 'strmap' && typeof v === 'object' && !Array.isArray(v) ? Object.values(v as object) : [];
    const inner = elements.find((x) => typeof x !== 'string');
    const got = inner !== undefined ? jsonType(inner) : jsonType(v);
    throw invalid(`json: cannot unmarshal ${got} into Go struct field ${struct}.${key} of type ${inner !== undefined ? 'string' : goType}`);
  }
}

export function checkCreateBody(body: unknown, platform?: string): void {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalid(`json: cannot unmarshal ${jsonType(body)} into Go value of type container.ContainerConfigWrapper`);
  }
  const b = body as Record<string, unknown>;
  check(b, CONFIG, 'ContainerConfigWrapper');
  const hc = b.HostConfig;
  if (hc !== undefined && hc !== null) {
    if (typeof hc !== 'object' || Array.isArray(hc)) throw invalid(`json: cannot unmarshal ${jsonType(hc)} into Go struct field ContainerConfigWrapper.HostConfig of type container.HostConfig`);
    check(hc as Record<string, unknown>, HOST, 'HostConfig.HostConfig');
  }
  const nc = b.NetworkingConfig;
  if (nc !== undefined && nc !== null) {
    if (typeof nc !== 'object' || Array.isArray(nc)) throw invalid(`json: cannot unmarshal ${jsonType(nc)} into Go struct field ContainerConfigWrapper.NetworkingConfig of type network.NetworkingConfig`);
    const eps = (nc as Record<string, unknown>).EndpointsConfig;
    const epType = 'map[string]*network.EndpointSettings';
    if (eps !== undefined && eps !== null) {
      if (typeof eps !== 'object' || Array.isArray(eps)) throw invalid(`json: cannot unmarshal ${jsonType(eps)} into Go struct field NetworkingConfig.NetworkingConfig.EndpointsConfig of type ${epType}`);
      for (const ep of Object.values(eps as object)) {
        if (ep !== null && (typeof ep !== 'object' || Array.isArray(ep))) throw invalid(`json: cannot unmarshal ${jsonType(ep)} into Go struct field NetworkingConfig.NetworkingConfig.EndpointsConfig of type network.EndpointSettings`);
      }
    }
  }
  checkCreateFields(b, platform);
}
