// The daemon's event bus behind GET /events: every service reports actions here; the API
// replays the retained history for `since`/`until` and streams new ones, filtered.
import { EventEmitter } from 'node:events';
import { nowNs } from '../common/clock.js';

export interface EngineEvent {
  Type: 'container' | 'image' | 'network' | 'volume' | 'daemon' | 'plugin' | 'builder';
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  scope: 'local';
  time: number;
  /** Exact nanoseconds; serialise with eventJson (a JSON number, not a string). */
  timeNano: bigint;
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
    const ns = nowNs();
    const ev: EngineEvent = {
      Type: type, Action: action, Actor: { ID: id, Attributes: attributes }, scope: 'local',
      time: Number(ns / 1_000_000_000n), timeNano: ns,
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

  /** How many clients follow the stream now. */
  listeners(): number { return this.bus.listenerCount('event'); }

  subscribe(fn: (ev: EngineEvent) => void): () => void {
    this.bus.on('event', fn);
    return () => this.bus.off('event', fn);
  }
}

/** The event as the Engine API sends it, with timeNano as an exact JSON number. */
export function eventJson(ev: EngineEvent): string {
  const { timeNano, ...rest } = ev;
  return `${JSON.stringify(rest).slice(0, -1)},"timeNano":${timeNano}}`;
}
