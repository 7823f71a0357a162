/**
 * The Go value model over plain JS values: maps are plain objects, slices are arrays, numbers are
 * int when integral, `null`/`undefined` is Go's nil, and {@link NO_VALUE} is Go's invalid
 * `reflect.Value` (a missing map key), which prints as `<no value>`.
 */
import { charged, chargeSteps } from './budget.ts';
import { goStringToBytes } from './go-bytes.ts';

/** Go's invalid reflect.Value: the result of a missing map key (missingkey=default). */
export const NO_VALUE: unique symbol = Symbol('no value');
export type NoValue = typeof NO_VALUE;

export type GoMap = Record<string, unknown>;

export function isNil(v: unknown): v is null | undefined {
  return v === null || v === undefined;
}

export function isMap(v: unknown): v is GoMap {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Sorted keys of a map, in Go's (byte) order. */
export function sortedKeys(m: GoMap): string[] {
  return Object.keys(m).sort(compareStrings);
}

export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(goStringToBytes(a), goStringToBytes(b));
}

/** Go's reflect kind of a value, as sprig's `kindOf` reports it. */
export function kindOf(v: unknown): string {
  if (v === NO_VALUE || isNil(v)) return 'invalid';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float64';
  if (typeof v === 'bigint') return 'int64';
  if (Array.isArray(v)) return 'slice';
  if (v instanceof Uint8Array) return 'slice';
  if (isMap(v)) return 'map';
  if (typeof v === 'function') return 'func';
  return 'struct';
}

/** Go's `%T` of a value (integral numbers are reported as `int`, others as `float64`). */
export function typeName(v: unknown): string {
  if (v === NO_VALUE || isNil(v)) return '<nil>';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float64';
  if (typeof v === 'bigint') return 'int64';
  if (v instanceof Uint8Array) return '[]uint8';
  if (Array.isArray(v)) return v.every((x) => typeof x === 'string') && v.length > 0 ? '[]string' : '[]interface {}';
  if (isMap(v)) return 'map[string]interface {}';
  if (v instanceof Date) return 'time.Time';
  if (typeof v === 'function') return 'func';
  return 'struct';
}

/** Go's truthiness (`template.IsTrue`): false, 0, nil and empty strings/slices/maps are false. */
export function isTrue(v: unknown): boolean {
  if (v === NO_VALUE || isNil(v)) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'bigint') return v !== 0n;
  if (typeof v === 'string') return v.length > 0;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof Uint8Array) return v.length > 0;
  if (isMap(v)) return Object.keys(v).length > 0;
  return true;
}

/** Formats a float like Go's `strconv.FormatFloat(f, fmt, prec, 64)` for 'e', 'f' and 'g'. */
export function formatFloat(f: number, verb: 'e' | 'E' | 'f' | 'F' | 'g' | 'G', prec: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (!Number.isFinite(f)) return f > 0 ? '+Inf' : '-Inf';
  const lower = verb.toLowerCase();
  if (lower === 'f') return toFixed(f, prec < 0 ? undefined : prec);
  if (lower === 'e') return fixExponent(prec < 0 ? f.toExponential() : f.toExponential(Math.min(prec, 100)), verb === 'E');
  // %g: shortest (prec < 0) or prec significant digits; trailing zeros dropped, as strconv does.
  const p = prec < 0 ? undefined : Math.max(prec, 1);
  const exp = p === undefined ? f.toExponential() : f.toExponential(Math.min(p - 1, 100));
  const [rawMant = '0', e = '0'] = exp.split('e');
  let mant = rawMant;
  if (p !== undefined && mant.includes('.')) mant = mant.replace(/0+$/, '').replace(/\.$/, '');
  const x = Number(e);
  const nd = mant.replace('-', '').replace('.', '').length;
  let eprec = p ?? 6;
  if (p !== undefined && eprec > nd && nd >= x + 1) eprec = nd;
  if (x < -4 || x >= eprec) return fixExponent(`${mant}e${e}`, verb === 'G');
  return toFixed(f, Math.max(nd - 1 - x, 0));
}

function toFixed(f: number, digits: number | undefined): string {
  const d = digits === undefined ? 6 : Math.min(digits, 100);
  if (Math.abs(f) < 1e21) return f.toFixed(d);
  const int = BigInt(f).toString();
  return d > 0 ? `${int}.${'0'.repeat(d)}` : int;
}

function fixExponent(s: string, upper: boolean): string {
  const m = /^(-?[\d.]+)e([+-])(\d+)$/.exec(s);
  if (!m) return s;
  const out = `${m[1]}e${m[2]}${(m[3] ?? '').padStart(2, '0')}`;
  return upper ? out.toUpperCase() : out;
}

/** Formats a number as Go's `%v` does: integers plainly, floats in shortest `%g` form. */
export function formatNumber(n: number): string {
  if (Number.isInteger(n)) return Math.abs(n) < 1e21 ? String(n) : BigInt(n).toString();
  return formatFloat(n, 'g', -1);
}

/** Go's `fmt.Sprint(v)` / `%v` for the value model; every element printed is charged to the budget. */
export function formatValue(v: unknown, depth = 0): string {
  if (depth > 1000) throw new RangeError('value nested too deeply to print');
  if (v === NO_VALUE) return '<no value>';
  if (isNil(v)) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v instanceof Uint8Array) return `[${[...v].join(' ')}]`;
  if (Array.isArray(v)) return `[${v.map((x) => element(formatValue(x, depth + 1))).join(' ')}]`;
  if (isMap(v)) return `map[${sortedKeys(v).map((k) => element(`${k}:${formatValue(v[k], depth + 1)}`)).join(' ')}]`;
  if (v instanceof Date) return v.toISOString();
  return Object.prototype.toString.call(v);
}

function element(s: string): string {
  chargeSteps(1);
  return charged(s);
}

/** Go's `fmt.Sprint(args...)`: spaces between operands when neither side is a string. */
export function sprint(args: readonly unknown[]): string {
  let out = '';
  args.forEach((a, i) => {
    if (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += formatValue(a);
  });
  return out;
}

/** Go's `fmt.Sprintln(args...)`. */
export function sprintln(args: readonly unknown[]): string {
  return `${args.map((a) => formatValue(a)).join(' ')}\n`;
}
