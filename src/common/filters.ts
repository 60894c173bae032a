// The `filters` query parameter: JSON of {name: {value: true}} or the older {name: [value]}.
import { invalid } from './errors.js';

export type Filters = Map<string, string[]>;

export function parseFilters(raw: string | null): Filters {
  const out: Filters = new Map();
  if (!raw) return out;
  let parsed: unknown;
  try { parsed = JSON.parse(raw); } catch { throw invalid(`invalid filter '${raw}'`); }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid(`invalid filter '${raw}'`);
  for (const [key, val] of Object.entries(parsed)) {
    if (Array.isArray(val)) out.set(key, val.map(String));
    else if (typeof val === 'object' && val !== null) out.set(key, Object.keys(val).filter((k) => (val as Record<string, unknown>)[k]));
    else throw invalid(`invalid filter '${raw}'`);
  }
  return out;
}

/** Rejects filter names a resource does not know, as Docker does. */
export function checkFilterNames(filters: Filters, allowed: string[]): void {
  for (const key of filters.keys()) {
    if (!allowed.includes(key)) throw invalid(`invalid filter '${key}'`);
  }
}

/** `label=key` or `label=key=value` against a label map. */
export function matchLabels(wanted: string[] | undefined, labels: Record<string, string> | null | undefined): boolean {
  if (!wanted) return true;
  return wanted.every((w) => {
    const eq = w.indexOf('=');
    if (eq < 0) return labels != null && w in labels;
    return labels != null && labels[w.slice(0, eq)] === w.slice(eq + 1);
  });
}

/** Docker's time filters: unix seconds (with fraction), RFC 3339, or a duration like 10m before now. */
export function parseTimestamp(value: string, now = Date.now()): number {
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const dur = /^(\d+(?:\.\d+)?)(ns|us|ms|s|m|h)$/.exec(value);
  if (dur) {
    const unit = { ns: 1e-6, us: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[dur[2] as 'ns'];
    return now - Number(dur[1]) * unit;
  }
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw invalid(`failed to parse value ${value} as a timestamp`);
  return t;
}
