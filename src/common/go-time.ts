// Timestamps as Go's RFC 3339 (nano) formatting writes them, which Docker clients show and
// compare: the fraction's trailing zeros dropped (`…:48.91Z`, `…:48Z`).
export function goTimestamp(d: Date | string = new Date()): string {
  const iso = typeof d === 'string' ? new Date(d).toISOString() : d.toISOString();
  return iso.replace(/(\.\d*?)0+Z$/, '$1Z').replace('.Z', 'Z');
}
