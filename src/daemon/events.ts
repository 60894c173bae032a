// The daemon's event bus behind GET /events: every service reports actions here; the API
// replays the retained history for `since`/`until` and streams new ones, filtered.
import { EventEmitter } from 'node:events';

export interface EngineEvent {
  Type: 'container' | 'image' | 'network' | 'volume' | 'daemon' | 'plugin' | 'builder';
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  scope: 'local';
  time: number;
  timeNano: number;
  // Legacy fields docker still sends for containers and images.
  status?: string;
  id?: string;
  from?: string;
}

const RETAIN = 1024;

export class EventService {
  private readonly history: EngineEvent[] = [];
  private readonly bus = new EventEmitter();

  constructor() { this.bus.setMaxListeners(0); }

  emit(type: EngineEvent['Type'], action: string, id: string, attributes: Record<string, string> = {}): void {
    const nowNs = BigInt(Date.now()) * 1_000_000n + process.hrtime.bigint() % 1_000_000n;
    const ev: EngineEvent = {
      Type: type, Action: action, Actor: { ID: id, Attributes: attributes }, scope: 'local',
      time: Number(nowNs / 1_000_000_000n), timeNano: Number(nowNs),
    };
    if (type === 'container' || type === 'image') {
      ev.status = action; ev.id = id;
      if (attributes.image && type === 'container') ev.from = attributes.image;
    }
    this.history.push(ev);
    if (this.history.length > RETAIN) this.history.splice(0, this.history.length - RETAIN);
    this.bus.emit('event', ev);
  }

  /** Events already recorded, oldest first. */
  past(): readonly EngineEvent[] { return this.history; }

  subscribe(fn: (ev: EngineEvent) => void): () => void {
    this.bus.on('event', fn);
    return () => this.bus.off('event', fn);
  }
}
