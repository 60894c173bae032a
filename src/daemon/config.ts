// berthd's settings: dockerd-style flags, merged over daemon.json (--config-file), over defaults.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { invalid } from '../common/errors.js';
import { validateDaemonLogConfig } from './containers/logs/index.js';

export interface DaemonConfig {
  hosts: string[];
  dataRoot: string;
  execRoot: string;
  pidfile: string;
  /** Address of an external containerd; berthd starts its own when empty. */
  containerd: string;
  debug: boolean;
  logLevel: string;
  /** Bridge address of the default network, CIDR (e.g. 172.30.0.1/16); chosen automatically when empty. */
  bip: string;
  defaultAddressPools: { base: string; size: number }[];
  bridge: string;
  logDriver: string;
  logOpts: Record<string, string>;
  group: string;
  runtime: string;
  iptables: boolean;
  /**
   * TLS on tcp hosts: 'verify' also requires a client certificate signed by tlsCaCert; 'off'
   * serves plain HTTP, chosen explicitly (--tls=false); undefined: no TLS and no choice made,
   * so a tcp host is refused.
   */
  tls: 'verify' | 'on' | 'off' | undefined;
  tlsCaCert: string;
  tlsCert: string;
  tlsKey: string;
}

/** Where dockerd looks for ca.pem, cert.pem and key.pem by default. */
function certDir(): string {
  return process.env.DOCKER_CERT_PATH || process.env.DOCKER_CONFIG || join(homedir(), '.docker');
}

export const defaults = (): DaemonConfig => ({
  hosts: [],
  dataRoot: '/var/lib/berth',
  execRoot: '/run/berth',
  pidfile: '',
  containerd: '',
  debug: false,
  logLevel: 'info',
  bip: '',
  defaultAddressPools: [],
  bridge: '',
  logDriver: 'json-file',
  logOpts: {},
  group: 'docker',
  runtime: 'runc',
  iptables: true,
  tls: undefined,
  tlsCaCert: join(certDir(), 'ca.pem'),
  tlsCert: join(certDir(), 'cert.pem'),
  tlsKey: join(certDir(), 'key.pem'),
});

/** The --tls and --tlsverify settings as given (undefined: not given). */
interface TlsChoice { tls?: boolean; tlsVerify?: boolean }

/** As dockerd: --tlsverify (given at all) implies TLS; DOCKER_TLS_VERIFY turns verification on by default. */
function tlsMode(choice: TlsChoice): DaemonConfig['tls'] {
  const verify = choice.tlsVerify ?? !!process.env.DOCKER_TLS_VERIFY;
  if (choice.tlsVerify !== undefined || verify) return verify ? 'verify' : 'on';
  if (choice.tls === undefined) return undefined;
  return choice.tls ? 'on' : 'off';
}

/** A tcp host without TLS is served only when TLS was turned off explicitly. */
export function checkTcpHosts(cfg: DaemonConfig): void {
  if (cfg.tls !== undefined) return;
  const tcp = cfg.hosts.find((h) => /^(tcp|http):\/\//.test(h));
  if (tcp) {
    throw new Error(`failed to load listeners: ${tcp}: binding to IP address without --tlsverify is insecure and gives root access on this machine to everyone who has access to your network; use --tlsverify with --tlscacert, --tlscert and --tlskey, or explicitly specify '--tls=false' to run without TLS`);
  }
}

const USAGE = `Usage:	berthd [OPTIONS]

A self-sufficient runtime for containers, speaking the Docker Engine API.

Options:
      --bip string                       Specify default-bridge IP
      --bridge string                    Name of the default bridge (default "berth0" with the default data-root)
      --config-file string               Daemon configuration file (default "/etc/berth/daemon.json")
      --containerd string                containerd grpc address (default: berthd starts its own)
      --data-root string                 Root directory of persistent state (default "/var/lib/berth")
  -D, --debug                            Enable debug mode
      --default-address-pool pool        Default address pools for node specific local networks
      --exec-root string                 Root directory for execution state files (default "/run/berth")
  -G, --group string                     Group for the unix socket (default "docker")
  -H, --host list                        Daemon socket(s) to connect to
      --iptables                         Enable addition of iptables rules (default true)
      --log-driver string                Default driver for container logs (default "json-file")
      --log-level string                 Set the logging level ("debug"|"info"|"warn"|"error"|"fatal") (default "info")
      --log-opt map                      Default log driver options for containers (default map[])
  -p, --pidfile string                   Path to use for daemon PID file (default "/run/berth.pid")
      --tls                              Use TLS; implied by --tlsverify
      --tlscacert string                 Trust certs signed only by this CA (default "${defaults().tlsCaCert}")
      --tlscert string                   Path to TLS certificate file (default "${defaults().tlsCert}")
      --tlskey string                    Path to TLS key file (default "${defaults().tlsKey}")
      --tlsverify                        Use TLS and verify the remote${process.env.DOCKER_TLS_VERIFY ? ' (default true)' : ''}
  -v, --version                          Print version information and quit
`;

function parsePool(spec: string): { base: string; size: number } {
  const fields = Object.fromEntries(spec.split(',').map((kv) => kv.split('=') as [string, string]));
  if (!fields.base || !fields.size) throw invalid(`invalid default address pool: ${spec}`);
  return { base: fields.base, size: Number(fields.size) };
}

/** Reads daemon.json keys that mean the same as Docker's. */
function fromFile(path: string, cfg: DaemonConfig, choice: TlsChoice, required: boolean): void {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch (err) {
    if (required) throw new Error(`unable to configure the daemon: open ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`);
    return;
  }
  const j = JSON.parse(text) as Record<string, any>;
  if (j.hosts) cfg.hosts = j.hosts;
  if (j['data-root']) cfg.dataRoot = j['data-root'];
  if (j['exec-root']) cfg.execRoot = j['exec-root'];
  if (j.pidfile) cfg.pidfile = j.pidfile;
  if (j.containerd) cfg.containerd = j.containerd;
  if (j.debug !== undefined) cfg.debug = !!j.debug;
  if (j['log-level']) cfg.logLevel = j['log-level'];
  if (j.bip) cfg.bip = j.bip;
  if (j.bridge) cfg.bridge = j.bridge;
  if (j['default-address-pools']) cfg.defaultAddressPools = j['default-address-pools'];
  if (j['log-driver']) cfg.logDriver = j['log-driver'];
  if (j['log-opts']) cfg.logOpts = j['log-opts'];
  if (j.group) cfg.group = j.group;
  if (j['default-runtime']) cfg.runtime = j['default-runtime'];
  if (j.iptables !== undefined) cfg.iptables = !!j.iptables;
  if (j.tls !== undefined) choice.tls = !!j.tls;
  if (j.tlsverify !== undefined) choice.tlsVerify = !!j.tlsverify;
  if (j.tlscacert) cfg.tlsCaCert = j.tlscacert;
  if (j.tlscert) cfg.tlsCert = j.tlscert;
  if (j.tlskey) cfg.tlsKey = j.tlskey;
}

export type ParsedArgs = { config: DaemonConfig } | { exit: string };

export function parseArgs(argv: string[]): ParsedArgs {
  const cfg = defaults();
  const set: Partial<DaemonConfig> = {};
  const fileChoice: TlsChoice = {};
  const flagChoice: TlsChoice = {};
  let configFile = '/etc/berth/daemon.json';
  let configFileGiven = false;
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let value: string | undefined;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) { value = arg.slice(eq + 1); arg = arg.slice(0, eq); }
    const next = () => {
      if (value !== undefined) return value;
      if (i + 1 >= argv.length) throw new Error(`flag needs an argument: ${arg}`);
      return argv[++i];
    };
    switch (arg) {
      case '-H': case '--host': (set.hosts ??= []).push(next()); break;
      case '--data-root': set.dataRoot = next(); break;
      case '--exec-root': set.execRoot = next(); break;
      case '-p': case '--pidfile': set.pidfile = next(); break;
      case '--containerd': set.containerd = next(); break;
      case '--config-file': configFile = next(); configFileGiven = true; break;
      case '-D': case '--debug': set.debug = value === undefined ? true : value === 'true'; break;
      case '-l': case '--log-level': set.logLevel = next(); break;
      case '--bip': set.bip = next(); break;
      case '--bridge': case '-b': set.bridge = next(); break;
      case '--default-address-pool': (set.defaultAddressPools ??= []).push(parsePool(next())); break;
      case '--log-driver': set.logDriver = next(); break;
      case '--log-opt': { const [k, ...v] = next().split('='); (set.logOpts ??= {})[k] = v.join('='); break; }
      case '-G': case '--group': set.group = next(); break;
      case '--default-runtime': set.runtime = next(); break;
      case '--iptables': set.iptables = value === undefined ? true : value === 'true'; break;
      case '--tls': flagChoice.tls = value === undefined ? true : value === 'true'; break;
      case '--tlsverify': flagChoice.tlsVerify = value === undefined ? true : value === 'true'; break;
      case '--tlscacert': set.tlsCaCert = next(); break;
      case '--tlscert': set.tlsCert = next(); break;
      case '--tlskey': set.tlsKey = next(); break;
      case '-v': case '--version': return { exit: 'berthd version 0.1.0' };
      case '-h': case '--help': return { exit: USAGE };
      default: throw new Error(`unknown flag: ${arg}\nSee 'berthd --help'.`);
    }
  }
  fromFile(configFile, cfg, fileChoice, configFileGiven);
  Object.assign(cfg, set);
  cfg.tls = tlsMode({ ...fileChoice, ...flagChoice });
  if (cfg.hosts.length === 0) cfg.hosts = ['unix:///var/run/berth.sock'];
  if (!cfg.pidfile) cfg.pidfile = cfg.execRoot === '/run/berth' ? '/run/berth.pid' : `${cfg.execRoot}/berthd.pid`;
  validateDaemonLogConfig(cfg.logDriver, cfg.logOpts);
  return { config: cfg };
}
