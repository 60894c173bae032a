// Signal names and numbers as `docker kill -s` accepts them: TERM, SIGTERM, 15.
import { constants } from 'node:os';
import { invalid } from '../../common/errors.js';

const BY_NAME = constants.signals as Record<string, number>;

export function parseSignal(raw: string): number {
  const s = raw.trim();
  if (/^\d+$/.test(s)) {
    const n = Number(s);
    if (n <= 0 || n > 64) throw invalid(`Invalid signal: ${raw}`);
    return n;
  }
  const name = s.toUpperCase().replace(/^SIG/, '');
  const rt = /^RTM(IN|AX)([+-]\d+)?$/.exec(name);
  if (rt) return (rt[1] === 'IN' ? 34 : 64) + Number(rt[2] ?? 0);
  const n = BY_NAME[`SIG${name}`];
  if (n === undefined) throw invalid(`Invalid signal: ${raw}`);
  return n;
}
