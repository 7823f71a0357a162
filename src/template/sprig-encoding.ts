/** Sprig encoding, serialisation, hashing and type-inspection functions. */
import { createHash, randomUUID } from 'node:crypto';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { chargeDeep, TemplateBudgetError } from './budget.ts';
import { fixed, type FuncMap } from './func-spec.ts';
import { goBase64DecodeString } from './go-base64.ts';
import { goStringAsText, goStringFromBytes, goStringToBytes } from './go-bytes.ts';
import { marshalJson, unmarshalJson } from './go-json.ts';
import { newMap, setKey } from './sprig-convert.ts';
import { isMap, isNil, kindOf, NO_VALUE, typeName, type GoMap } from './values.ts';

/** Go's `base64.StdEncoding.DecodeString`; sprig returns the error text in place of the value. */
function b64decode(input: string): string {
  try {
    return goStringFromBytes(goBase64DecodeString(input, 'std'));
  } catch (e) {
    return (e as Error).message;
  }
}

const B32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function b32encode(s: string): string {
  const bytes = goStringToBytes(s);
  // Written into one buffer (a `+=` per character would build a rope of one node per character).
  const out = Buffer.alloc(Math.ceil(bytes.length / 5) * 8, '=');
  let n = 0;
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out[n++] = B32_ALPHABET.charCodeAt((value >>> (bits - 5)) & 31);
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out[n] = B32_ALPHABET.charCodeAt((value << (5 - bits)) & 31);
  return out.toString('latin1');
}

function b32decode(input: string): string {
  const s = input.replace(/[\r\n]/g, '');
  const body = s.replace(/=+$/, '');
  if (s.length % 8 !== 0) return `illegal base32 data at input byte ${Math.floor(s.length / 8) * 8}`;
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (let i = 0; i < body.length; i++) {
    const v = B32_ALPHABET.indexOf(body[i] ?? '');
    if (v < 0) return `illegal base32 data at input byte ${i}`;
    value = ((value << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return goStringFromBytes(Buffer.from(bytes));
}

function safe<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof TemplateBudgetError) throw err; // Sprig swallows errors, never the budget
    return fallback;
  }
}

/** Converts parsed YAML into the value model (maps with string keys). */
function fromYamlValue(v: unknown, depth = 0): unknown {
  if (depth > 1000) throw new Error('yaml: nesting too deep');
  if (Array.isArray(v)) return v.map((x) => fromYamlValue(x, depth + 1));
  if (v instanceof Map) {
    const m = newMap();
    for (const [k, x] of v) setKey(m, String(k), fromYamlValue(x, depth + 1));
    return m;
  }
  if (isMap(v)) {
    const m = newMap();
    for (const k of Object.keys(v)) setKey(m, k, fromYamlValue(v[k], depth + 1));
    return m;
  }
  return v === undefined ? null : v;
}

/** Helm/ESO `fromYaml`: a map; on error the map holds the message under `Error`. */
function fromYaml(s: string): GoMap {
  try {
    const v = fromYamlValue(parseYaml(s, { mapAsMap: false, maxAliasCount: 100 }));
    if (isNil(v)) return newMap();
    if (!isMap(v)) throw new Error(`yaml: cannot unmarshal ${typeName(v)} into map[string]interface {}`);
    return v;
  } catch (err) {
    if (err instanceof TemplateBudgetError) throw err;
    const m = newMap();
    setKey(m, 'Error', (err as Error).message);
    return m;
  }
}

function toYamlValue(v: unknown): unknown {
  if (v === NO_VALUE || v === undefined) return null;
  // ESO's toYaml goes through JSON (sigs.k8s.io/yaml), which writes bytes that are not UTF-8 as U+FFFD.
  if (typeof v === 'string') return goStringAsText(v);
  if (Array.isArray(v)) return v.map(toYamlValue);
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (isMap(v)) {
    const m = newMap();
    for (const k of Object.keys(v)) setKey(m, goStringAsText(k), toYamlValue(v[k]));
    return m;
  }
  return v;
}

/** Helm/ESO `toYaml` (sorted keys, trailing newline trimmed); "" on error. */
function toYaml(v: unknown): string {
  chargeDeep(v); // the yaml library expands shared sub-values: charge what it will walk
  return safe(() => stringifyYaml(toYamlValue(v), { sortMapEntries: true, indentSeq: false, lineWidth: 0 }).replace(/\n$/, ''), '');
}

function hash(alg: string): (s: string) => string {
  return (s: string) => createHash(alg).update(goStringToBytes(s)).digest('hex');
}

function adler32(s: string): string {
  let a = 1;
  let b = 0;
  for (const byte of goStringToBytes(s)) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return String(((b << 16) | a) >>> 0);
}

function fromJson(s: string): unknown {
  return safe(() => unmarshalJson(s), newMap());
}

export const SPRIG_ENCODING: FuncMap = {
  b64enc: fixed(['string'], (s: string) => goStringToBytes(s).toString('base64')),
  b64dec: fixed(['string'], b64decode),
  b32enc: fixed(['string'], b32encode),
  b32dec: fixed(['string'], b32decode),
  toJson: fixed(['any'], (v: unknown) => safe(() => marshalJson(v), '')),
  mustToJson: fixed(['any'], (v: unknown) => marshalJson(v)),
  toPrettyJson: fixed(['any'], (v: unknown) => safe(() => marshalJson(v, { indent: '  ' }), '')),
  mustToPrettyJson: fixed(['any'], (v: unknown) => marshalJson(v, { indent: '  ' })),
  toRawJson: fixed(['any'], (v: unknown) => safe(() => marshalJson(v, { escapeHTML: false }), '')),
  mustToRawJson: fixed(['any'], (v: unknown) => marshalJson(v, { escapeHTML: false })),
  fromJson: fixed(['string'], fromJson),
  mustFromJson: fixed(['string'], (s: string) => unmarshalJson(s)),
  toYaml: fixed(['any'], toYaml),
  fromYaml: fixed(['string'], fromYaml),
  sha1sum: fixed(['string'], hash('sha1')),
  sha256sum: fixed(['string'], hash('sha256')),
  sha512sum: fixed(['string'], hash('sha512')),
  adler32sum: fixed(['string'], adler32),
  uuidv4: fixed([], () => randomUUID()),
  now: fixed([], () => new Date().toISOString()),
  typeOf: fixed(['any'], typeName),
  kindOf: fixed(['any'], kindOf),
  typeIs: fixed(['string', 'any'], (t: string, v: unknown) => typeName(v) === t),
  kindIs: fixed(['string', 'any'], (k: string, v: unknown) => kindOf(v) === k),
};
