/**
 * Turning JSONPath results into Secret values exactly as ESO's Go code prints them
 * (`strconv.FormatFloat`, `encoding/json`), so a value synced by this tool is byte-identical to
 * the one ESO would write.
 */
import { Buffer } from 'node:buffer';
import { ValueError } from './errors.ts';

const HEX = '0123456789abcdef';
const JSON_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f',
};

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
 * Go `encoding/json` float64: 'f' form, or 'e' form below 1e-6 and from 1e21 with a
 * two-digit-minimum exponent trimmed (`1e-07` → `1e-7`). JS `Number#toString` uses the same
 * thresholds and shortest digits; only the sign of zero differs.
 */
function goJsonNumber(v: number): string {
  if (!Number.isFinite(v)) throw new ValueError(`json: unsupported value: ${nonFinite(v) ?? 'NaN'}`);
  return Object.is(v, -0) ? '-0' : String(v);
}

/** Go `encoding/json` string with HTML escaping (the `json.Marshal` default). */
function goJsonString(s: string, escapeHTML = true): string {
  let out = '"';
  for (const ch of s.toWellFormed()) { // Go's decoder already turned lone surrogates into U+FFFD
    const escaped = JSON_ESCAPES[ch];
    const code = ch.codePointAt(0) ?? 0;
    if (escaped !== undefined) {
      out += escaped;
    } else if (code < 0x20 || (escapeHTML && (ch === '<' || ch === '>' || ch === '&'))) {
      out += `\\u00${HEX[code >> 4] ?? '0'}${HEX[code & 0xf] ?? '0'}`;
    } else if (code === 0x2028 || code === 0x2029) {
      out += `\\u${code.toString(16)}`;
    } else {
      out += ch;
    }
  }
  return `${out}"`;
}

/** Go sorts map keys by their UTF-8 bytes, which is code-point order, not UTF-16 order. */
function compareGoStrings(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a.toWellFormed()), Buffer.from(b.toWellFormed()));
}

/**
 * Go's `reflect`-style type name of a decoded JSON value, as ESO prints it with `%T`.
 *
 * @example
 * ```ts
 * goTypeName([1]);   // '[]interface {}'
 * goTypeName(null);  // '<nil>'
 * ```
 */
export function goTypeName(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (Array.isArray(value)) return '[]interface {}';
  switch (typeof value) {
    case 'string': return 'string';
    case 'number': return 'float64';
    case 'boolean': return 'bool';
    case 'object': return 'map[string]interface {}';
    default: return typeof value;
  }
}

/**
 * Go `json.Marshal` of a decoded JSON value: compact, map keys sorted, `<` `>` `&` U+2028 U+2029
 * escaped, numbers in Go's float64 form.
 *
 * @throws ValueError for values JSON cannot hold (NaN, functions, …).
 * @example
 * ```ts
 * goJsonMarshal({ b: 1, a: '<x>' }); // '{"a":"\u003cx\u003e","b":1}'
 * ```
 */
export function goJsonMarshal(value: unknown, options: { escapeHTML?: boolean; indent?: string } = {}): string {
  return marshal(value, options.escapeHTML ?? true, options.indent ?? '', '', 0);
}

/** Go's json.Marshal / MarshalIndent. A symbol (the template engine's "no value") is Go's nil. */
function marshal(value: unknown, html: boolean, indent: string, prefix: string, depth: number): string {
  if (depth > 1000) throw new ValueError('json: unsupported value: nested too deeply');
  if (value === null || value === undefined || typeof value === 'symbol') return 'null';
  switch (typeof value) {
    case 'string': return goJsonString(value, html);
    case 'number': return goJsonNumber(value);
    case 'boolean': return value ? 'true' : 'false';
    case 'bigint': return value.toString();
    case 'object': {
      if (value instanceof Uint8Array) return goJsonString(Buffer.from(value).toString('base64'), html);
      if (value instanceof Date) return goJsonString(value.toISOString(), html);
      const inner = prefix + indent;
      const nl = indent === '' ? '' : '\n';
      const items = Array.isArray(value)
        ? value.map((item: unknown) => nl + inner + marshal(item, html, indent, inner, depth + 1))
        : Object.keys(value).sort(compareGoStrings).map((key) =>
          `${nl}${inner}${goJsonString(key, html)}:${indent === '' ? '' : ' '}${marshal((value as Record<string, unknown>)[key], html, indent, inner, depth + 1)}`);
      const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
      return items.length === 0 ? `${open}${close}` : `${open}${items.join(',')}${nl}${prefix}${close}`;
    }
    default:
      throw new ValueError(`json: unsupported type: ${goTypeName(value)}`);
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

/** JSON.parse's message quotes the input; keep only what locates the problem. */
/** Why JSON.parse failed, without quoting the input (V8's message quotes it, and it may be a secret). */
export function jsonParseReason(error: unknown): string {
  const message = error instanceof Error ? error.message : '';
  if (/end of (?:JSON|data)/i.test(message)) return 'unexpected end of JSON input';
  const position = /at position (\d+)/.exec(message)?.[1];
  return position === undefined ? 'invalid character' : `invalid character at position ${position}`;
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
