/**
 * Go strings are byte strings; JavaScript strings are UTF-16. Template values carry Go strings as JS
 * strings in which every byte that is not part of valid UTF-8 stands as the lone surrogate
 * U+DC80+byte ("surrogateescape", as Python does it). Valid text stays ordinary text, so string
 * functions need no change, and every byte survives the round trip: a DER certificate or a PKCS#12
 * keystore goes through `{{ .ks }}` unchanged. Valid UTF-8 never decodes to a lone surrogate, so the
 * mapping cannot be confused with real text.
 */
import { Buffer, isUtf8 } from 'node:buffer';

const ESCAPE_BASE = 0xdc00;

/**
 * Bytes -> Go string value. Invalid UTF-8 is decoded as Go's `utf8.DecodeRune` does (one invalid
 * byte at a time), each invalid byte kept as an escape.
 *
 * @example
 * ```ts
 * goStringFromBytes(Buffer.from([0x61, 0xff])); // 'a\udcff'
 * ```
 */
export function goStringFromBytes(bytes: Uint8Array): string {
  if (isUtf8(bytes)) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  // Code units straight into one array, then one string: no rope of per-character pieces.
  const units = new Uint16Array(bytes.length); // every byte yields at most one code unit
  let n = 0;
  let i = 0;
  while (i < bytes.length) {
    const b0 = bytes[i] ?? 0;
    if (b0 < 0x80) {
      units[n++] = b0;
      i++;
      continue;
    }
    const [cp, size] = decodeRune(bytes, i);
    if (cp < 0) units[n++] = ESCAPE_BASE + b0;
    else if (cp < 0x10000) units[n++] = cp;
    else {
      units[n++] = 0xd800 + ((cp - 0x10000) >> 10);
      units[n++] = 0xdc00 + ((cp - 0x10000) & 0x3ff);
    }
    i += cp < 0 ? 1 : size;
  }
  return utf16(units.subarray(0, n));
}

/** A string from UTF-16 code units, lone surrogates kept (Buffer's utf16le decoder keeps them). */
function utf16(units: Uint16Array): string {
  return Buffer.from(units.buffer, units.byteOffset, units.byteLength).toString('utf16le');
}

/**
 * Go string value -> bytes: escapes become their byte again, text is UTF-8. A lone surrogate that is
 * not an escape (possible only from JavaScript-side input) is written as U+FFFD, as Go would.
 *
 * @example
 * ```ts
 * goStringToBytes('a\udcff'); // <Buffer 61 ff>
 * ```
 */
export function goStringToBytes(s: string): Buffer {
  if (!hasSurrogate(s)) return Buffer.from(s, 'utf8');
  const out = Buffer.allocUnsafe(utf8Length(s));
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    let cp = s.charCodeAt(i);
    if (cp >= 0xd800 && cp <= 0xdbff && isLow(s.charCodeAt(i + 1))) {
      cp = ((cp - 0xd800) << 10) + (s.charCodeAt(i + 1) - 0xdc00) + 0x10000;
      i++;
    } else if (isEscapedByte(cp)) {
      out[n++] = cp - ESCAPE_BASE;
      continue;
    } else if (cp >= 0xd800 && cp <= 0xdfff) {
      cp = 0xfffd;
    }
    n = writeUtf8(out, n, cp);
  }
  return out;
}

function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** Bytes goStringToBytes writes for `s`. */
function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && isLow(s.charCodeAt(i + 1))) {
      n += 4;
      i++;
    } else if (isEscapedByte(c)) n += 1;
    else n += 3;
  }
  return n;
}

function writeUtf8(out: Buffer, at: number, cp: number): number {
  let n = at;
  if (cp < 0x80) out[n++] = cp;
  else if (cp < 0x800) {
    out[n++] = 0xc0 | (cp >> 6);
    out[n++] = 0x80 | (cp & 0x3f);
  } else if (cp < 0x10000) {
    out[n++] = 0xe0 | (cp >> 12);
    out[n++] = 0x80 | ((cp >> 6) & 0x3f);
    out[n++] = 0x80 | (cp & 0x3f);
  } else {
    out[n++] = 0xf0 | (cp >> 18);
    out[n++] = 0x80 | ((cp >> 12) & 0x3f);
    out[n++] = 0x80 | ((cp >> 6) & 0x3f);
    out[n++] = 0x80 | (cp & 0x3f);
  }
  return n;
}

/** Go's `len(s)`: the number of bytes. */
export function goByteLength(s: string): number {
  return hasSurrogate(s) ? utf8Length(s) : Buffer.byteLength(s, 'utf8');
}

/** True when the value holds bytes that are not valid UTF-8 (Go's `!utf8.ValidString`). */
export function hasInvalidUtf8(s: string): boolean {
  return hasSurrogate(s) && !isUtf8(goStringToBytes(s));
}

/**
 * The string as Go prints it where only text is possible (JSON, `%q`, error messages): every invalid
 * byte becomes U+FFFD, as Go's `for range` and `encoding/json` do.
 */
export function goStringAsText(s: string): string {
  return hasSurrogate(s) ? goStringToBytes(s).toString('utf8') : s;
}

/** True for a UTF-16 code unit that stands for one invalid byte (U+DC80..U+DCFF). */
export function isEscapedByte(code: number): boolean {
  return code >= 0xdc80 && code <= 0xdcff;
}

/**
 * Bytes `[start, end)` of a Go string, as Go's `s[start:end]`: cutting through a character leaves
 * its bytes as escapes, exactly as Go leaves them.
 *
 * @example
 * ```ts
 * goByteSlice('é', 0, 1); // '\udcc3'
 * ```
 */
export function goByteSlice(s: string, start: number, end?: number): string {
  return goStringFromBytes(goStringToBytes(s).subarray(start, end));
}

function hasSurrogate(s: string): boolean {
  return /[\ud800-\udfff]/.test(s);
}

/** Go's utf8.DecodeRune: [code point, size], or [-1, 1] for an invalid byte. */
function decodeRune(b: Uint8Array, i: number): [number, number] {
  const b0 = b[i] ?? 0;
  if (b0 < 0x80) return [b0, 1];
  const cont = (k: number): number => {
    const x = b[i + k];
    return x !== undefined && (x & 0xc0) === 0x80 ? x & 0x3f : -1;
  };
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    const c1 = cont(1);
    return c1 < 0 ? [-1, 1] : [((b0 & 0x1f) << 6) | c1, 2];
  }
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const c1 = cont(1);
    const c2 = cont(2);
    if (c1 < 0 || c2 < 0) return [-1, 1];
    const cp = ((b0 & 0x0f) << 12) | (c1 << 6) | c2;
    // Overlong forms and UTF-16 surrogates are invalid in Go.
    return cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff) ? [-1, 1] : [cp, 3];
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const c1 = cont(1);
    const c2 = cont(2);
    const c3 = cont(3);
    if (c1 < 0 || c2 < 0 || c3 < 0) return [-1, 1];
    const cp = ((b0 & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3;
    return cp < 0x10000 || cp > 0x10ffff ? [-1, 1] : [cp, 4];
  }
  return [-1, 1];
}
