/**
 * ESO's Sprig random functions (`randAlphaNum`, `randAlpha`, `randNumeric`, `randAscii`,
 * `randBytes`, `randInt`, `shuffle`), `abbrev`, `abbrevboth`, `wrap` and `wrapWith`. Randomness comes from node:crypto (Sprig uses
 * crypto/rand for the strings and bytes). A template using them renders differently on every run,
 * so the Secret is rewritten on every sync, as with ESO.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { fixed, MAX_STRING, type FuncMap } from './func-spec.ts';
import { goStringFromBytes, goStringToBytes } from './go-bytes.ts';

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
/** goutils `CryptoRandomAscii`: code points 32 to 126. */
const ASCII = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');

/** `count` characters drawn uniformly from `alphabet`; Sprig gives "" for a negative count. */
function randomString(alphabet: string, count: number): string {
  if (count <= 0) return '';
  if (count > MAX_STRING) throw new Error(`result exceeds ${MAX_STRING} characters`);
  let out = '';
  for (let i = 0; i < count; i++) out += alphabet.charAt(randomInt(alphabet.length));
  return out;
}

/** Sprig's `randBytes`: base64 of `count` random bytes. */
function randBytes(count: number): string {
  if (count < 0) throw new Error('runtime error: makeslice: len out of range');
  if (count > MAX_STRING) throw new Error(`result exceeds ${MAX_STRING} characters`);
  return randomBytes(count).toString('base64');
}

/** Sprig's `randInt MIN MAX`: MIN <= n < MAX; Go's rand.Intn panics unless MAX > MIN. */
function randInt(min: number, max: number): number {
  if (max - min <= 0) throw new Error('invalid argument to Intn');
  return min + randomInt(max - min);
}

/** xstrings `Shuffle`: the runes of the string in random order. */
function shuffle(s: string): string {
  const runes = Array.from(s);
  for (let i = runes.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [runes[i], runes[j]] = [runes[j] ?? '', runes[i] ?? ''];
  }
  return runes.join('');
}

/** Sprig's `abbrev WIDTH S`: cut to WIDTH bytes with "..." at the end; widths under 4 change nothing. */
function abbrev(width: number, s: string): string {
  const bytes = goStringToBytes(s);
  if (width < 4 || bytes.length <= width) return s;
  return `${goStringFromBytes(bytes.subarray(0, width - 3))}...`;
}

/** goutils `AbbreviateFull` (byte-based); its errors become "" as in Sprig. */
function abbreviateFull(bytes: Buffer, offsetIn: number, maxWidth: number): Buffer {
  if (bytes.length === 0) return bytes;
  if (maxWidth < 4) return Buffer.alloc(0);
  if (bytes.length <= maxWidth) return bytes;
  const marker = Buffer.from('...');
  let offset = Math.min(offsetIn, bytes.length);
  if (bytes.length - offset < maxWidth - 3) offset = bytes.length - (maxWidth - 3);
  if (offset <= 4) return Buffer.concat([bytes.subarray(0, maxWidth - 3), marker]);
  if (maxWidth < 7) return Buffer.alloc(0);
  if (offset + maxWidth - 3 < bytes.length) return Buffer.concat([marker, abbreviateFull(bytes.subarray(offset), 0, maxWidth - 3)]);
  return Buffer.concat([marker, bytes.subarray(bytes.length - (maxWidth - 3))]);
}

/** Sprig's `abbrevboth LEFT RIGHT S`: abbreviated on both sides. */
function abbrevboth(left: number, right: number, s: string): string {
  if (right < 4 || (left > 0 && right < 7)) return s;
  return goStringFromBytes(abbreviateFull(goStringToBytes(s), left, right));
}

/** goutils `WrapCustom` (byte-based, as in Go): breaks lines at spaces before `width` bytes. */
function wrapCustom(s: string, width: number, newLine: string, wrapLongWords: boolean): string {
  if (s === '') return '';
  const str = goStringToBytes(s);
  const nl = goStringToBytes(newLine === '' ? '\n' : newLine);
  const w = Math.max(width, 1);
  const out: Buffer[] = [];
  let offset = 0;
  while (str.length - offset > w) {
    if (str[offset] === 0x20) {
      offset++;
      continue;
    }
    const space = str.subarray(offset, w + offset + 1).lastIndexOf(0x20);
    if (space >= 0) {
      out.push(str.subarray(offset, offset + space), nl);
      offset += space + 1;
    } else if (wrapLongWords) {
      out.push(str.subarray(offset, offset + w), nl);
      offset += w;
    } else {
      const next = str.indexOf(0x20, offset + w);
      if (next < 0) {
        out.push(str.subarray(offset));
        offset = str.length;
      } else {
        out.push(str.subarray(offset, next), nl);
        offset = next + 1;
      }
    }
  }
  out.push(str.subarray(offset));
  const result = Buffer.concat(out);
  if (result.length > MAX_STRING) throw new Error(`result exceeds ${MAX_STRING} characters`);
  return goStringFromBytes(result);
}

/** The functions above, keyed by their template names. */
export const ESO_SPRIG_RANDOM: FuncMap = {
  randAlphaNum: fixed(['int'], (n: number) => randomString(LETTERS + DIGITS, n)),
  randAlpha: fixed(['int'], (n: number) => randomString(LETTERS, n)),
  randNumeric: fixed(['int'], (n: number) => randomString(DIGITS, n)),
  randAscii: fixed(['int'], (n: number) => randomString(ASCII, n)),
  randBytes: fixed(['int'], randBytes),
  randInt: fixed(['int', 'int'], randInt),
  shuffle: fixed(['string'], shuffle),
  abbrev: fixed(['int', 'string'], abbrev),
  abbrevboth: fixed(['int', 'int', 'string'], abbrevboth),
  wrap: fixed(['int', 'string'], (width: number, s: string) => wrapCustom(s, width, '', false)),
  wrapWith: fixed(['int', 'string', 'string'], (width: number, sep: string, s: string) => wrapCustom(s, width, sep, true)),
};
