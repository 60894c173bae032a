// Detach key sequences (docker's "ctrl-p,ctrl-q" syntax) and a scanner that recognises them
// in the local input, holding back bytes that may start the sequence, as docker's escape proxy does.
import { StatusError } from './context.js';

const specials: Record<string, number> = { '@': 0, '[': 27, '\\': 28, ']': 29, '^': 30, _: 31 };

export function parseDetachKeys(spec: string): number[] {
  const out: number[] = [];
  for (const key of spec.split(',')) {
    const k = key.trim();
    if (k.length === 1) out.push(k.charCodeAt(0));
    else if (/^ctrl-[a-z]$/i.test(k)) out.push(k.toLowerCase().charCodeAt(5) - 96);
    else if (/^ctrl-[@[\\\]^_]$/.test(k)) out.push(specials[k[5]]);
    else throw new StatusError(1, `Invalid detach keys (${spec}) provided`);
  }
  return out;
}

export class EscapeScanner {
  private held: number[] = [];

  constructor(private readonly keys: number[]) {}

  /** Returns the bytes to forward, or 'detach' when the whole sequence was typed. */
  feed(chunk: Buffer): Buffer | 'detach' {
    const out: number[] = [];
    for (const b of chunk) {
      if (b === this.keys[this.held.length]) {
        this.held.push(b);
        if (this.held.length === this.keys.length) return 'detach';
        continue;
      }
      out.push(...this.held);
      this.held = [];
      if (b === this.keys[0]) this.held.push(b);
      else out.push(b);
    }
    return Buffer.from(out);
  }
}
