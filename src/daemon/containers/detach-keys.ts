// Detach keys for attach and exec: Docker's format ("ctrl-p,ctrl-q", single characters,
// comma-separated) and a scanner that holds back a partial match until it is resolved.
import { invalid } from '../../common/errors.js';

const DEFAULT = Buffer.from([16, 17]);

export function parseDetachKeys(spec: string): Buffer {
  if (!spec) return DEFAULT;
  const out: number[] = [];
  for (const key of spec.split(',')) {
    const k = key.trim();
    if (k.length === 1) { out.push(k.charCodeAt(0)); continue; }
    const m = /^ctrl-(.)$/.exec(k);
    const c = m?.[1];
    if (c && c >= 'a' && c <= 'z') out.push(c.charCodeAt(0) - 96);
    else if (c && '@[\\]^_'.includes(c)) out.push(c.charCodeAt(0) - 64);
    else throw invalid(`Invalid detach keys (${spec}) provided`);
  }
  return Buffer.from(out);
}

export class DetachKeyScanner {
  private matched = 0;

  constructor(private readonly keys: Buffer) {}

  /** Returns the bytes to pass on, and whether the full sequence was typed. */
  push(chunk: Buffer): { data: Buffer; detached: boolean } {
    if (!this.matched && chunk.indexOf(this.keys[0]) < 0) return { data: chunk, detached: false };
    const out = Buffer.allocUnsafe(chunk.length + this.keys.length);
    let n = 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (b === this.keys[this.matched]) {
        if (++this.matched === this.keys.length) return { data: out.subarray(0, n), detached: true };
        continue;
      }
      for (let j = 0; j < this.matched; j++) out[n++] = this.keys[j];
      this.matched = b === this.keys[0] ? 1 : 0;
      if (!this.matched) out[n++] = b;
    }
    return { data: out.subarray(0, n), detached: false };
  }
}
