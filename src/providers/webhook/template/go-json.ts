/** Go's `encoding/json` Marshal (sorted keys, HTML escaping) and Unmarshal over the value model. */
import { isMap, isNil, NO_VALUE, sortedKeys } from './values.ts';

const MAX_DEPTH = 1000;

function quote(s: string, escapeHTML: boolean): string {
  let q = JSON.stringify(s).replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
  if (escapeHTML) q = q.replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
  return q;
}

function marshalValue(v: unknown, escapeHTML: boolean, indent: string, prefix: string, depth: number): string {
  if (depth > MAX_DEPTH) throw new Error('json: unsupported value: nesting too deep');
  if (v === NO_VALUE || isNil(v)) return 'null';
  if (typeof v === 'string') return quote(v, escapeHTML);
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`json: unsupported value: ${Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf'}`);
    return JSON.stringify(v);
  }
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return quote(Buffer.from(v).toString('base64'), escapeHTML);
  if (v instanceof Date) return quote(v.toISOString(), escapeHTML);
  const inner = prefix + indent;
  const nl = indent === '' ? '' : '\n';
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    const items = v.map((x) => nl + inner + marshalValue(x, escapeHTML, indent, inner, depth + 1));
    return `[${items.join(',')}${nl}${prefix}]`;
  }
  if (isMap(v)) {
    const keys = sortedKeys(v);
    if (keys.length === 0) return '{}';
    const sep = indent === '' ? ':' : ': ';
    const items = keys.map((k) => nl + inner + quote(k, escapeHTML) + sep + marshalValue(v[k], escapeHTML, indent, inner, depth + 1));
    return `{${items.join(',')}${nl}${prefix}}`;
  }
  throw new Error(`json: unsupported type: ${typeof v}`);
}

/** `json.Marshal` (escapeHTML) / `json.MarshalIndent(v, "", indent)`; throws like Go on NaN/Inf. */
export function marshalJson(v: unknown, options: { escapeHTML?: boolean; indent?: string } = {}): string {
  return marshalValue(v, options.escapeHTML ?? true, options.indent ?? '', '', 0);
}

/** `json.Unmarshal` into `interface{}`; keys become own properties (safe for `__proto__`). */
export function unmarshalJson(s: string): unknown {
  return JSON.parse(s, function reviver(this: unknown, _key: string, value: unknown): unknown {
    if (isMap(value) && Object.hasOwn(value, '__proto__')) {
      const copy: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
      for (const k of Object.keys(value)) copy[k] = value[k];
      return copy;
    }
    return value;
  }) as unknown;
}
