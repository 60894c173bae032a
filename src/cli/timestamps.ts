// docker's --since/--until values: Go durations relative to now ("42m"), unix timestamps, or
// RFC 3339 dates, sent to the daemon as "seconds.nanoseconds".
import { parseGoDuration } from './format/units.js';
import { StatusError } from './context.js';

export function apiTimestamp(value: string, now = Date.now()): string | undefined {
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return value;
  let ms: number;
  try {
    ms = now - parseGoDuration(value);
  } catch {
    ms = Date.parse(value);
    if (Number.isNaN(ms)) {
      throw new StatusError(1, `invalid value for "since": failed to parse value as time or duration: "${value}"`);
    }
  }
  const secs = Math.floor(ms / 1000);
  const nanos = Math.round((ms - secs * 1000) * 1e6);
  return `${secs}.${String(nanos).padStart(9, '0')}`;
}
