// Attaching clients to a container: output sinks that follow it across starts, and its stdin.
import { conflict } from '../../common/errors.js';
import type { OutputSink, TaskStreams } from '../../runtime/task-io.js';
import type { Live } from './live.js';

/** Refuses what dockerd refuses: attaching to a paused or restarting container. */
export function checkAttachable(l: Live): Live {
  if (l.rec.State.Paused) throw conflict('You cannot attach to a paused container, unpause it first');
  if (l.rec.State.Restarting) throw conflict('You cannot attach to a restarting container, wait until it is running');
  return l;
}

/** Registers an output sink for the container's current task, or its next one. */
export function attachOutput(l: Live, sink: OutputSink): () => void {
  if (l.streams && !l.streams.done) return l.streams.attach(sink);
  l.attachers.add(sink);
  let inner: (() => void) | undefined;
  const onStart = () => { if (l.attachers.has(sink) && l.streams) { l.attachers.delete(sink); inner = l.streams.attach(sink); } };
  l.bus.on('start', onStart);
  return () => { l.attachers.delete(sink); l.bus.off('start', onStart); inner?.(); };
}

/** The writer of the current task's stdin, waiting for the next start when there is none. */
export async function stdinOf(l: Live): Promise<TaskStreams | undefined> {
  if (l.streams) return l.streams;
  if (!l.rec.Config.OpenStdin) return undefined;
  await new Promise<void>((resolve) => l.bus.once('start', () => resolve()));
  return l.streams;
}
