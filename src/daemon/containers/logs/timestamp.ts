// Nanosecond wall-clock timestamps for log lines (Node's clock has milliseconds: the monotonic
// high-resolution clock supplies the rest) and the two RFC 3339 forms Docker prints: Go's
// RFC3339Nano (trailing zeros trimmed, in the json-file) and the fixed 9-digit form (`logs -t`).
import { internal } from '../../../common/errors.js';

let baseEpochNs = BigInt(Date.now()) * 1_000_000n;
let baseHr = process.hrtime.bigint();
let last = 0n;

/** Nanoseconds since the epoch, strictly increasing across calls. */
export function nowNs(): bigint {
  const hr = process.hrtime.bigint();
  let t = baseEpochNs + (hr - baseHr);
  // Stay within the wall clock's millisecond (it may be stepped or slewed): re-anchor if not.
  const wall = BigInt(Date.now()) * 1_000_000n;
  if (t < wall || t >= wall + 1_000_000n) {
    baseEpochNs = wall;
    baseHr = hr;
    t = wall;
  }
  if (t <= last) t = last + 1n;
  last = t;
  return t;
}

// Log lines come in bursts within one second: its formatted part is reused.
let cachedSecond = -1n;
let cachedIso = '';

function split(ns: bigint): { seconds: string; fraction: string } {
  const second = ns / 1_000_000_000n;
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedIso = new Date(Number(second) * 1000).toISOString().slice(0, 19);
  }
  return { seconds: cachedIso, fraction: (ns - second * 1_000_000_000n).toString().padStart(9, '0') };
}

/** Go's time.RFC3339Nano in UTC: `2024-01-02T03:04:05.12345Z`. */
export function formatRfc3339Nano(ns: bigint): string {
  const { seconds, fraction } = split(ns);
  let end = fraction.length;
  while (end > 0 && fraction.charCodeAt(end - 1) === 0x30) end--;
  const trimmed = fraction.slice(0, end);
  return trimmed ? `${seconds}.${trimmed}Z` : `${seconds}Z`;
}

/** Docker's RFC3339NanoFixed in UTC: `2024-01-02T03:04:05.123450000Z`. */
export function formatRfc3339NanoFixed(ns: bigint): string {
  const { seconds, fraction } = split(ns);
  return `${seconds}.${fraction}Z`;
}

const RFC3339 = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/;

/** Parses an RFC 3339 time with up to nanosecond precision into nanoseconds since the epoch. */
export function parseRfc3339(s: string): bigint {
  const m = RFC3339.exec(s);
  if (!m) throw new Error(`invalid log timestamp: ${s}`);
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms)) throw new Error(`invalid log timestamp: ${s}`);
  return BigInt(ms) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0') || '0');
}

/** Milliseconds (fractions kept) or exact nanoseconds (bigint) as nanoseconds. */
export function toNs(t: number | bigint): bigint {
  return typeof t === 'bigint' ? t : BigInt(Math.round(t * 1_000_000));
}

function goParseInt(s: string): bigint {
  if (!/^[+-]?\d+$/.test(s)) throw internal(`strconv.ParseInt: parsing ${JSON.stringify(s)}: invalid syntax`);
  return BigInt(s);
}

/**
 * The `since`/`until` query parameters of GET /containers/{id}/logs ("<seconds>[.<fraction>]",
 * moby's timetypes.ParseTimestamps) as nanoseconds; undefined when absent, empty or "0" (no
 * limit). Throws Docker's error (status 500, strconv's text).
 */
export function parseLogTimeParam(value: string | null | undefined): bigint | undefined {
  if (!value || value === '0') return undefined;
  const dot = value.indexOf('.');
  const seconds = goParseInt(dot < 0 ? value : value.slice(0, dot));
  if (dot < 0) return seconds * 1_000_000_000n;
  const digits = value.slice(dot + 1);
  const fraction = goParseInt(digits);
  const scaled = digits.length <= 9 ? fraction * 10n ** BigInt(9 - digits.length) : fraction / 10n ** BigInt(digits.length - 9);
  return seconds * 1_000_000_000n + scaled;
}
