/** Go `text/template` predefined functions (`and`/`or` short-circuit in the executor). */
import { rewriteFlat } from './flat-escape.ts';
import { fixed, variadic, type FuncMap } from './func-spec.ts';
import { goByteLength, goByteSlice, goStringToBytes, isEscapedByte } from './go-bytes.ts';
import { sprintf } from './printf.ts';
import { compareStrings, isMap, isNil, isTrue, NO_VALUE, sprint, sprintln, typeName } from './values.ts';

type Kind = 'bool' | 'number' | 'string' | 'nil' | 'other';

function basicKind(v: unknown): Kind {
  if (v === NO_VALUE || isNil(v)) return 'nil';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number' || typeof v === 'bigint') return 'number';
  if (typeof v === 'string') return 'string';
  return 'other';
}

const BAD_COMPARISON = 'incompatible types for comparison';
const BAD_COMPARISON_TYPE = 'invalid type for comparison';

function eq(a: unknown, ...others: unknown[]): boolean {
  if (others.length === 0) throw new Error('missing argument for comparison');
  const ka = basicKind(a);
  for (const b of others) {
    const kb = basicKind(b);
    let truth = false;
    if (ka !== kb) {
      if (ka !== 'nil' && kb !== 'nil') throw new Error(BAD_COMPARISON);
    } else if (ka === 'other') {
      // Types only: the values may be secrets.
      throw new Error(`non-comparable types ${typeName(a)}, ${typeName(b)}`);
    } else {
      truth = ka === 'nil' || a === b;
    }
    if (truth) return true;
  }
  return false;
}

function lt(a: unknown, b: unknown): boolean {
  const ka = basicKind(a);
  const kb = basicKind(b);
  if (ka === 'nil' || ka === 'other' || kb === 'nil' || kb === 'other') throw new Error(BAD_COMPARISON_TYPE);
  if (ka !== kb) throw new Error(BAD_COMPARISON);
  if (ka === 'bool') throw new Error(BAD_COMPARISON_TYPE);
  // Go compares strings by bytes (UTF-16 order differs above U+D7FF and for bytes that are not UTF-8).
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b) < 0;
  return (a as number | string) < (b as number | string);
}

function length(v: unknown): number {
  if (v === NO_VALUE || isNil(v)) throw new Error('len of nil pointer');
  if (typeof v === 'string') return goByteLength(v);
  if (Array.isArray(v) || v instanceof Uint8Array) return v.length;
  if (isMap(v)) return Object.keys(v).length;
  throw new Error(`len of type ${typeName(v)}`);
}

function indexArg(i: unknown, cap: number): number {
  if (i === NO_VALUE || isNil(i)) throw new Error('cannot index slice/array with nil');
  if (typeof i !== 'number' || !Number.isInteger(i)) throw new Error(`cannot index slice/array with type ${typeName(i)}`);
  if (i < 0 || i > cap) throw new Error(`index out of range: ${i}`);
  return i;
}

function index(item: unknown, ...indexes: unknown[]): unknown {
  if (item === NO_VALUE || isNil(item)) throw new Error('index of untyped nil');
  let cur: unknown = item;
  for (const ix of indexes) {
    if (cur === NO_VALUE || isNil(cur)) throw new Error('index of nil pointer');
    if (typeof cur === 'string') {
      const bytes = goStringToBytes(cur);
      const x = indexArg(ix, bytes.length);
      if (x >= bytes.length) throw new Error(`index out of range: ${x}`);
      cur = bytes[x];
    } else if (Array.isArray(cur)) {
      const x = indexArg(ix, cur.length);
      if (x >= cur.length) throw new Error(`index out of range: ${x}`);
      cur = cur[x];
    } else if (isMap(cur)) {
      if (ix === NO_VALUE || isNil(ix)) throw new Error('value is nil; should be of type string');
      if (typeof ix !== 'string') throw new Error(`value has type ${typeName(ix)}; should be string`);
      // ESO's data is map[string]string: a missing key yields the zero value "".
      cur = Object.hasOwn(cur, ix) ? cur[ix] : '';
    } else {
      throw new Error(`can't index item of type ${typeName(cur)}`);
    }
  }
  return cur;
}

function slice(item: unknown, ...indexes: unknown[]): unknown {
  if (item === NO_VALUE || isNil(item)) throw new Error('slice of untyped nil');
  if (indexes.length > 3) throw new Error(`too many slice indexes: ${indexes.length}`);
  let len: number;
  if (typeof item === 'string') {
    if (indexes.length === 3) throw new Error('cannot 3-index slice a string');
    len = goByteLength(item);
  } else if (Array.isArray(item)) {
    len = item.length;
  } else {
    throw new Error(`can't slice item of type ${typeName(item)}`);
  }
  const idx = [0, len];
  indexes.forEach((ix, i) => {
    idx[i] = indexArg(ix, len);
  });
  const [lo = 0, hi = len] = idx;
  if (lo > hi) throw new Error(`invalid slice index: ${lo} > ${hi}`);
  if (typeof item === 'string') return goByteSlice(item, lo, hi);
  return (item as unknown[]).slice(lo, hi);
}

/** Go's `evalArgs`: a lone string passes through, anything else goes through `fmt.Sprint`. */
function evalArgs(args: readonly unknown[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  return sprint(args);
}

export function htmlEscape(s: string): string {
  return s.replace(/[\0"'&<>]/g, (c) => ({ '\0': '\uFFFD', '"': '&#34;', "'": '&#39;', '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c] ?? c);
}

const JS_SPECIAL: Readonly<Record<string, string>> = {
  '\\': '\\\\', "'": "\\'", '"': '\\"', '<': '\\u003C', '>': '\\u003E', '&': '\\u0026', '=': '\\u003D',
};

/** Go's `template.JSEscapeString`. */
function jsEscape(s: string): string {
  return rewriteFlat(s, () => (code) => {
    if (code >= 0x20 && code < 0x7f) return JS_SPECIAL[String.fromCharCode(code)];
    // A byte that is not UTF-8 passes through, as Go's JSEscape writes it.
    if (isEscapedByte(code)) return undefined;
    // Go keeps what unicode.IsPrint accepts (letters, marks, numbers, punctuation, symbols).
    if (code < 0x20 || !/[\p{L}\p{M}\p{N}\p{P}\p{S}]/u.test(String.fromCodePoint(code))) return `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
    return undefined;
  });
}

/** Go's `url.QueryEscape`. */
export function queryEscape(s: string): string {
  const bytes = goStringToBytes(s);
  const out = Buffer.allocUnsafe(bytes.length * 3);
  let n = 0;
  for (const b of bytes) {
    if ((b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || (b >= 0x30 && b <= 0x39) || b === 0x2d || b === 0x5f || b === 0x2e || b === 0x7e) out[n++] = b;
    else if (b === 0x20) out[n++] = 0x2b;
    else {
      out[n++] = 0x25;
      out[n++] = HEX_UPPER.charCodeAt(b >> 4);
      out[n++] = HEX_UPPER.charCodeAt(b & 0xf);
    }
  }
  return out.toString('latin1', 0, n);
}

const HEX_UPPER = '0123456789ABCDEF';

export const BUILTINS: FuncMap = {
  and: variadic(['value'], 'value', () => undefined),
  or: variadic(['value'], 'value', () => undefined),
  not: fixed(['value'], (v: unknown) => !isTrue(v)),
  len: fixed(['value'], length),
  index: variadic(['value'], 'value', index),
  slice: variadic(['value'], 'value', slice),
  print: variadic([], 'any', (...a: unknown[]) => sprint(a)),
  printf: variadic(['string'], 'any', (f: string, ...a: unknown[]) => sprintf(f, a)),
  println: variadic([], 'any', (...a: unknown[]) => sprintln(a)),
  eq: variadic(['value'], 'value', eq),
  ne: fixed(['value', 'value'], (a: unknown, b: unknown) => !eq(a, b)),
  lt: fixed(['value', 'value'], lt),
  le: fixed(['value', 'value'], (a: unknown, b: unknown) => lt(a, b) || eq(a, b)),
  gt: fixed(['value', 'value'], (a: unknown, b: unknown) => !lt(a, b) && !eq(a, b)),
  ge: fixed(['value', 'value'], (a: unknown, b: unknown) => !lt(a, b)),
  html: variadic([], 'any', (...a: unknown[]) => htmlEscape(evalArgs(a))),
  js: variadic([], 'any', (...a: unknown[]) => jsEscape(evalArgs(a))),
  urlquery: variadic([], 'any', (...a: unknown[]) => queryEscape(evalArgs(a))),
};
