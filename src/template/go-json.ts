/**
 * Go's `encoding/json` over the template value model: `json.Marshal` / `MarshalIndent` (sorted keys,
 * HTML escaping, Go's float64 form) and `json.Unmarshal` into `interface{}`. The webhook provider
 * uses the same encoder, so a value is written identically wherever it is printed.
 */
import { Buffer } from 'node:buffer';
import { chargeBytes, charged, chargeSteps } from './budget.ts';
import { isEscapedByte } from './go-bytes.ts';

/** A value Go's JSON encoder refuses (NaN, ±Inf, a function, nesting too deep). */
export class GoJsonError extends Error {}

const HEX = '0123456789abcdef';
const JSON_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f',
};

/** Options of {@link marshalJson}. */
export interface MarshalOptions {
  /** Escape `<`, `>` and `&` (Go's default; `toRawJson` turns it off). */
  readonly escapeHTML?: boolean;
  /** `json.MarshalIndent(v, "", indent)`. */
  readonly indent?: string;
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
 * Go `encoding/json` float64: 'f' form, or 'e' form below 1e-6 and from 1e21 with a
 * two-digit-minimum exponent trimmed (`1e-07` → `1e-7`). JS `Number#toString` uses the same
 * thresholds and shortest digits; only the sign of zero differs.
 */
function goJsonNumber(v: number): string {
  if (Number.isNaN(v)) throw new GoJsonError('json: unsupported value: NaN');
  if (!Number.isFinite(v)) throw new GoJsonError(`json: unsupported value: ${v > 0 ? '+Inf' : '-Inf'}`);
  return Object.is(v, -0) ? '-0' : String(v);
}

/**
 * Go `encoding/json` string. A byte that is not UTF-8 (a surrogate escape, see go-bytes.ts) is
 * written as the escape `\ufffd`, as Go does; any other lone surrogate (only JavaScript can make
 * one) as the character U+FFFD, as Go's decoder would have produced it.
 */
function goJsonString(s: string, escapeHTML: boolean): string {
  // Sized first and charged before it is built, then built flat (one replace, not a rope of pieces).
  chargeBytes(jsonStringLength(s, escapeHTML));
  // Quotes and backslashes natively (the common case: JSON inside JSON), the rare rest by callback.
  const quoted = s.replace(/["\\]/g, '\\$&');
  const special = escapeHTML ? SPECIAL_HTML : SPECIAL;
  if (quoted.search(special) < 0) return `"${quoted}"`;
  return `"${quoted.replace(special, (ch) => {
    const escaped = JSON_ESCAPES[ch];
    const code = ch.codePointAt(0) ?? 0;
    if (escaped !== undefined) return escaped;
    if (code < 0x20 || ch === '<' || ch === '>' || ch === '&') return `\\u00${HEX[code >> 4] ?? '0'}${HEX[code & 0xf] ?? '0'}`;
    if (code === 0x2028 || code === 0x2029) return `\\u${code.toString(16)}`;
    return isEscapedByte(code) ? '\\ufffd' : '\ufffd';
  })}"`;
}

// Characters goJsonString rewrites; lone surrogates only (a valid pair is one code point under /u).
/* eslint-disable no-control-regex -- control characters are exactly what JSON must escape */
const SPECIAL = /[\u0000-\u001f\u2028\u2029\p{Cs}]/gu;
const SPECIAL_HTML = /[\u0000-\u001f\u2028\u2029\p{Cs}<>&]/gu;
/* eslint-enable no-control-regex */

/** Length in UTF-16 code units of goJsonString's result. */
function jsonStringLength(s: string, escapeHTML: boolean): number {
  let n = 2;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22 || c === 0x5c || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x08 || c === 0x0c) n += 2;
    else if (c < 0x20 || c === 0x2028 || c === 0x2029 || (escapeHTML && (c === 0x3c || c === 0x3e || c === 0x26))) n += 6;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff) {
      n += 2;
      i++;
    } else if (isEscapedByte(c)) n += 6;
    else n += 1;
  }
  return n;
}

/** Go sorts map keys by their UTF-8 bytes, which is code-point order, not UTF-16 order. */
export function compareGoStrings(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a.toWellFormed()), Buffer.from(b.toWellFormed()));
}

/**
 * Go `json.Marshal` of a value: compact, map keys sorted, `<` `>` `&` U+2028 U+2029 escaped,
 * numbers in Go's float64 form. Every piece written is charged to the running template budget.
 *
 * @throws GoJsonError for values JSON cannot hold (NaN, functions, …).
 * @example
 * ```ts
 * marshalJson({ b: 1, a: '<x>' }); // '{"a":"\u003cx\u003e","b":1}'
 * ```
 */
export function marshalJson(value: unknown, options: MarshalOptions = {}): string {
  return marshal(value, options.escapeHTML ?? true, options.indent ?? '', '', 0);
}

/** A symbol (the template engine's "no value") is Go's nil. */
function marshal(value: unknown, html: boolean, indent: string, prefix: string, depth: number): string {
  if (depth > 1000) throw new GoJsonError('json: unsupported value: nested too deeply');
  chargeSteps(1);
  if (value === null || value === undefined || typeof value === 'symbol') return 'null';
  switch (typeof value) {
    case 'string': return goJsonString(value, html);
    case 'number': return goJsonNumber(value);
    case 'boolean': return value ? 'true' : 'false';
    case 'bigint': return value.toString();
    case 'object': {
      if (value instanceof Uint8Array) return goJsonString(charged(Buffer.from(value).toString('base64')), html);
      if (value instanceof Date) return goJsonString(value.toISOString(), html);
      const inner = prefix + indent;
      const nl = indent === '' ? '' : '\n';
      chargeBytes((inner.length + 2) * (Array.isArray(value) ? value.length : Object.keys(value).length));
      const items = Array.isArray(value)
        ? value.map((item: unknown) => nl + inner + marshal(item, html, indent, inner, depth + 1))
        : Object.keys(value).sort(compareGoStrings).map((key) =>
          `${nl}${inner}${goJsonString(key, html)}:${indent === '' ? '' : ' '}${marshal((value as Record<string, unknown>)[key], html, indent, inner, depth + 1)}`);
      const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
      // Each level copies its children's text: charged again, as a shared sub-value is written again.
      return items.length === 0 ? `${open}${close}` : charged(`${open}${items.join(',')}${nl}${prefix}${close}`);
    }
    default:
      throw new GoJsonError(`json: unsupported type: ${goTypeName(value)}`);
  }
}

/** Why JSON.parse failed, without quoting the input (V8's message quotes it, and it may be a secret). */
export function jsonParseReason(error: unknown): string {
  const message = error instanceof Error ? error.message : '';
  if (/end of (?:JSON|data)/i.test(message)) return 'unexpected end of JSON input';
  const position = /at position (\d+)/.exec(message)?.[1];
  return position === undefined ? 'invalid character' : `invalid character at position ${position}`;
}

/** `json.Unmarshal` into `interface{}`; keys become own properties (safe for `__proto__`). */
export function unmarshalJson(s: string): unknown {
  try {
    return JSON.parse(s, function reviver(this: unknown, _key: string, value: unknown): unknown {
      // Go's decoder turns invalid UTF-8 and lone \uDXXX escapes into U+FFFD.
      if (typeof value === 'string') return value.toWellFormed();
      if (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.hasOwn(value, '__proto__')) {
        const copy: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
        for (const k of Object.keys(value)) copy[k] = (value as Record<string, unknown>)[k];
        return copy;
      }
      return value;
    }) as unknown;
  } catch (e) {
    // V8's message quotes the input, which may be a secret: neither it nor the cause is kept.
    throw new GoJsonError(jsonParseReason(e));
  }
}
