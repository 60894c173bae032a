// One clock for every timestamp berthd records (events, container states): nanoseconds since
// the Unix epoch as a bigint, read from the monotonic clock and anchored to the wall clock once,
// so that two readings never go backwards (a wall-clock step does not reorder events) and each
// reading is later than the one before. Exact to the nanosecond, which a JS number is not.
const anchor = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();
let last = 0n;

/** Nanoseconds since the epoch; strictly increasing from call to call. */
export function nowNs(): bigint {
  let t = anchor + process.hrtime.bigint();
  if (t <= last) t = last + 1n;
  last = t;
  return t;
}

/** RFC 3339 with nanoseconds (trailing zeros dropped, as Go's RFC3339Nano). */
export function rfc3339NanoOf(ns: bigint): string {
  const iso = new Date(Number(ns / 1_000_000n)).toISOString();
  const frac = String(ns % 1_000_000_000n).padStart(9, '0').replace(/0+$/, '');
  return `${iso.slice(0, 19)}${frac ? `.${frac}` : ''}Z`;
}
