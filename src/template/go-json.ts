/** Go's `encoding/json` Marshal (sorted keys, HTML escaping) and Unmarshal over the value model. */
import { goJsonMarshal, jsonParseReason } from '../providers/webhook/values.ts';
import { isMap } from './values.ts';

/** `json.Marshal` (escapeHTML) / `json.MarshalIndent(v, "", indent)`; throws like Go on NaN/Inf. */
export function marshalJson(v: unknown, options: { escapeHTML?: boolean; indent?: string } = {}): string {
  return goJsonMarshal(v, options);
}

/** `json.Unmarshal` into `interface{}`; keys become own properties (safe for `__proto__`). */
export function unmarshalJson(s: string): unknown {
  try {
    return parseJson(s);
  } catch (e) {
    // V8's message quotes the input, which may be a secret: neither it nor the cause is kept.
    // eslint-disable-next-line preserve-caught-error
    throw new Error(jsonParseReason(e));
  }
}

function parseJson(s: string): unknown {
  return JSON.parse(s, function reviver(this: unknown, _key: string, value: unknown): unknown {
    if (isMap(value) && Object.hasOwn(value, '__proto__')) {
      const copy: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
      for (const k of Object.keys(value)) copy[k] = value[k];
      return copy;
    }
    return value;
  }) as unknown;
}
