/** Sprig numeric conversion and arithmetic functions (int64 semantics, truncating division). */
import { fixed, variadic, type FuncMap } from './func-spec.ts';
import { toFloat64, toInt64 } from './sprig-convert.ts';

function intDiv(a: unknown, b: unknown, op: 'div' | 'mod'): number {
  const x = toInt64(a);
  const y = toInt64(b);
  if (y === 0) throw new Error('runtime error: integer divide by zero');
  return op === 'div' ? Math.trunc(x / y) : x % y;
}

function atoi(s: string): number {
  return /^[+-]?\d+$/.test(s) ? Number(s) : 0;
}

function round(a: unknown, p: number, rOpt = 0.5): number {
  const f = toFloat64(a);
  const pow = 10 ** p;
  const digit = f * pow;
  const whole = Math.trunc(digit);
  const frac = Math.abs(digit - whole);
  const r = frac >= rOpt ? whole + Math.sign(digit || 1) : whole;
  return r / pow;
}

export const SPRIG_MATH: FuncMap = {
  int: fixed(['any'], toInt64),
  int64: fixed(['any'], toInt64),
  float64: fixed(['any'], toFloat64),
  atoi: fixed(['string'], atoi),
  add: variadic([], 'any', (...a: unknown[]) => a.reduce<number>((s, x) => s + toInt64(x), 0)),
  add1: fixed(['any'], (a: unknown) => toInt64(a) + 1),
  sub: fixed(['any', 'any'], (a: unknown, b: unknown) => toInt64(a) - toInt64(b)),
  mul: variadic(['any'], 'any', (a: unknown, ...v: unknown[]) => v.reduce<number>((p, x) => p * toInt64(x), toInt64(a))),
  div: fixed(['any', 'any'], (a: unknown, b: unknown) => intDiv(a, b, 'div')),
  mod: fixed(['any', 'any'], (a: unknown, b: unknown) => intDiv(a, b, 'mod')),
  max: variadic(['any'], 'any', (a: unknown, ...v: unknown[]) => Math.max(toInt64(a), ...v.map(toInt64))),
  min: variadic(['any'], 'any', (a: unknown, ...v: unknown[]) => Math.min(toInt64(a), ...v.map(toInt64))),
  addf: variadic([], 'any', (...a: unknown[]) => a.reduce<number>((s, x) => s + toFloat64(x), 0)),
  subf: variadic(['any'], 'any', (a: unknown, ...v: unknown[]) => v.reduce<number>((s, x) => s - toFloat64(x), toFloat64(a))),
  mulf: variadic(['any'], 'any', (a: unknown, ...v: unknown[]) => v.reduce<number>((s, x) => s * toFloat64(x), toFloat64(a))),
  divf: variadic(['any'], 'any', (a: unknown, ...v: unknown[]) => v.reduce<number>((s, x) => s / toFloat64(x), toFloat64(a))),
  floor: fixed(['any'], (a: unknown) => Math.floor(toFloat64(a))),
  ceil: fixed(['any'], (a: unknown) => Math.ceil(toFloat64(a))),
  round: variadic(['any', 'int'], 'number', round),
};
