/** Sprig list, dict and defaults functions. */
import { chargeBytes, chargeSteps } from './budget.ts';
import { fixed, MAX_STRING, variadic, type FuncMap } from './func-spec.ts';
import { asList, asMap, isEmpty, newMap, setKey, strval } from './sprig-convert.ts';
import { compareStrings, isMap, isNil, NO_VALUE, sortedKeys, type GoMap } from './values.ts';

function dict(...kv: unknown[]): GoMap {
  const m = newMap();
  for (let i = 0; i < kv.length; i += 2) setKey(m, strval(kv[i]), i + 1 < kv.length ? kv[i + 1] : '');
  return m;
}

function deepEqual(a: unknown, b: unknown): boolean {
  chargeSteps(1);
  if (a === b) return true;
  if ((a === NO_VALUE || isNil(a)) && (b === NO_VALUE || isNil(b))) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isMap(a) && isMap(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

function uniq(list: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const x of list) if (!out.some((y) => deepEqual(x, y))) out.push(x);
  return out;
}

function dig(...args: unknown[]): unknown {
  if (args.length < 3) throw new Error(`wrong number of args for dig: want at least 3 got ${args.length}`);
  const m = asMap(args[args.length - 1]);
  const dflt = args[args.length - 2];
  const keys = args.slice(0, -2).map((k) => {
    if (typeof k !== 'string') throw new Error('dig keys must be strings');
    return k;
  });
  let cur: unknown = m;
  for (const k of keys) {
    if (!isMap(cur) || !Object.hasOwn(cur, k)) return dflt;
    cur = cur[k];
  }
  return cur;
}

function merge(overwrite: boolean, dst: GoMap, ...srcs: unknown[]): GoMap {
  const mergeInto = (d: GoMap, s: GoMap, depth: number): void => {
    if (depth > 100) throw new Error('merge: maps nested too deeply');
    for (const k of Object.keys(s)) {
      chargeSteps(1);
      const sv = s[k];
      const dv = Object.hasOwn(d, k) ? d[k] : undefined;
      if (isMap(dv) && isMap(sv)) mergeInto(dv, sv, depth + 1);
      else if (!Object.hasOwn(d, k) || (overwrite ? !isEmpty(sv) : isEmpty(dv))) setKey(d, k, sv);
    }
  };
  for (const s of srcs) mergeInto(dst, asMap(s), 0);
  return dst;
}

function until(n: number): number[] {
  const count = Math.abs(n);
  if (count > MAX_STRING) throw new Error('until: count too large');
  chargeBytes(count * 8);
  return Array.from({ length: count }, (_, i) => (n < 0 ? -i : i));
}

export const SPRIG_COLLECTIONS: FuncMap = {
  list: variadic([], 'any', (...a: unknown[]) => a),
  dict: variadic([], 'any', dict),
  get: fixed(['any', 'string'], (m: unknown, k: string) => {
    const d = asMap(m);
    return Object.hasOwn(d, k) ? d[k] : '';
  }),
  set: fixed(['any', 'string', 'any'], (m: unknown, k: string, v: unknown) => {
    const d = asMap(m);
    setKey(d, k, v);
    return d;
  }),
  unset: fixed(['any', 'string'], (m: unknown, k: string) => {
    const d = asMap(m);
    Reflect.deleteProperty(d, k);
    return d;
  }),
  hasKey: fixed(['any', 'string'], (m: unknown, k: string) => Object.hasOwn(asMap(m), k)),
  keys: variadic([], 'any', (...ms: unknown[]) => ms.flatMap((m) => Object.keys(asMap(m))).sort(compareStrings)),
  values: fixed(['any'], (m: unknown) => {
    const d = asMap(m);
    return sortedKeys(d).map((k) => d[k]);
  }),
  pluck: variadic(['string'], 'any', (k: string, ...ms: unknown[]) =>
    ms.map(asMap).filter((m) => Object.hasOwn(m, k)).map((m) => m[k])),
  pick: variadic(['any'], 'string', (m: unknown, ...ks: string[]) => {
    const d = asMap(m);
    const out = newMap();
    for (const k of ks) if (Object.hasOwn(d, k)) setKey(out, k, d[k]);
    return out;
  }),
  omit: variadic(['any'], 'string', (m: unknown, ...ks: string[]) => {
    const d = asMap(m);
    const out = newMap();
    for (const k of Object.keys(d)) if (!ks.includes(k)) setKey(out, k, d[k]);
    return out;
  }),
  dig: variadic([], 'any', dig),
  merge: variadic(['any'], 'any', (d: unknown, ...s: unknown[]) => merge(false, asMap(d), ...s)),
  mergeOverwrite: variadic(['any'], 'any', (d: unknown, ...s: unknown[]) => merge(true, asMap(d), ...s)),
  first: fixed(['any'], (l: unknown) => (isNil(l) ? null : asList(l, 'first')[0] ?? null)),
  last: fixed(['any'], (l: unknown) => (isNil(l) ? null : asList(l, 'last').at(-1) ?? null)),
  rest: fixed(['any'], (l: unknown) => (isNil(l) ? null : asList(l, 'rest').slice(1))),
  initial: fixed(['any'], (l: unknown) => (isNil(l) ? null : asList(l, 'initial').slice(0, -1))),
  append: fixed(['any', 'any'], (l: unknown, v: unknown) => [...(isNil(l) ? [] : asList(l, 'append')), v]),
  push: fixed(['any', 'any'], (l: unknown, v: unknown) => [...(isNil(l) ? [] : asList(l, 'push')), v]),
  prepend: fixed(['any', 'any'], (l: unknown, v: unknown) => [v, ...(isNil(l) ? [] : asList(l, 'prepend'))]),
  concat: variadic([], 'any', (...ls: unknown[]) => ls.flatMap((l) => (isNil(l) ? [] : asList(l, 'concat')))),
  uniq: fixed(['any'], (l: unknown) => uniq(asList(l, 'uniq'))),
  without: variadic(['any'], 'any', (l: unknown, ...omit: unknown[]) =>
    asList(l, 'without').filter((x) => !omit.some((o) => deepEqual(x, o)))),
  has: fixed(['any', 'any'], (needle: unknown, l: unknown) => (isNil(l) ? false : asList(l, 'has').some((x) => deepEqual(x, needle)))),
  compact: fixed(['any'], (l: unknown) => asList(l, 'compact').filter((x) => !isEmpty(x))),
  reverse: fixed(['any'], (l: unknown) => [...asList(l, 'reverse')].reverse()),
  sortAlpha: fixed(['any'], (l: unknown) => (Array.isArray(l) ? l.map(strval).sort(compareStrings) : [strval(l)])),
  until: fixed(['int'], until),
  default: variadic(['any'], 'any', (d: unknown, ...given: unknown[]) => (given.length === 0 || isEmpty(given[0]) ? d : given[0])),
  empty: fixed(['any'], isEmpty),
  coalesce: variadic([], 'any', (...a: unknown[]) => a.find((x) => !isEmpty(x)) ?? null),
  all: variadic([], 'any', (...a: unknown[]) => a.every((x) => !isEmpty(x))),
  any: variadic([], 'any', (...a: unknown[]) => a.some((x) => !isEmpty(x))),
  ternary: fixed(['any', 'any', 'bool'], (t: unknown, f: unknown, c: boolean) => (c ? t : f)),
  deepEqual: fixed(['any', 'any'], deepEqual),
  required: fixed(['string', 'any'], (msg: string, v: unknown) => {
    if (v === NO_VALUE || isNil(v) || v === '') throw new Error(msg);
    return v;
  }),
  fail: fixed(['string'], (msg: string) => {
    throw new Error(msg);
  }),
};
