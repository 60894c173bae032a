// Encodes bytes as a JSON string exactly as moby's json-file driver does (jsonlog's
// ffjson-derived writer): only \n, \r, \" and \\ get short escapes; other control bytes and
// <, >, & become \u00XX; each byte of an invalid UTF-8 sequence becomes \ufffd (Go's
// utf8.DecodeRune semantics, stricter than WHATWG decoders); U+2028/U+2029 are escaped.
const HEX = '0123456789abcdef';

// For bytes below 0x80: null = copy as is, otherwise the escape to write.
const ASCII_ESCAPES: (Buffer | null)[] = Array.from({ length: 128 }, (_, b) => {
  if (b === 0x22) return Buffer.from('\\"');
  if (b === 0x5c) return Buffer.from('\\\\');
  if (b === 0x0a) return Buffer.from('\\n');
  if (b === 0x0d) return Buffer.from('\\r');
  if (b < 0x20 || b === 0x3c || b === 0x3e || b === 0x26) return Buffer.from(`\\u00${HEX[b >> 4]}${HEX[b & 15]}`);
  return null;
});
const REPLACEMENT = Buffer.from('\\ufffd');
const LINE_SEPARATOR = Buffer.from('\\u2028');
const PARAGRAPH_SEPARATOR = Buffer.from('\\u2029');

/** Length of the valid UTF-8 sequence starting at s[i] (a byte >= 0x80), or 0 when invalid. */
function utf8SequenceLength(s: Buffer, i: number): number {
  const b0 = s[i];
  const cont = (k: number) => i + k < s.length && (s[i + k] & 0xc0) === 0x80;
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(1) ? 2 : 0;
  if (b0 >= 0xe0 && b0 <= 0xef) {
    if (!cont(1) || !cont(2)) return 0;
    const b1 = s[i + 1];
    if (b0 === 0xe0 && b1 < 0xa0) return 0; // overlong
    if (b0 === 0xed && b1 >= 0xa0) return 0; // surrogate
    return 3;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    const b1 = s[i + 1];
    if (b0 === 0xf0 && b1 < 0x90) return 0; // overlong
    if (b0 === 0xf4 && b1 >= 0x90) return 0; // above U+10FFFF
    return 4;
  }
  return 0;
}

// 1 for bytes that cannot be copied as they are.
const SPECIAL = Uint8Array.from({ length: 256 }, (_, b) => (b >= 0x80 || ASCII_ESCAPES[b] ? 1 : 0));
const ESCAPED_NEWLINE = ASCII_ESCAPES[0x0a]!;

/** Room `writeGoJsonString` may need for `length` input bytes. */
export const maxGoJsonLength = (length: number) => length * 6 + 4;

/**
 * Writes the JSON string literal (with quotes) for `s` into `out` at `o`, byte-identical to
 * Docker's; `newline` appends an escaped \n inside the quotes. Returns the end offset.
 */
export function writeGoJsonString(s: Buffer, out: Buffer, o: number, newline = false): number {
  out[o++] = 0x22;
  let start = 0;
  for (let i = 0; i < s.length; ) {
    const b = s[i];
    if (!SPECIAL[b]) {
      i++;
      continue;
    }
    if (i > start) o += s.copy(out, o, start, i);
    if (b < 0x80) {
      o += ASCII_ESCAPES[b]!.copy(out, o);
      start = ++i;
      continue;
    }
    const n = utf8SequenceLength(s, i);
    if (n === 0) {
      o += REPLACEMENT.copy(out, o);
      start = ++i;
    } else if (n === 3 && b === 0xe2 && s[i + 1] === 0x80 && (s[i + 2] === 0xa8 || s[i + 2] === 0xa9)) {
      o += (s[i + 2] === 0xa8 ? LINE_SEPARATOR : PARAGRAPH_SEPARATOR).copy(out, o);
      start = i += 3;
    } else {
      // A valid multi-byte character: copied with the run it belongs to.
      start = i;
      i += n;
    }
  }
  if (s.length > start) o += s.copy(out, o, start, s.length);
  if (newline) o += ESCAPED_NEWLINE.copy(out, o);
  out[o++] = 0x22;
  return o;
}

/** The JSON string literal (with quotes) for `s`, byte-identical to Docker's. */
export function goJsonString(s: Buffer): Buffer {
  const out = Buffer.allocUnsafe(maxGoJsonLength(s.length));
  return out.subarray(0, writeGoJsonString(s, out, 0));
}
