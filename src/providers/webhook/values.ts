/**
 * Turning JSONPath results into Secret values exactly as ESO's Go code prints them
 * (`strconv.FormatFloat`, `encoding/json`), so a value synced by this tool is byte-identical to
 * the one ESO would write.
 */
import { GoJsonError, goTypeName, jsonParseReason, marshalJson, type MarshalOptions } from '../../template/index.ts';
import { ValueError } from './errors.ts';

export { goTypeName, jsonParseReason };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function negative(v: number): boolean {
  return v < 0 || Object.is(v, -0);
}

function nonFinite(v: number): string | undefined {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  return undefined;
}

/** Go `strconv.FormatFloat(v, 'f', 0, 64)`: integer digits, exact halves round to even. */
function formatFloatNoDecimals(v: number): string {
  const special = nonFinite(v);
  if (special !== undefined) return special;
  const a = Math.abs(v);
  const floor = Math.floor(a);
  const fraction = a - floor; // exact for doubles
  const rounded = fraction > 0.5 || (fraction === 0.5 && floor % 2 === 1) ? floor + 1 : floor;
  return (negative(v) ? '-' : '') + BigInt(rounded).toString();
}

/** Go `strconv.FormatFloat(v, 'f', -1, 64)`: shortest round-trip digits, never an exponent. */
function formatFloatShortest(v: number): string {
  const special = nonFinite(v);
  if (special !== undefined) return special;
  const [mantissa = '0', exponent = '0'] = Math.abs(v).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const point = Number(exponent) + 1; // digits before the decimal point
  let text: string;
  if (point <= 0) text = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) text = digits + '0'.repeat(point - digits.length);
  else text = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return (negative(v) ? '-' : '') + text;
}

/**
 * Go `json.Marshal` of a decoded JSON value (the template engine's encoder, so both print alike).
 *
 * @throws ValueError for values JSON cannot hold (NaN, functions, …).
 * @example
 * ```ts
 * goJsonMarshal({ b: 1, a: '<x>' }); // '{"a":"\u003cx\u003e","b":1}'
 * ```
 */
export function goJsonMarshal(value: unknown, options: MarshalOptions = {}): string {
  try {
    return marshalJson(value, options);
  } catch (error) {
    if (error instanceof GoJsonError) throw new ValueError(error.message, { cause: error });
    throw error;
  }
}

/** Runs a conversion, reporting a stack overflow on a pathologically deep value as a typed error. */
function guarded<T>(convert: () => T): T {
  try {
    return convert();
  } catch (error) {
    if (error instanceof ValueError) throw error;
    throw new ValueError('failed to convert response value: nested too deeply', { cause: error });
  }
}

/**
 * ESO's first-element rule (backwards compatibility): a list means its first element, recursively.
 *
 * @example
 * ```ts
 * firstElement([[{ a: 1 }]]); // { a: 1 }
 * ```
 */
export function firstElement(result: unknown): unknown {
  let value = result;
  while (Array.isArray(value)) {
    if (value.length === 0) throw new ValueError("filter worked but didn't get any result");
    value = value[0];
  }
  return value;
}

function extractSecretData(result: unknown): string {
  const value = firstElement(result);
  if (value === null || value === undefined) return '';
  switch (typeof value) {
    case 'string': return value;
    case 'boolean': return value ? 'true' : 'false';
    case 'number': return formatFloatNoDecimals(value);
    case 'object': return goJsonMarshal(value);
    default: throw new ValueError(`failed to get response (wrong type: ${goTypeName(value)})`);
  }
}

/**
 * One Secret value from a JSONPath result, as ESO's `GetSecret` (`extractSecretData`) makes it:
 * strings as-is, booleans `true`/`false`, `null` empty, numbers rounded to an integer (half to
 * even), arrays by their first element, objects as Go JSON.
 *
 * @throws ValueError `filter worked but didn't get any result` for an empty array.
 * @example
 * ```ts
 * singleValue([{ one: 'secret-value' }]); // '{"one":"secret-value"}'
 * singleValue(2.5);                       // '2'
 * ```
 */
export function singleValue(result: unknown): string {
  return guarded(() => extractSecretData(result));
}

/**
 * One value of a secret map, as ESO's `esutils.GetByteValue` makes it: strings as-is, objects and
 * arrays as Go JSON, numbers in shortest form without exponent, booleans, `null` empty.
 *
 * @example
 * ```ts
 * mapValue(1.5);      // '1.5'
 * mapValue([1, 'a']); // '[1,"a"]'
 * ```
 */
export function mapValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  switch (typeof value) {
    case 'string': return value;
    case 'boolean': return value ? 'true' : 'false';
    case 'number': return formatFloatShortest(value);
    case 'object': return guarded(() => goJsonMarshal(value));
    default: throw new ValueError(`no matching type conversion found for ${goTypeName(value)}`);
  }
}

/**
 * The secret map of ESO's `GetSecretMap` from a JSONPath result: a string is parsed as JSON once
 * more, the value must then be an object (arrays are not unwrapped), and each entry goes through
 * {@link mapValue}.
 *
 * @throws ValueError `failed to parse response json from jsonpath: …` or
 *   `failed to get response (wrong type: <T>)`.
 * @example
 * ```ts
 * toSecretMap({ id: 1234, weight: 1.5, user: 'a' }); // { id: '1234', weight: '1.5', user: 'a' }
 * toSecretMap('{"token":"t"}');                       // { token: 't' }
 * ```
 */
export function toSecretMap(value: unknown): Record<string, string> {
  let data = value;
  if (typeof data === 'string') {
    try {
      data = JSON.parse(data);
    } catch (error) {
      // No `cause`: JSON.parse's message quotes the (possibly secret) input.
      throw new ValueError(`failed to parse response json from jsonpath: ${jsonParseReason(error)}`);
    }
  }
  if (!isPlainObject(data)) throw new ValueError(`failed to get response (wrong type: ${goTypeName(data)})`);
  const object = data;
  // fromEntries defines own properties, so a "__proto__" key stays a plain key.
  return Object.fromEntries(Object.keys(object).map((key) => {
    try {
      return [key, mapValue(object[key])];
    } catch (error) {
      throw new ValueError(`failed to get response for key '${key}': ${(error as Error).message}`, { cause: error });
    }
  }));
}
