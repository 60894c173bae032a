// containerd's /tasks/oom events, for State.OOMKilled: one Events.Subscribe stream for the
// daemon's life. The event payload is a TaskOOM message whose only field (1) is the container
// id; it is decoded by hand since the event types are not among the loaded service definitions.
import type { Containerd } from './containerd-client.js';

function containerIdOf(value: Buffer): string | undefined {
  if (value[0] !== 0x0a) return undefined;
  let len = 0; let shift = 0; let i = 1;
  for (; i < value.length; i++) {
    len |= (value[i] & 0x7f) << shift;
    shift += 7;
    if (!(value[i] & 0x80)) break;
  }
  return value.subarray(i + 1, i + 1 + len).toString();
}

/** Calls `onOom(containerId)` for each OOM in `namespace`; resubscribes if the stream breaks. Returns a stop function. */
export function watchOom(cd: Containerd, namespace: string, onOom: (id: string) => void): () => void {
  let stopped = false;
  let call: { cancel(): void } | undefined;
  const subscribe = () => {
    if (stopped) return;
    const stream = cd.events.stream('Subscribe', { filters: [`topic=="/tasks/oom",namespace=="${namespace}"`] });
    call = stream;
    stream.on('data', (env: { event?: { value?: Buffer } }) => {
      const id = env.event?.value && containerIdOf(Buffer.from(env.event.value));
      if (id) onOom(id);
    });
    stream.on('error', () => undefined);
    stream.on('end', () => { if (!stopped) setTimeout(subscribe, 1000); });
  };
  subscribe();
  return () => { stopped = true; call?.cancel(); };
}
