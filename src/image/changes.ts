// The `changes` of `docker import`/`docker commit`: Dockerfile instructions applied to an image's
// container config. Written here (not a Dockerfile parser library) because only this subset, with
// Docker's exact errors and JSON/shell forms, is accepted.
import { invalid } from '../common/errors.js';

const ACCEPTED = ['cmd', 'entrypoint', 'env', 'expose', 'label', 'onbuild', 'stopsignal', 'user', 'volume', 'workdir'];

/** Docker's empty container config, the base of an imported image's `config`. */
export function emptyContainerConfig(): Record<string, any> {
  return {
    Hostname: '', Domainname: '', User: '', AttachStdin: false, AttachStdout: false, AttachStderr: false,
    Tty: false, OpenStdin: false, StdinOnce: false, Env: null, Cmd: null, Image: '', Volumes: null,
    WorkingDir: '', Entrypoint: null, OnBuild: null, Labels: null,
  };
}

/** Splits words the way Dockerfile key=value instructions do (quotes and backslashes). */
function words(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote = '';
  let inWord = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (quote) {
      if (ch === quote) quote = '';
      else if (ch === '\\' && quote === '"' && i + 1 < s.length) cur += s[++i];
      else cur += ch;
    } else if (ch === '"' || ch === "'") { quote = ch; inWord = true; }
    else if (ch === '\\' && i + 1 < s.length) { cur += s[++i]; inWord = true; }
    else if (/\s/.test(ch)) { if (inWord) out.push(cur); cur = ''; inWord = false; }
    else { cur += ch; inWord = true; }
  }
  if (quote) throw invalid(`unmatched quote in: ${s}`);
  if (inWord) out.push(cur);
  return out;
}

/** JSON array form if the argument is one, else undefined. */
function jsonForm(arg: string): string[] | undefined {
  if (!arg.startsWith('[')) return undefined;
  try {
    const v = JSON.parse(arg);
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v;
  } catch { /* shell form */ }
  return undefined;
}

function keyValues(instr: string, arg: string): [string, string][] {
  const ws = words(arg);
  if (!ws.length) throw invalid(`${instr.toUpperCase()} requires at least one argument`);
  if (!ws[0].includes('=')) {
    const m = /^(\S+)\s+([\s\S]*)$/.exec(arg.trim());
    if (!m) throw invalid(`${instr.toUpperCase()} requires at least two arguments`);
    return [[m[1], words(m[2]).join(' ')]];
  }
  return ws.map((w) => {
    const eq = w.indexOf('=');
    if (eq <= 0) throw invalid(`${instr.toUpperCase()} names can not be blank`);
    return [w.slice(0, eq), w.slice(eq + 1)];
  });
}

/** Applies each change line to `config` (mutated and returned). */
export function applyChanges(config: Record<string, any>, changes: string[]): Record<string, any> {
  for (const line of changes) {
    const trimmed = line.trim();
    if (!trimmed) continue;
    const m = /^(\S+)\s*([\s\S]*)$/.exec(trimmed)!;
    const instr = m[1].toLowerCase();
    const arg = m[2].trim();
    if (!ACCEPTED.includes(instr)) throw invalid(`${instr} is not a valid change command`);
    switch (instr) {
      case 'cmd':
      case 'entrypoint': {
        const key = instr === 'cmd' ? 'Cmd' : 'Entrypoint';
        config[key] = jsonForm(arg) ?? (arg ? ['/bin/sh', '-c', arg] : null);
        break;
      }
      case 'env': {
        const env: string[] = config.Env ?? [];
        for (const [k, v] of keyValues(instr, arg)) {
          const i = env.findIndex((e) => e.split('=')[0] === k);
          if (i >= 0) env[i] = `${k}=${v}`; else env.push(`${k}=${v}`);
        }
        config.Env = env;
        break;
      }
      case 'label':
        config.Labels = { ...(config.Labels ?? {}), ...Object.fromEntries(keyValues(instr, arg)) };
        break;
      case 'expose': {
        const ports: Record<string, object> = config.ExposedPorts ?? {};
        for (const p of words(arg)) {
          if (!/^\d+(-\d+)?(\/(tcp|udp|sctp))?$/i.test(p)) throw invalid(`invalid containerPort: ${p}`);
          ports[p.includes('/') ? p.toLowerCase() : `${p}/tcp`] = {};
        }
        config.ExposedPorts = ports;
        break;
      }
      case 'volume': {
        const vols: Record<string, object> = config.Volumes ?? {};
        for (const v of jsonForm(arg) ?? words(arg)) {
          if (!v) throw invalid('VOLUME specified can not be an empty string');
          vols[v] = {};
        }
        config.Volumes = vols;
        break;
      }
      case 'onbuild':
        if (!arg) throw invalid('ONBUILD requires at least one argument');
        config.OnBuild = [...(config.OnBuild ?? []), arg];
        break;
      case 'workdir':
        if (!arg) throw invalid('WORKDIR requires exactly one argument');
        config.WorkingDir = arg.startsWith('/') ? arg : `${config.WorkingDir || '/'}${(config.WorkingDir || '/').endsWith('/') ? '' : '/'}${arg}`;
        break;
      case 'user':
        if (!arg) throw invalid('USER requires exactly one argument');
        config.User = arg;
        break;
      case 'stopsignal':
        if (!arg) throw invalid('STOPSIGNAL requires exactly one argument');
        config.StopSignal = arg;
        break;
    }
  }
  return config;
}
