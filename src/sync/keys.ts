/** ESO's key handling for dataFrom: rewrite, conversionStrategy, validation; and decodingStrategy. */
import type { Rewrite } from '../model/manifests.ts';
import { compileGoRegexp, goReplaceAll, renderTemplate } from '../template/index.ts';

const VALID_KEY = /^[-._a-zA-Z0-9]+$/u;

/** Kubernetes Secret key rule (what the apiserver would reject with 422). */
export function isValidSecretKey(key: string): boolean {
  return key.length > 0 && key.length <= 253 && VALID_KEY.test(key);
}


/** Applies rewrites in order (regexp: replace all; transform: template over `.value`). */
export function rewriteKeys<V>(map: Record<string, V>, rewrites: readonly Rewrite[]): Record<string, V> {
  let out = map;
  for (const r of rewrites) {
    const next: Record<string, V> = {};
    for (const [k, v] of Object.entries(out)) {
      let nk = k;
      if (r.regexp) nk = goReplaceAll(compileGoRegexp(r.regexp.source), k, r.regexp.target, false);
      else if (r.transform) nk = renderTemplate(r.transform.template, { value: k }, { missingKey: 'error' });
      next[nk] = v;
    }
    out = next;
  }
  return out;
}

/** conversionStrategy: `Default` -> `_`, `Unicode` -> `_U%04x_` for every character outside `[-._a-zA-Z0-9]`. */
export function convertKeys<V>(map: Record<string, V>, strategy: 'Default' | 'Unicode' | undefined): Record<string, V> {
  const out: Record<string, V> = {};
  for (const [k, v] of Object.entries(map)) {
    // Code points, as Go ranges over runes in a string.
    // eslint-disable-next-line @typescript-eslint/no-misused-spread
    const nk = [...k]
      .map((c) => (/[-._a-zA-Z0-9]/u.test(c) ? c : strategy === 'Unicode' ? `_U${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}_` : '_'))
      .join('');
    out[nk] = v;
  }
  return out;
}

/** Drops empty keys and throws on invalid ones, as ESO's ValidateKeys. */
export function validateKeys<V>(map: Record<string, V>): Record<string, V> {
  const out: Record<string, V> = {};
  const bad: string[] = [];
  for (const [k, v] of Object.entries(map)) {
    if (k === '') continue;
    if (!isValidSecretKey(k)) bad.push(k);
    else out[k] = v;
  }
  if (bad.length > 0) {
    throw new Error(`invalid secret keys (TIP: use rewrite or conversionStrategy to change keys): ${bad.map((k) => JSON.stringify(k)).join(', ')}`);
  }
  return out;
}

const STD = /^[A-Za-z0-9+/]*={0,2}$/u;
const URL_SAFE = /^[A-Za-z0-9_-]*={0,2}$/u;

/** decodingStrategy: None, Base64, Base64URL, Auto (std, then url, then raw). */
export function decodeValue(value: Buffer, strategy: 'None' | 'Base64' | 'Base64URL' | 'Auto' | undefined): Buffer {
  if (!strategy || strategy === 'None') return value;
  const text = value.toString('utf8').trim();
  const std = (): Buffer | undefined => (STD.test(text) && text.length % 4 !== 1 ? Buffer.from(text, 'base64') : undefined);
  const url = (): Buffer | undefined => (URL_SAFE.test(text) && text.length % 4 !== 1 ? Buffer.from(text, 'base64url') : undefined);
  if (strategy === 'Base64') {
    const out = std();
    if (!out) throw new Error('decodingStrategy Base64: the value is not valid base64');
    return out;
  }
  if (strategy === 'Base64URL') {
    const out = url();
    if (!out) throw new Error('decodingStrategy Base64URL: the value is not valid base64url');
    return out;
  }
  return std() ?? url() ?? value;
}
