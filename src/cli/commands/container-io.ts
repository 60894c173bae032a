// logs, exec and container inspect: reading a container's output, running commands in it,
// and printing its raw state.
import type { ContainerInspect } from '../../client/types.js';
import { demuxTo } from '../../common/stdcopy.js';
import type { Command } from '../command.js';
import { inspectObjects, rawGetter } from '../inspect.js';
import { monitorTtySize, pumpStreams } from '../streams.js';
import { apiTimestamp } from '../timestamps.js';
import { enc, formatFlag } from './shared.js';
import { checkInputTty } from './container-run.js';
import { readFileSync } from 'node:fs';

export const logs: Command = {
  name: 'logs',
  usage: '[OPTIONS] CONTAINER',
  short: 'Fetch the logs of a container',
  aliasPaths: ['container logs', 'logs'],
  args: { min: 1, max: 1 },
  flags: [
    { name: 'details', kind: 'bool', usage: 'Show extra details provided to logs' },
    { name: 'follow', short: 'f', kind: 'bool', usage: 'Follow log output' },
    { name: 'since', kind: 'string', usage: 'Show logs since timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m" for 42 minutes)' },
    { name: 'tail', short: 'n', kind: 'string', usage: 'Number of lines to show from the end of the logs', default: 'all' },
    { name: 'timestamps', short: 't', kind: 'bool', usage: 'Show timestamps' },
    { name: 'until', kind: 'string', usage: 'Show logs before a timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m" for 42 minutes)' },
  ],
  async run(cli, flags, [name]) {
    const info = await cli.engine.get<ContainerInspect>(`/containers/${enc(name)}/json`);
    const res = await cli.engine.request('GET', `/containers/${enc(name)}/logs`, {
      query: {
        stdout: 1,
        stderr: 1,
        follow: flags.bool('follow') || undefined,
        timestamps: flags.bool('timestamps') || undefined,
        details: flags.bool('details') || undefined,
        tail: flags.string('tail'),
        since: apiTimestamp(flags.string('since')),
        until: apiTimestamp(flags.string('until')),
      },
    });
    if (info.Config.Tty) {
      for await (const c of res) process.stdout.write(c as Buffer);
    } else {
      await demuxTo(res, (b) => process.stdout.write(b), (b) => process.stderr.write(b));
    }
  },
};

function envFileLines(path: string): string[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((l) => l.replace(/\r$/, '').trimStart())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => (l.includes('=') || process.env[l] === undefined ? l : `${l}=${process.env[l]}`));
}

export const exec: Command = {
  name: 'exec',
  usage: '[OPTIONS] CONTAINER COMMAND [ARG...]',
  short: 'Execute a command in a running container',
  aliasPaths: ['container exec', 'exec'],
  interspersed: false,
  args: { min: 2 },
  flags: [
    { name: 'detach', short: 'd', kind: 'bool', usage: 'Detached mode: run command in the background' },
    { name: 'detach-keys', kind: 'string', usage: 'Override the key sequence for detaching a container' },
    { name: 'env', short: 'e', kind: 'list', usage: 'Set environment variables' },
    { name: 'env-file', kind: 'list', usage: 'Read in a file of environment variables' },
    { name: 'interactive', short: 'i', kind: 'bool', usage: 'Keep STDIN open even if not attached' },
    { name: 'privileged', kind: 'bool', usage: 'Give extended privileges to the command' },
    { name: 'tty', short: 't', kind: 'bool', usage: 'Allocate a pseudo-TTY' },
    { name: 'user', short: 'u', kind: 'string', usage: 'Username or UID (format: "<name|uid>[:<group|gid>]")' },
    { name: 'workdir', short: 'w', kind: 'string', usage: 'Working directory inside the container' },
  ],
  async run(cli, flags, [name, ...cmd]) {
    const detach = flags.bool('detach');
    const tty = flags.bool('tty');
    const stdin = flags.bool('interactive');
    const env = [
      ...flags.list('env-file').flatMap(envFileLines),
      ...flags.list('env').map((e) => (e.includes('=') || process.env[e] === undefined ? e : `${e}=${process.env[e]}`)),
    ];
    const created = await cli.engine.json<{ Id: string }>('POST', `/containers/${enc(name)}/exec`, {
      body: {
        User: flags.string('user'),
        Privileged: flags.bool('privileged'),
        Tty: tty,
        AttachStdin: stdin && !detach,
        AttachStdout: !detach,
        AttachStderr: !detach,
        DetachKeys: flags.string('detach-keys') || cli.config.detachKeys || '',
        Env: env,
        WorkingDir: flags.string('workdir'),
        Cmd: cmd,
      },
    });
    if (detach) {
      await cli.engine.call('POST', `/exec/${created.Id}/start`, { body: { Detach: true, Tty: tty } });
      return 0;
    }
    checkInputTty(tty, stdin);
    const { socket, head } = await cli.engine.hijack('POST', `/exec/${created.Id}/start`, { body: { Detach: false, Tty: tty } });
    const detachKeys = flags.string('detach-keys') || cli.config.detachKeys;
    const output = pumpStreams(socket, head, { tty, stdin, stdout: true, stderr: true, detachKeys });
    const stopResize = tty ? monitorTtySize(cli.engine, `/exec/${created.Id}/resize`) : () => {};
    const end = await output;
    stopResize();
    if (end === 'detached') return 0;
    const state = await cli.engine.get<{ ExitCode: number | null; Running: boolean }>(`/exec/${created.Id}/json`);
    return state.ExitCode ?? 0;
  },
};

export const containerInspect: Command = {
  name: 'inspect',
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  short: 'Display detailed information on one or more containers',
  args: { min: 1 },
  flags: [
    { ...formatFlag(false, 'f') },
    { name: 'size', short: 's', kind: 'bool', usage: 'Display total file sizes' },
  ],
  run: (cli, flags, args) =>
    inspectObjects(cli, args, rawGetter(cli, (n) => `/containers/${n}/json`, flags.bool('size') ? { size: '1' } : undefined), {
      format: flags.string('format'),
    }),
};
