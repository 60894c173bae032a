// run, create, start and attach: container creation (pulling missing images), attaching
// stdio before start, waiting for the exit status, and docker's exit codes (125/126/127).
import { ApiError } from '../../client/errors.js';
import type { ContainerInspect } from '../../client/types.js';
import type { Command } from '../command.js';
import { PROG } from '../command.js';
import { StatusError, type Cli } from '../context.js';
import type { ParsedFlags } from '../flags.js';
import { displayProgress } from '../progress.js';
import { registryAuthHeader, withDefaultTag } from '../registry-auth.js';
import { buildCreate, OptionError, type CreateRequest } from '../run/config.js';
import { containerFlags, createFlags, runOnlyFlags } from '../run/flags.js';
import { monitorTtySize, proxySignals, pumpStreams, type StreamEnd } from '../streams.js';
import { writeFileSync } from 'node:fs';
import { splitReference } from '../format/names.js';

function runError(name: string, message: string, code = 125): StatusError {
  return new StatusError(code, `${PROG}: ${message}\n\nRun '${PROG} ${name} --help' for more information`);
}

async function pull(cli: Cli, image: string, quiet: boolean): Promise<void> {
  const ref = withDefaultTag(image);
  const r = splitReference(ref);
  const res = await cli.engine.request('POST', '/images/create', {
    query: { fromImage: r.repo, tag: r.digest ?? r.tag },
    headers: registryAuthHeader(cli, ref),
  });
  if (quiet) {
    for await (const _ of res) void _;
    return;
  }
  await displayProgress(res, process.stderr);
}

/** Creates the container, pulling the image first when it is missing (per --pull). */
async function createContainer(cli: Cli, flags: ParsedFlags, image: string, cmd: string[], detach: boolean, cmdName: string): Promise<string> {
  let req: CreateRequest;
  try {
    req = buildCreate(flags, image, cmd, detach);
  } catch (e) {
    if (e instanceof OptionError) throw runError(cmdName, e.message);
    throw e;
  }
  const policy = flags.string('pull');
  const quiet = flags.bool('quiet');
  const doCreate = () =>
    cli.engine.json<{ Id: string; Warnings?: string[] | null }>('POST', '/containers/create', {
      query: { name: req.name, platform: req.platform },
      body: req.body,
    });
  let created;
  try {
    if (policy === 'always') await pull(cli, image, quiet);
    created = await doCreate();
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 404 || policy !== 'missing' || !/No such image/i.test(e.message)) {
      if (cmdName === 'create' && e instanceof ApiError) throw e;
      throw runError(cmdName, e instanceof ApiError ? `Error response from daemon: ${e.message}` : (e as Error).message);
    }
    cli.err(`Unable to find image '${withDefaultTag(image)}' locally\n`);
    try {
      await pull(cli, image, quiet);
      created = await doCreate();
    } catch (e2) {
      throw runError(cmdName, e2 instanceof ApiError ? `Error response from daemon: ${e2.message}` : (e2 as Error).message);
    }
  }
  for (const w of created.Warnings ?? []) cli.err(`WARNING: ${w}\n`);
  if (flags.string('cidfile')) writeFileSync(flags.string('cidfile'), created.Id);
  return created.Id;
}

function startErrorCode(message: string): number {
  if (/executable file not found|no such file or directory|system cannot find the file specified/.test(message)) return 127;
  if (/permission denied|is a directory/.test(message)) return 126;
  return 125;
}

interface AttachPlan {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
  detachKeys?: string;
}

/** Opens the attach connection; `done` settles at the end of the output. */
async function attach(cli: Cli, id: string, plan: AttachPlan): Promise<{ done: Promise<StreamEnd> }> {
  const { socket, head } = await cli.engine.hijack('POST', `/containers/${id}/attach`, {
    query: {
      stream: 1,
      stdin: plan.stdin ? 1 : undefined,
      stdout: plan.stdout ? 1 : undefined,
      stderr: plan.stderr ? 1 : undefined,
      detachKeys: plan.detachKeys,
    },
  });
  return { done: pumpStreams(socket, head, plan) };
}

function waitFor(cli: Cli, id: string, condition: string): Promise<number> {
  return cli.engine
    .json<{ StatusCode: number; Error?: { Message?: string } | null }>('POST', `/containers/${id}/wait`, { query: { condition } })
    .then((r) => {
      if (r.Error?.Message) throw new StatusError(125, r.Error.Message);
      return r.StatusCode;
    });
}

/** docker refuses -t with forwarded input that is not a terminal. */
export function checkInputTty(tty: boolean, stdin: boolean): void {
  if (tty && stdin && !process.stdin.isTTY) throw new StatusError(1, 'the input device is not a TTY');
}

async function runCommand(cli: Cli, flags: ParsedFlags, args: string[]): Promise<number> {
  const [image, ...cmd] = args;
  const detach = flags.bool('detach');
  if (!detach) checkInputTty(flags.bool('tty'), flags.bool('interactive'));
  const id = await createContainer(cli, flags, image, cmd, detach, 'run');
  const tty = flags.bool('tty');
  const autoRemove = flags.bool('rm');
  if (detach) {
    try {
      await cli.engine.call('POST', `/containers/${id}/start`);
    } catch (e) {
      if (e instanceof ApiError) throw runError('run', `Error response from daemon: ${e.message}`, startErrorCode(e.message));
      throw e;
    }
    cli.out(`${id}\n`);
    return 0;
  }
  const attachList = flags.list('attach').map((a) => a.toLowerCase());
  const plan: AttachPlan = {
    stdin: attachList.length ? attachList.includes('stdin') : flags.bool('interactive'),
    stdout: attachList.length ? attachList.includes('stdout') : true,
    stderr: attachList.length ? attachList.includes('stderr') : true,
    tty,
    detachKeys: flags.string('detach-keys') || cli.config.detachKeys,
  };
  const waiting = waitFor(cli, id, autoRemove ? 'removed' : 'next-exit');
  waiting.catch(() => {});
  const output: Promise<StreamEnd> = plan.stdin || plan.stdout || plan.stderr ? (await attach(cli, id, plan)).done : Promise.resolve('ended');
  try {
    await cli.engine.call('POST', `/containers/${id}/start`);
  } catch (e) {
    if (e instanceof ApiError) {
      if (autoRemove) await cli.engine.call('DELETE', `/containers/${id}`, { query: { force: 1 } }).catch(() => {});
      throw runError('run', `Error response from daemon: ${e.message}`, startErrorCode(e.message));
    }
    throw e;
  }
  const stopResize = tty ? monitorTtySize(cli.engine, `/containers/${id}/resize`) : () => {};
  const stopProxy = !tty && flags.bool('sig-proxy') ? proxySignals(cli.engine, id) : () => {};
  const end = await output;
  stopResize();
  stopProxy();
  if (end === 'detached') return 0;
  return await waiting;
}

async function createCommand(cli: Cli, flags: ParsedFlags, args: string[]): Promise<number> {
  const [image, ...cmd] = args;
  const id = await createContainer(cli, flags, image, cmd, false, 'create');
  cli.out(`${id}\n`);
  return 0;
}

export const run: Command = {
  name: 'run',
  usage: '[OPTIONS] IMAGE [COMMAND] [ARG...]',
  short: 'Create and run a new container from an image',
  aliasPaths: ['container run', 'run'],
  interspersed: false,
  args: { min: 1 },
  flags: [...containerFlags, ...runOnlyFlags],
  run: runCommand,
};

export const create: Command = {
  name: 'create',
  usage: '[OPTIONS] IMAGE [COMMAND] [ARG...]',
  short: 'Create a new container',
  aliasPaths: ['container create', 'create'],
  interspersed: false,
  args: { min: 1 },
  flags: createFlags,
  run: createCommand,
};

export const start: Command = {
  name: 'start',
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  short: 'Start one or more stopped containers',
  aliasPaths: ['container start', 'start'],
  args: { min: 1 },
  flags: [
    { name: 'attach', short: 'a', kind: 'bool', usage: 'Attach STDOUT/STDERR and forward signals' },
    { name: 'detach-keys', kind: 'string', usage: 'Override the key sequence for detaching a container' },
    { name: 'interactive', short: 'i', kind: 'bool', usage: "Attach container's STDIN" },
  ],
  async run(cli, flags, args) {
    if (!flags.bool('attach') && !flags.bool('interactive')) {
      const failed: string[] = [];
      for (const name of args) {
        try {
          await cli.engine.call('POST', `/containers/${encodeURIComponent(name)}/start`);
          cli.out(`${name}\n`);
        } catch (e) {
          if (!(e instanceof ApiError)) throw e;
          cli.err(`Error response from daemon: ${e.message}\n`);
          failed.push(name);
        }
      }
      if (failed.length) throw new StatusError(1, `Error: failed to start containers: ${failed.join(', ')}`);
      return 0;
    }
    if (args.length > 1) throw new StatusError(1, 'you cannot start and attach multiple containers at once');
    const info = await cli.engine.get<ContainerInspect>(`/containers/${encodeURIComponent(args[0])}/json`);
    const tty = info.Config.Tty;
    checkInputTty(tty, flags.bool('interactive') && info.Config.OpenStdin);
    const plan: AttachPlan = {
      stdin: flags.bool('interactive') && info.Config.OpenStdin,
      stdout: true,
      stderr: true,
      tty,
      detachKeys: flags.string('detach-keys') || cli.config.detachKeys,
    };
    const waiting = waitFor(cli, info.Id, info.HostConfig.AutoRemove ? 'removed' : 'next-exit');
    waiting.catch(() => {});
    const output = (await attach(cli, info.Id, plan)).done;
    try {
      await cli.engine.call('POST', `/containers/${info.Id}/start`);
    } catch (e) {
      if (e instanceof ApiError) throw new StatusError(startErrorCode(e.message) === 125 ? 1 : startErrorCode(e.message), `Error response from daemon: ${e.message}`);
      throw e;
    }
    const stopResize = tty ? monitorTtySize(cli.engine, `/containers/${info.Id}/resize`) : () => {};
    const stopProxy = !tty ? proxySignals(cli.engine, info.Id) : () => {};
    const end = await output;
    stopResize();
    stopProxy();
    if (end === 'detached') return 0;
    return await waiting;
  },
};

export const attachCommand: Command = {
  name: 'attach',
  usage: '[OPTIONS] CONTAINER',
  short: 'Attach local standard input, output, and error streams to a running container',
  aliasPaths: ['container attach', 'attach'],
  args: { min: 1, max: 1 },
  flags: [
    { name: 'detach-keys', kind: 'string', usage: 'Override the key sequence for detaching a container' },
    { name: 'no-stdin', kind: 'bool', usage: 'Do not attach STDIN' },
    { name: 'sig-proxy', kind: 'bool', usage: 'Proxy all received signals to the process', default: true },
  ],
  async run(cli, flags, args) {
    const info = await cli.engine.get<ContainerInspect>(`/containers/${encodeURIComponent(args[0])}/json`);
    if (!info.State.Running) throw new StatusError(1, 'You cannot attach to a stopped container, start it first');
    if (info.State.Paused) throw new StatusError(1, 'You cannot attach to a paused container, unpause it first');
    const tty = info.Config.Tty;
    checkInputTty(tty, !flags.bool('no-stdin') && info.Config.OpenStdin);
    const waiting = waitFor(cli, info.Id, 'next-exit');
    waiting.catch(() => {});
    const output = (
      await attach(cli, info.Id, {
      stdin: !flags.bool('no-stdin') && info.Config.OpenStdin,
      stdout: true,
      stderr: true,
      tty,
        detachKeys: flags.string('detach-keys') || cli.config.detachKeys,
      })
    ).done;
    const stopResize = tty ? monitorTtySize(cli.engine, `/containers/${info.Id}/resize`, true) : () => {};
    const stopProxy = !tty && flags.bool('sig-proxy') ? proxySignals(cli.engine, info.Id) : () => {};
    const end = await output;
    stopResize();
    stopProxy();
    if (end === 'detached') throw new StatusError(1, 'read escape sequence');
    return await waiting;
  },
};
