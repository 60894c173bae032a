// Query parameters read as dockerd reads them, for every route: booleans as moby's
// httputils.BoolValue ('', 0, no, false, none in any case are false; anything else is true) and
// integers as Go's strconv.Atoi, a malformed one being a 400 with Go's text (never NaN).
import { invalid } from '../common/errors.js';

const FALSE = new Set(['', '0', 'no', 'false', 'none']);

/** An absent parameter is false. */
export function bool(v: string | null): boolean {
  return v !== null && !FALSE.has(v.trim().toLowerCase());
}

/** A decimal integer; `undefined` when absent or empty. */
export function optInt(v: string | null): number | undefined {
  if (v === null || v === '') return undefined;
  if (!/^[+-]?\d+$/.test(v)) throw invalid(`strconv.Atoi: parsing ${JSON.stringify(v)}: invalid syntax`);
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw invalid(`strconv.Atoi: parsing ${JSON.stringify(v)}: value out of range`);
  return n;
}

/** As optInt, with `fallback` when absent. */
export function int(v: string | null, fallback = 0): number {
  return optInt(v) ?? fallback;
}
