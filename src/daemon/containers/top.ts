// `docker top`: the host's `ps` output (with the caller's ps_args), keeping the lines whose
// PID belongs to the container's task (Tasks.ListPids), as dockerd does.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { internal, invalid } from '../../common/errors.js';

const run = promisify(execFile);

export function parsePs(output: string, pids: Set<number>): { Titles: string[]; Processes: string[][] } {
  const lines = output.split('\n').filter((l) => l.trim());
  const titles = (lines.shift() ?? '').trim().split(/\s+/);
  const pidCol = titles.indexOf('PID');
  if (pidCol < 0) throw internal(`Couldn't find PID field in ps output`);
  const processes: string[][] = [];
  for (const line of lines) {
    const fields = line.trim().split(/\s+/);
    if (!pids.has(Number(fields[pidCol]))) continue;
    const head = fields.slice(0, titles.length - 1);
    processes.push([...head, fields.slice(titles.length - 1).join(' ')]);
  }
  return { Titles: titles, Processes: processes };
}

export async function top(pids: number[], psArgs: string): Promise<{ Titles: string[]; Processes: string[][] }> {
  const args = psArgs.trim() ? psArgs.trim().split(/\s+/) : ['-ef'];
  let stdout: string;
  try {
    stdout = (await run('ps', args, { maxBuffer: 64 << 20 })).stdout;
  } catch (err) {
    throw invalid(`ps: ${(err as { stderr?: string }).stderr?.trim() || (err as Error).message}`);
  }
  return parsePs(stdout, new Set(pids));
}
