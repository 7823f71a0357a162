/**
 * Sprig functions ESO's vendored Sprig (runtime/template/v2/sprig, ESO v2.9.0) registers that the
 * other sprig-*.ts files lack: Go's `path` / `path/filepath` helpers, small string and number
 * helpers, and the `must*` list forms (same behaviour and error as the plain form).
 */
import { fixed, variadic, type FuncMap, type FuncSpec } from './func-spec.ts';
import { toFloat64 } from './sprig-convert.ts';
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
};
