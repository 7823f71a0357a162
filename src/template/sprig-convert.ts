/** Value conversions shared by the Sprig functions (`strval`, `cast.ToInt64`, …). */
import { goStringFromBytes } from './go-bytes.ts';
import { formatValue, isMap, isNil, NO_VALUE, typeName, type GoMap } from './values.ts';

/** Sprig's `strval`: strings as-is, bytes decoded, errors by message, others via `%v`. */
export function strval(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return goStringFromBytes(v);
  if (v instanceof Error) return v.message;
  return formatValue(v === NO_VALUE ? null : v);
}

/** `cast.ToInt64`: numbers truncate, numeric strings parse (base prefixes allowed), else 0. */
export function toInt64(v: unknown): number {
  if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) : 0;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string') {
    const s = v.replace(/\.0*$/, '');
    if (/^[+-]?(0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO]?[0-7_]*|[1-9][0-9_]*)$/.test(s)) {
      const neg = s.startsWith('-');
      const body = s.replace(/^[+-]/, '').replaceAll('_', '');
      const norm = /^0[0-7]+$/.test(body) ? `0o${body.slice(1)}` : body;
      const n = Number(BigInt(norm.toLowerCase()));
      return neg ? -n : n;
    }
    return 0;
  }
  return 0;
}

/** `cast.ToFloat64`. */
export function toFloat64(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const n = Number(v.trim());
    return v.trim() !== '' && Number.isFinite(n) ? n : 0;
  }
  return 0;
}

/** The elements of a slice/array value, or an error naming the function. */
export function asList(v: unknown, fn: string): unknown[] {
  if (Array.isArray(v)) return v;
  if (v instanceof Uint8Array) return [...v];
  throw new Error(`Cannot find ${fn} on type ${typeName(v)}`);
}

/** A map argument, checked like Go's `validateType` for `map[string]interface{}`. */
export function asMap(v: unknown): GoMap {
  if (isMap(v)) return v;
  if (v === NO_VALUE || isNil(v)) throw new Error('invalid value; expected map[string]interface {}');
  throw new Error(`wrong type for value; expected map[string]interface {}; got ${typeName(v)}`);
}

/** Sets a map entry as an own data property (safe for keys like `__proto__`). */
export function setKey(m: GoMap, key: string, value: unknown): void {
  Object.defineProperty(m, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A fresh empty map without prototype pollution risk. */
export function newMap(): GoMap {
  return {};
}

/** Sprig's `empty`: nil, false, 0, "" and empty collections are empty. */
export function isEmpty(v: unknown): boolean {
  if (v === NO_VALUE || isNil(v)) return true;
  if (typeof v === 'string' || Array.isArray(v) || v instanceof Uint8Array) return v.length === 0;
  if (isMap(v)) return Object.keys(v).length === 0;
  if (typeof v === 'boolean') return !v;
  if (typeof v === 'number') return v === 0;
  if (typeof v === 'bigint') return v === 0n;
  return false;
}
