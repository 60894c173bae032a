// Finds where the last N lines of a set of log files begin by reading backwards from the end
// in fixed-size chunks, so a large history is never loaded to answer `--tail`.
import { READ_CHUNK, type LogSource } from './log-sources.js';


export interface Position {
  /** Index into the sources (oldest first). */
  source: number;
  offset: number;
}

/**
 * Scans `src` backwards for the start of its last `want` complete lines. Returns the offset
 * and how many lines were found (fewer than `want` when the file holds fewer: offset 0).
 */
async function scanBack(src: LogSource, want: number): Promise<{ offset: number; found: number }> {
  let pos = await src.size();
  let seenNewline = false;
  let found = 0;
  while (pos > 0) {
    const start = Math.max(0, pos - READ_CHUNK);
    const buf = await src.read(start, pos - start);
    for (let i = buf.length - 1; i >= 0; i--) {
      if (buf[i] !== 0x0a) continue;
      // The first newline from the end closes the last complete line; a trailing partial
      // write after it is not a line yet.
      if (!seenNewline) {
        seenNewline = true;
        continue;
      }
      found++;
      if (found === want) return { offset: start + i + 1, found };
    }
    pos = start;
  }
  return { offset: 0, found: seenNewline ? found + 1 : 0 };
}

/** The position of the first of the last `lines` lines across `sources` (oldest first). */
export async function tailStart(sources: LogSource[], lines: number): Promise<Position> {
  let want = lines;
  for (let s = sources.length - 1; s >= 0; s--) {
    const { offset, found } = await scanBack(sources[s], want);
    if (found >= want) return { source: s, offset };
    want -= found;
  }
  return { source: 0, offset: 0 };
}

/** The offset just after the last newline of `src` (where a follower continues). */
export async function endOfLines(src: LogSource): Promise<number> {
  for (let pos = await src.size(); pos > 0; ) {
    const start = Math.max(0, pos - READ_CHUNK);
    const buf = await src.read(start, pos - start);
    const nl = buf.lastIndexOf(0x0a);
    if (nl >= 0) return start + nl + 1;
    pos = start;
  }
  return 0;
}
