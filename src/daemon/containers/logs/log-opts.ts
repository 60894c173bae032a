// Parsing of `--log-opt` values with the Go functions' error texts Docker lets through
// (units.RAMInBytes, strconv.Atoi, strconv.ParseBool).

const SIZE = /^(\d+(?:\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$/;
const BINARY_UNITS: Record<string, number> = { k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

/** units.RAMInBytes: "10m", "1.5g", "100k", "512" (binary multiples). */
export function ramInBytes(s: string): number {
  const m = SIZE.exec(s);
  if (!m) throw new Error(`invalid size: '${s}'`);
  if (!/^\d+(\.\d+)?$/.test(m[1])) throw new Error(`strconv.ParseFloat: parsing "${m[1]}": invalid syntax`);
  const mult = m[2] ? BINARY_UNITS[m[2].toLowerCase()] : 1;
  return Math.trunc(Number(m[1]) * mult);
}

/** strconv.Atoi. */
export function atoi(s: string): number {
  if (!/^[+-]?\d+$/.test(s)) throw new Error(`strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`);
  const n = Number(s);
  if (!Number.isSafeInteger(n)) throw new Error(`strconv.Atoi: parsing ${JSON.stringify(s)}: value out of range`);
  return n;
}

const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** strconv.ParseBool. */
export function parseBool(s: string): boolean {
  if (TRUE.has(s)) return true;
  if (FALSE.has(s)) return false;
  throw new Error(`strconv.ParseBool: parsing ${JSON.stringify(s)}: invalid syntax`);
}

export interface JsonFileOptions {
  /** Bytes after which the file is rotated; -1 = never. */
  maxSize: number;
  maxFiles: number;
  compress: boolean;
}

/** The json-file driver's own option checks (done when the logger starts, as Docker). */
export function parseJsonFileOptions(opts: Record<string, string>): JsonFileOptions {
  let maxSize = -1;
  if (opts['max-size'] !== undefined) {
    maxSize = ramInBytes(opts['max-size']);
    if (maxSize <= 0) throw new Error('max-size must be a positive number');
  }
  let maxFiles = 1;
  if (opts['max-file'] !== undefined) {
    maxFiles = atoi(opts['max-file']);
    if (maxFiles < 1) throw new Error('max-file cannot be less than 1');
  }
  let compress = false;
  if (opts.compress !== undefined) {
    compress = parseBool(opts.compress);
    if (compress && (maxFiles <= 1 || maxSize === -1)) {
      throw new Error('compress cannot be true when max-file is less than 2 or max-size is not set');
    }
  }
  return { maxSize, maxFiles, compress };
}
