// Go time formatting of API timestamps: RFC 3339 strings with nanoseconds printed with
// time.Time.String() ("2006-01-02 15:04:05.999999999 -0700 MST") or RFC 3339 in local time.
import { goTimeString } from './names.js';

/** Parses RFC 3339 with up to nanosecond precision; returns ms and the fractional digits. */
export function parseRFC3339(s: string): { ms: number; frac: string } {
  const m = /\.(\d+)/.exec(s);
  return { ms: Date.parse(s), frac: m ? m[1].replace(/0+$/, '') : '' };
}

/** time.Time.String() keeping the nanoseconds an RFC 3339 timestamp carried. */
export function goTimeStringNanos(rfc3339: string): string {
  const { ms, frac } = parseRFC3339(rfc3339);
  const base = goTimeString(new Date(ms));
  if (!frac) return base;
  const [date, time, ...rest] = base.split(' ');
  return [date, `${time}.${frac}`, ...rest].join(' ');
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** time.RFC3339 in local time ("2026-11-22T19:42:06Z" in UTC). */
export function rfc3339Local(d: Date): string {
  const off = -d.getTimezoneOffset();
  const zone = off === 0 ? 'Z' : `${off > 0 ? '+' : '-'}${pad2(Math.trunc(Math.abs(off) / 60))}:${pad2(Math.abs(off) % 60)}`;
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}T${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}${zone}`;
}
