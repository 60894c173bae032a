// gRPC client for containerd's services, built from the API definitions that Debian's
// golang-github-containerd-containerd-dev installs (so they always match the installed containerd).
// The definitions are loaded once per process; every call carries berth's containerd namespace.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

const GOCODE = '/usr/share/gocode/src';
const API = `${GOCODE}/github.com/containerd/containerd/api/services`;
const SERVICES = {
  content: ['content/v1/content.proto', 'containerd.services.content.v1.Content'],
  images: ['images/v1/images.proto', 'containerd.services.images.v1.Images'],
  snapshots: ['snapshots/v1/snapshots.proto', 'containerd.services.snapshots.v1.Snapshots'],
  containers: ['containers/v1/containers.proto', 'containerd.services.containers.v1.Containers'],
  tasks: ['tasks/v1/tasks.proto', 'containerd.services.tasks.v1.Tasks'],
  diff: ['diff/v1/diff.proto', 'containerd.services.diff.v1.Diff'],
  leases: ['leases/v1/leases.proto', 'containerd.services.leases.v1.Leases'],
  events: ['events/v1/events.proto', 'containerd.services.events.v1.Events'],
  version: ['version/v1/version.proto', 'containerd.services.version.v1.Version'],
  namespaces: ['namespaces/v1/namespace.proto', 'containerd.services.namespaces.v1.Namespaces'],
} as const;
export type ServiceName = keyof typeof SERVICES;

let loaded: grpc.GrpcObject | undefined;
function definitions(): grpc.GrpcObject {
  if (!loaded) {
    const def = protoLoader.loadSync(Object.values(SERVICES).map(([file]) => `${API}/${file}`), {
      keepCase: true,
      longs: Number,
      enums: String,
      defaults: true,
      oneofs: true,
      includeDirs: [GOCODE, `${GOCODE}/github.com/gogo/protobuf`, `${GOCODE}/github.com/gogo/protobuf/protobuf`],
    });
    loaded = grpc.loadPackageDefinition(def);
  }
  return loaded;
}

function lookup(path: string): grpc.ServiceClientConstructor {
  let node: unknown = definitions();
  for (const part of path.split('.')) node = (node as Record<string, unknown>)[part];
  return node as grpc.ServiceClientConstructor;
}

/** An error from containerd with its gRPC status code. */
export interface GrpcError extends Error { code: number; details: string }
export const GrpcStatus = grpc.status;
export function isGrpcCode(err: unknown, code: grpc.status): boolean {
  return typeof err === 'object' && err !== null && (err as GrpcError).code === code;
}
/** containerd's own message of an error (without gRPC's status prefix). */
export function grpcMessage(err: unknown): string {
  return (err as GrpcError).details || (err as Error).message;
}

type Unary = (req: object) => Promise<any>;
export type Service = Record<string, Unary> & {
  stream(method: string, req: object): grpc.ClientReadableStream<any>;
  writer(method: string): grpc.ClientDuplexStream<any, any>;
};

/** One connection to containerd, one namespace. Call `service(name)` for a promisified client. */
export class Containerd {
  private readonly clients = new Map<ServiceName, Service>();
  private readonly channel: grpc.Channel;
  readonly metadata = new grpc.Metadata();

  /** `shared`: the channel of the connection this one is a view of (see withMetadata). */
  constructor(readonly address: string, readonly namespace: string, private readonly shared?: grpc.Channel) {
    this.channel = shared ?? new grpc.Channel(`unix://${address}`, grpc.credentials.createInsecure(), {
      'grpc.max_receive_message_length': 64 * 1024 * 1024,
      'grpc.max_send_message_length': 64 * 1024 * 1024,
    });
    this.metadata.set('containerd-namespace', namespace);
  }

  /** The same connection (one channel) whose calls also carry `key: value`, e.g. a lease. */
  withMetadata(key: string, value: string): Containerd {
    const view = new Containerd(this.address, this.namespace, this.channel);
    view.metadata.set(key, value);
    return view;
  }

  service(name: ServiceName): Service {
    let svc = this.clients.get(name);
    if (svc) return svc;
    const Ctor = lookup(SERVICES[name][1]);
    const client = new Ctor(`unix://${this.address}`, grpc.credentials.createInsecure(), { channelOverride: this.channel });
    const md = this.metadata;
    svc = new Proxy({} as Service, {
      get(_t, method: string) {
        if (method === 'stream') return (m: string, req: object) => (client as any)[m](req, md);
        if (method === 'writer') return (m: string) => (client as any)[m](md);
        return (req: object) => new Promise((resolve, reject) => {
          (client as any)[method](req, md, (err: Error | null, res: unknown) => (err ? reject(err) : resolve(res)));
        });
      },
    });
    this.clients.set(name, svc);
    return svc;
  }

  get content() { return this.service('content'); }
  get images() { return this.service('images'); }
  get snapshots() { return this.service('snapshots'); }
  get containers() { return this.service('containers'); }
  get tasks() { return this.service('tasks'); }
  get diff() { return this.service('diff'); }
  get leases() { return this.service('leases'); }
  get events() { return this.service('events'); }
  get version() { return this.service('version'); }

  /** Closes the channel (a view leaves its connection's channel open). */
  close(): void { if (!this.shared) this.channel.close(); }
}

/** Wraps a JSON document as a protobuf Any, as containerd expects for OCI specs and options. */
export function anyJson(typeUrl: string, value: unknown): { type_url: string; value: Buffer } {
  return { type_url: typeUrl, value: Buffer.from(JSON.stringify(value)) };
}
export const OCI_SPEC_TYPE = 'types.containerd.io/opencontainers/runtime-spec/1/Spec';
