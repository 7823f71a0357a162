/** Decoding of Go literal syntax: quoted strings, raw strings, character constants and numbers. */
import { rewriteFlat } from './flat-escape.ts';
import { goStringFromBytes } from './go-bytes.ts';

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = {
  a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92,
};

/** Result of decoding one (possibly escaped) character; `bytes` when the escape denotes raw bytes. */
interface CharResult { readonly bytes: number[]; readonly next: number }

const SYNTAX = 'invalid syntax';

function decodeEscape(s: string, i: number, quote: string): CharResult {
  // s[i] === '\\'
  const c = s[i + 1];
  if (c === undefined) throw new Error(SYNTAX);
  const simple = SIMPLE_ESCAPES[c];
  if (simple !== undefined) return { bytes: [simple], next: i + 2 };
  if (c === quote) return { bytes: [c.charCodeAt(0)], next: i + 2 };
  if (c === 'x' || c === 'u' || c === 'U') {
    const n = c === 'x' ? 2 : c === 'u' ? 4 : 8;
    const hex = s.slice(i + 2, i + 2 + n);
    if (hex.length !== n || !/^[0-9a-fA-F]+$/.test(hex)) throw new Error(SYNTAX);
    const v = Number.parseInt(hex, 16);
    if (c === 'x') return { bytes: [v], next: i + 2 + n };
    if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) throw new Error(SYNTAX);
    return { bytes: [...Buffer.from(String.fromCodePoint(v), 'utf8')], next: i + 2 + n };
  }
  if (c >= '0' && c <= '7') {
    const oct = s.slice(i + 1, i + 4);
    if (!/^[0-7]{3}$/.test(oct)) throw new Error(SYNTAX);
    const v = Number.parseInt(oct, 8);
    if (v > 255) throw new Error(SYNTAX);
    return { bytes: [v], next: i + 4 };
  }
  throw new Error(SYNTAX);
}

/** Go's `strconv.Unquote` for `"..."` and `` `...` `` literals; throws `Error('invalid syntax')`. */
export function unquoteString(quoted: string): string {
  if (quoted.length < 2) throw new Error(SYNTAX);
  const q = quoted[0];
  if (q !== quoted[quoted.length - 1]) throw new Error(SYNTAX);
  const body = quoted.slice(1, -1);
  if (q === '`') {
    if (body.includes('`')) throw new Error(SYNTAX);
    return body.replaceAll('\r', '');
  }
  if (q !== '"') throw new Error(SYNTAX);
  if (!body.includes('\\')) {
    if (body.includes('"') || body.includes('\n')) throw new Error(SYNTAX);
    return body;
  }
  const bytes: number[] = [];
  let i = 0;
  while (i < body.length) {
    const ch = body[i];
    if (ch === '\\') {
      const r = decodeEscape(body, i, '"');
      bytes.push(...r.bytes);
      i = r.next;
    } else if (ch === '"' || ch === '\n') {
      throw new Error(SYNTAX);
    } else {
      const cp = body.codePointAt(i) ?? 0;
      const piece = String.fromCodePoint(cp);
      bytes.push(...Buffer.from(piece, 'utf8'));
      i += piece.length;
    }
  }
  return goStringFromBytes(Uint8Array.from(bytes)); // "\xff" is one byte, as in Go
}

/** Go's `strconv.UnquoteChar` for a `'x'` constant; returns the code point. */
export function unquoteChar(quoted: string): number {
  if (quoted.length < 3 || !quoted.startsWith("'") || !quoted.endsWith("'")) throw new Error(SYNTAX);
  const body = quoted.slice(1, -1);
  if (body.startsWith('\\')) {
    const r = decodeEscape(body, 0, "'");
    if (r.next !== body.length) throw new Error(`malformed character constant: ${quoted}`);
    if (body[1] === 'u' || body[1] === 'U') return Buffer.from(r.bytes).toString('utf8').codePointAt(0) ?? 0;
    return r.bytes[0] ?? 0;
  }
  const cp = body.codePointAt(0) ?? 0;
  if (String.fromCodePoint(cp).length !== body.length) throw new Error(`malformed character constant: ${quoted}`);
  return cp;
}

export interface GoNumber { readonly value: number; readonly isInt: boolean }

const INT_MAX = 2n ** 64n - 1n;
const INT_MIN = -(2n ** 63n);

/** Go template number-constant parsing (`parse.newNumber`), minus complex numbers. */
export function parseGoNumber(text: string): GoNumber {
  if (text.endsWith('i')) throw new Error(`illegal number syntax: ${JSON.stringify(text)}`);
  const neg = text.startsWith('-');
  const unsigned = text.replace(/^[+-]/, '');
  const clean = unsigned.replaceAll('_', '');
  let big: bigint | undefined;
  if (/^0[xX][0-9a-fA-F]+$/.test(clean) || /^0[oO][0-7]+$/.test(clean) || /^0[bB][01]+$/.test(clean)) {
    big = BigInt(clean.toLowerCase());
  } else if (/^0[0-7]*$/.test(clean)) {
    big = BigInt(`0o${clean.slice(1) || '0'}`);
  } else if (/^[1-9][0-9]*$/.test(clean)) {
    big = BigInt(clean);
  }
  if (big !== undefined) {
    const signed = neg ? -big : big;
    if (signed > INT_MAX || signed < INT_MIN) throw new Error(`integer overflow: ${text}`);
    return { value: Number(signed), isInt: true };
  }
  if (/^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(clean)) {
    const f = Number(clean) * (neg ? -1 : 1);
    if (!Number.isFinite(f)) throw new Error(`illegal number syntax: ${JSON.stringify(text)}`);
    return { value: f, isInt: false };
  }
  throw new Error(`illegal number syntax: ${JSON.stringify(text)}`);
}

/** Characters strconv.Quote escapes (lone surrogates are bytes that are not UTF-8, see go-bytes.ts). */
const QUOTED = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Cs}]/u;

/** Go's `strconv.Quote` (ASCII-preserving, non-printables escaped). */
export function goQuote(s: string): string {
  return `"${rewriteFlat(s, () => quoteCode)}"`;
}

function quoteCode(code: number): string | undefined {
  if (code === 0x22) return '\\"';
  if (code === 0x5c) return '\\\\';
  if (code >= 0x20 && code < 0x7f) return undefined;
  const c = String.fromCodePoint(code);
  if (code >= 0x80 && !QUOTED.test(c)) return undefined;
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  if (c === '\t') return '\\t';
  if (c === '\x07') return '\\a';
  if (c === '\b') return '\\b';
  if (c === '\f') return '\\f';
  if (c === '\v') return '\\v';
  if (code < 0x20 || code === 0x7f) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code >= 0xdc80 && code <= 0xdcff) return `\\x${(code - 0xdc00).toString(16)}`; // a byte that is not UTF-8
  return code > 0xffff ? `\\U${code.toString(16).padStart(8, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}
