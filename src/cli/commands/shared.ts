// Flag definitions and helpers several commands share.
import type { FlagSpec } from '../flags.js';
import { ApiError } from '../../client/errors.js';
import { StatusError, type Cli } from '../context.js';

/** Path segments in request URLs. */
export const enc = encodeURIComponent;

const formatTail =
  "'json':             Print in JSON format\n'TEMPLATE':         Print output using the given Go template.\nRefer to https://docs.docker.com/go/formatting/ for more information about formatting output with templates";

export function formatFlag(table: boolean, short?: string): FlagSpec {
  const head = table
    ? "Format output using a custom template:\n'table':            Print output in table format with column headers (default)\n'table TEMPLATE':   Print output in table format using the given Go template\n"
    : 'Format output using a custom template:\n';
  return { name: 'format', short, kind: 'string', usage: head + formatTail };
}

export const filterFlag = (usage = 'Filter output based on conditions provided'): FlagSpec => ({
  name: 'filter',
  short: 'f',
  kind: 'list',
  typeName: 'filter',
  usage,
});

/**
 * Runs `fn` for each name the way docker's multi-object commands do: successes print the
 * name, failures print "Error response from daemon: ..." and make the command exit 1.
 */
export async function forEachName(
  cli: Cli,
  names: string[],
  fn: (name: string) => Promise<string | void>,
): Promise<number> {
  const errors: string[] = [];
  for (const name of names) {
    try {
      const printed = await fn(name);
      cli.out(`${printed ?? name}\n`);
    } catch (e) {
      if (e instanceof ApiError) errors.push(`Error response from daemon: ${e.message}`);
      else throw e;
    }
  }
  if (errors.length) throw new StatusError(1, errors.join('\n'));
  return 0;
}

/** Reads a whole readable into a Buffer. */
export async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
  return Buffer.concat(chunks);
}

/** Asks for confirmation like docker's prune commands; false when the answer is not y/yes. */
export async function confirm(cli: Cli, warning: string): Promise<boolean> {
  cli.out(`${warning}\nAre you sure you want to continue? [y/N] `);
  const answer = await new Promise<string>((resolve) => {
    let buf = '';
    const onData = (c: Buffer) => {
      buf += c.toString();
      if (buf.includes('\n')) done();
    };
    const done = () => {
      process.stdin.off('data', onData);
      process.stdin.pause();
      resolve(buf.split('\n')[0].trim().toLowerCase());
    };
    process.stdin.on('data', onData);
    process.stdin.once('end', done);
  });
  return answer === 'y' || answer === 'yes';
}

/** `-o FILE` of save, export and volume export. */
export const OUTPUT_FLAG: FlagSpec = { name: 'output', short: 'o', kind: 'string', usage: 'Write to a file, instead of STDOUT' };

/**
 * Writes an archive the engine answers to `output`, or to stdout unless it is a terminal
 * (docker's refusal); the request is sent only once the destination is known to be fine.
 */
export async function saveArchive(output: string, fetch: () => Promise<NodeJS.ReadableStream>): Promise<void> {
  if (!output && process.stdout.isTTY) {
    throw new StatusError(1, 'cowardly refusing to save to a terminal. Use the -o flag or redirect');
  }
  const { createWriteStream } = await import('node:fs');
  await pipeAll(await fetch(), output ? createWriteStream(output) : process.stdout);
}

/** stream.pipeline, loaded on first use (start-up speed). */
export async function pipeAll(...streams: Array<NodeJS.ReadableStream | NodeJS.WritableStream>): Promise<void> {
  const { pipeline } = await import('node:stream/promises');
  await (pipeline as (...s: unknown[]) => Promise<void>)(...streams);
}
