/**
 * Sprig functions ESO's vendored Sprig (runtime/template/v2/sprig, ESO v2.9.0) registers that the
 * other sprig-*.ts files lack: Go's `path` / `path/filepath` helpers, small string and number
 * helpers, and the `must*` list forms (same behaviour and error as the plain form).
 */
import { fixed, variadic, type FuncMap, type FuncSpec } from './func-spec.ts';
import { newMap, setKey, toFloat64 } from './sprig-convert.ts';
import { goStringFromBytes, goStringToBytes } from './go-bytes.ts';
import { formatValue, isMap, NO_VALUE, typeName } from './values.ts';
import { MAX_STRING } from './func-spec.ts';
import { SPRIG_COLLECTIONS } from './sprig-collections.ts';
import { SPRIG_MATH } from './sprig-math.ts';

/** Go's `path.Clean`: the shortest lexically equivalent path. */
export function goPathClean(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const parts: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
      else if (!rooted) parts.push('..');
      continue;
    }
    parts.push(seg);
  }
  const joined = parts.join('/');
  if (rooted) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

function goPathBase(p: string): string {
  if (p === '') return '.';
  const trimmed = p.replace(/\/+$/, '');
  if (trimmed === '') return '/';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

function goPathDir(p: string): string {
  return goPathClean(p.slice(0, p.lastIndexOf('/') + 1));
}

function goPathExt(p: string): string {
  for (let i = p.length - 1; i >= 0 && p[i] !== '/'; i--) if (p[i] === '.') return p.slice(i);
  return '';
}

const isAbs = (p: string): boolean => p.startsWith('/');

/** Go's `strings.Trim(s, cutset)`. */
function trimCutset(s: string, cutset: string): string {
  const cut = new Set(Array.from(cutset));
  const chars = Array.from(s);
  let a = 0;
  let b = chars.length;
  while (a < b && cut.has(chars[a] ?? '')) a++;
  while (b > a && cut.has(chars[b - 1] ?? '')) b--;
  return chars.slice(a, b).join('');
}

const floats = (fold: (a: number, b: number) => number) => (a: unknown, ...rest: unknown[]): number => rest.reduce<number>((acc, x) => fold(acc, toFloat64(x)), toFloat64(a));

function alias(spec: FuncSpec | undefined, name: string): FuncSpec {
  if (!spec) throw new Error(`template: ${name} has no base function`);
  return spec;
}

/** Sprig's `untilStep`: start, start+step, ... short of stop; empty when the step points away. */
function untilStep(start: number, stop: number, step: number): number[] {
  const out: number[] = [];
  if ((stop < start && step >= 0) || (stop >= start && step <= 0)) return out;
  for (let i = start; stop < start ? i > stop : i < stop; i += step) {
    if (out.length >= MAX_STRING) throw new Error('untilStep: too many items');
    out.push(i);
  }
  return out;
}

/** Sprig's `seq`, like GNU seq: `seq END`, `seq START END`, `seq START STEP END`, space-separated. */
function seq(...p: number[]): string {
  const [a = 0, b = 0, c = 0] = p;
  if (p.length === 1) return untilStep(1, a + (a < 1 ? -1 : 1), a < 1 ? -1 : 1).join(' ');
  if (p.length === 2) return untilStep(a, b + (b < a ? -1 : 1), b < a ? -1 : 1).join(' ');
  if (p.length === 3) {
    if (c < a && b > 0) return '';
    return untilStep(a, c + (c < a ? -1 : 1), b).join(' ');
  }
  return '';
}

function chunk(size: number, list: unknown): unknown[][] {
  if (!Array.isArray(list)) throw new Error(`Cannot chunk type ${typeName(list)}`);
  const items: unknown[] = list;
  // Go's make() with the negative length sprig computes for such sizes.
  if (size <= 0) throw new Error('runtime error: makeslice: len out of range');
  const out: unknown[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Go's `hex.DecodeString`; ESO's `hexdec` returns the error text instead of failing. */
function hexdec(s: string): string {
  const bytes = goStringToBytes(s);
  const bad = bytes.findIndex((b) => !((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66)));
  if (bad >= 0) {
    // Go's %#U of the byte taken as a rune.
    const b = bytes[bad] ?? 0;
    return `encoding/hex: invalid byte: U+${b.toString(16).toUpperCase().padStart(4, '0')} '${String.fromCharCode(b)}'`;
  }
  if (bytes.length % 2 === 1) return 'encoding/hex: odd length hex string';
  return goStringFromBytes(Buffer.from(s, 'hex'));
}

/** Sprig's `toDecimal`: the value printed, read as an octal number; 0 when it is not one. */
function toDecimal(v: unknown): number {
  const s = formatValue(v === NO_VALUE ? null : v);
  return /^[+-]?[0-7]+$/.test(s) ? Number.parseInt(s, 8) : 0;
}

function deepCopy(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(deepCopy);
  if (isMap(v)) {
    const m = newMap();
    for (const k of Object.keys(v)) setKey(m, k, deepCopy(v[k]));
    return m;
  }
  return v;
}

/** goutils `Initials`: the first byte of every whitespace-separated word, taken as a rune (so `é` gives `Ã`, as in Go). */
const initials = (s: string): string =>
  s.split(/\s+/u).filter((w) => w !== '').map((w) => String.fromCharCode(goStringToBytes(w)[0] ?? 0)).join('');

const C = SPRIG_COLLECTIONS;

/** The Sprig functions above, keyed by their template names. */
export const ESO_SPRIG_MORE: FuncMap = {
  base: fixed(['string'], goPathBase),
  dir: fixed(['string'], goPathDir),
  clean: fixed(['string'], goPathClean),
  ext: fixed(['string'], goPathExt),
  isAbs: fixed(['string'], isAbs),
  // path/filepath on Linux (where ESO runs) behaves as path.
  osBase: fixed(['string'], goPathBase),
  osDir: fixed(['string'], goPathDir),
  osClean: fixed(['string'], goPathClean),
  osExt: fixed(['string'], goPathExt),
  osIsAbs: fixed(['string'], isAbs),
  hello: fixed([], () => 'Hello!'),
  trimall: fixed(['string', 'string'], (cutset: string, s: string) => trimCutset(s, cutset)),
  plural: fixed(['string', 'string', 'int'], (one: string, many: string, n: number) => (n === 1 ? one : many)),
  maxf: variadic(['any'], 'any', floats(Math.max)),
  minf: variadic(['any'], 'any', floats(Math.min)),
  add1f: fixed(['any'], (v: unknown) => toFloat64(v) + 1),
  biggest: alias(SPRIG_MATH.max, 'biggest'),
  tuple: alias(C.list, 'tuple'),
  mustAppend: alias(C.append, 'mustAppend'),
  mustPush: alias(C.push, 'mustPush'),
  mustPrepend: alias(C.prepend, 'mustPrepend'),
  mustFirst: alias(C.first, 'mustFirst'),
  mustLast: alias(C.last, 'mustLast'),
  mustRest: alias(C.rest, 'mustRest'),
  mustInitial: alias(C.initial, 'mustInitial'),
  mustReverse: alias(C.reverse, 'mustReverse'),
  mustUniq: alias(C.uniq, 'mustUniq'),
  mustWithout: alias(C.without, 'mustWithout'),
  mustHas: alias(C.has, 'mustHas'),
  mustCompact: alias(C.compact, 'mustCompact'),
  mustMerge: alias(C.merge, 'mustMerge'),
  mustMergeOverwrite: alias(C.mergeOverwrite, 'mustMergeOverwrite'),
  untilStep: fixed(['int', 'int', 'int'], untilStep),
  seq: variadic([], 'int', seq),
  chunk: fixed(['int', 'any'], chunk),
  mustChunk: fixed(['int', 'any'], chunk),
  hexdec: fixed(['string'], hexdec),
  toDecimal: fixed(['any'], toDecimal),
  deepCopy: fixed(['any'], deepCopy),
  mustDeepCopy: fixed(['any'], deepCopy),
  initials: fixed(['string'], initials),
  typeIsLike: fixed(['string', 'any'], (t: string, v: unknown) => typeName(v) === t || typeName(v) === `*${t}`),
};
