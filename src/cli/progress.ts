// Renders JSON message streams (pull, push, load, import) the way docker's jsonmessage does:
// one line per message on a pipe, per-layer lines updated in place on a terminal.
import { jsonMessages } from '../client/engine.js';
import type { ProgressMessage } from '../client/types.js';
import type { Readable } from 'node:stream';
import { StatusError } from './context.js';

/** An error message in the stream; `detailCode` is its errorDetail.code (build exits with it). */
export class StreamError extends StatusError {
  constructor(
    message: string,
    readonly detailCode?: number,
  ) {
    super(1, message);
  }
}

export async function displayProgress(stream: Readable, out: NodeJS.WriteStream, onAux?: (aux: Record<string, unknown>) => void): Promise<void> {
  const terminal = Boolean(out.isTTY);
  const lines = new Map<string, number>();
  let total = 0;
  for await (const m of jsonMessages<ProgressMessage>(stream)) {
    if (m.error || m.errorDetail?.message) throw new StreamError(m.errorDetail?.message ?? m.error ?? '', m.errorDetail?.code);
    if (m.aux) {
      onAux?.(m.aux);
      continue;
    }
    const hasProgress = m.progress !== undefined || m.progressDetail !== undefined;
    if (!terminal && hasProgress && m.progress) continue;
    let text = '';
    if (m.id) text += `${m.id}: `;
    if (m.stream !== undefined) text += m.stream;
    else if (terminal && hasProgress) text += `${m.status ?? ''} ${m.progress ?? ''}`;
    else text += m.status ?? '';
    if (!terminal) {
      out.write(m.stream !== undefined ? text : `${text}\n`);
      continue;
    }
    if (m.id && lines.has(m.id)) {
      const up = total - lines.get(m.id)!;
      out.write(`\x1b[${up}A\r\x1b[2K${text}\r\x1b[${up}B`);
    } else {
      if (m.id) lines.set(m.id, total);
      if (m.stream !== undefined) out.write(text);
      else {
        out.write(`\x1b[2K${text}\n`);
        total++;
      }
    }
  }
}
