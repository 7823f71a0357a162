/**
 * Go's `base64.StdEncoding` / `base64.URLEncoding` `DecodeString`, byte for byte: padding required,
 * `\r` and `\n` skipped anywhere, every other byte outside the alphabet (a space too) is an error at
 * its offset, and bits left over in the last quantum are ignored (Go's encodings are not Strict).
 * Shared by `decodingStrategy` and the template function `b64dec`, so both accept the same input.
 */
import { goStringToBytes } from './go-bytes.ts';

/** Which Go encoding: `std` = `StdEncoding` (`+/`), `url` = `URLEncoding` (`-_`). */
export type Base64Alphabet = 'std' | 'url';

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function decodeMap(extra: string): Int8Array {
  const map = new Int8Array(256).fill(-1);
  Array.from(LETTERS + extra).forEach((c, i) => { map[c.charCodeAt(0)] = i; });
  return map;
}

const MAPS: Readonly<Record<Base64Alphabet, Int8Array>> = { std: decodeMap('+/'), url: decodeMap('-_') };
const PAD = 0x3d;
const isNewline = (b: number | undefined): boolean => b === 0x0a || b === 0x0d;

/** Thrown with Go's text: `illegal base64 data at input byte N` (N counts bytes, newlines included). */
export class Base64CorruptInputError extends Error {
  /** Byte offset of the first offending byte, as Go's `CorruptInputError`. */
  readonly offset: number;

  constructor(offset: number) {
    super(`illegal base64 data at input byte ${String(offset)}`);
    this.name = 'Base64CorruptInputError';
    this.offset = offset;
  }
}

/**
 * Decodes as Go's `DecodeString` does; throws {@link Base64CorruptInputError} where Go errs.
 *
 * @example
 * ```ts
 * goBase64Decode(Buffer.from('YWJj\n'), 'std'); // <Buffer 61 62 63>
 * goBase64Decode(Buffer.from('YWI'), 'std');    // throws illegal base64 data at input byte 0
 * ```
 */
export function goBase64Decode(src: Uint8Array, alphabet: Base64Alphabet): Buffer {
  const map = MAPS[alphabet];
  const out: number[] = [];
  let si = 0;
  while (si < src.length) {
    const quad: number[] = [];
    let end = false;
    while (quad.length < 4) {
      if (si === src.length) {
        // Input ran out inside a quantum (only newlines may have followed the last one).
        if (quad.length === 0) return Buffer.from(out);
        throw new Base64CorruptInputError(si - quad.length);
      }
      const b = src[si++] ?? 0;
      const v = map[b] ?? -1;
      if (v >= 0) { quad.push(v); continue; }
      if (isNewline(b)) continue;
      if (b !== PAD || quad.length < 2) throw new Base64CorruptInputError(si - 1);
      if (quad.length === 2) {
        // "==" expected: the second pad may come after newlines.
        while (isNewline(src[si])) si++;
        if (si === src.length) throw new Base64CorruptInputError(src.length);
        if (src[si] !== PAD) throw new Base64CorruptInputError(si - 1);
        si++;
      }
      while (isNewline(src[si])) si++;
      if (si < src.length) throw new Base64CorruptInputError(si);
      end = true;
      break;
    }
    const [a = 0, b = 0, c = 0, d = 0] = quad;
    const val = (a << 18) | (b << 12) | (c << 6) | d;
    out.push((val >> 16) & 0xff);
    if (quad.length > 2) out.push((val >> 8) & 0xff);
    if (quad.length > 3) out.push(val & 0xff);
    if (end) break;
  }
  return Buffer.from(out);
}

/** {@link goBase64Decode} of a Go string value (surrogate-escaped bytes, see `go-bytes.ts`). */
export function goBase64DecodeString(s: string, alphabet: Base64Alphabet): Buffer {
  return goBase64Decode(goStringToBytes(s), alphabet);
}
