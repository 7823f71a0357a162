/** ESO's key handling for dataFrom: rewrite, conversionStrategy, validation; and decodingStrategy. */
import type { Rewrite } from '../model/manifests.ts';
import { compileGoRegexp, goReplaceAll, renderTemplate } from '../template/index.ts';
import { goBase64Decode } from '../template/go-base64.ts';
import { hasDigitLedName, type GoRegexp } from '../template/go-regexp.ts';

const VALID_KEY = /^[-._a-zA-Z0-9]+$/u;

/** Kubernetes Secret key rule (what the apiserver would reject with 422). */
export function isValidSecretKey(key: string): boolean {
  return key.length > 0 && key.length <= 253 && VALID_KEY.test(key);
}


/** A `rewrite[]` entry failed or emptied keys; `index` is its position in `rewrite[]`. */
export class RewriteError extends Error {
  readonly index: number;

  constructor(index: number, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RewriteError';
    this.index = index;
  }
}

/** Names in a Go replacement that no group of `re` has (`$1_MONITOR` when only group 1 exists). */
function unknownGroups(re: GoRegexp, target: string): string[] {
  const names = Array.from(target.matchAll(/\$(\$|\{[A-Za-z0-9_]+\}|[A-Za-z0-9_]+)/g), (m) => (m[1] ?? '').replace(/^\{|\}$/g, ''));
  return names.filter((n) => n !== '$' && !/^(0|[1-9]\d{0,7})$/.test(n) && re.groupIndex(n) < 0);
}

/** Why a rewrite emptied keys, with Go's `${1}` hint when a `$1x` name is the likely cause. */
function emptiedMessage(emptied: readonly string[], all: boolean, r: Rewrite, re?: GoRegexp): string {
  const keys = emptied.map((k) => JSON.stringify(k)).join(', ');
  let msg = `the rewrite turned ${all ? 'every key' : 'these keys'} into "": ${keys}`;
  const unknown = re && r.regexp ? unknownGroups(re, r.regexp.target) : [];
  if (unknown.length > 0 && hasDigitLedName(r.regexp?.target ?? '')) {
    const first = unknown.find((n) => /^\d/.test(n)) ?? '';
    const digits = /^\d+/.exec(first)?.[0] ?? '1';
    msg += `; in Go's replacement syntax $${first} is the group named "${first}", which the regexp does not have: write \${${digits}}${first.slice(digits.length)} for group ${digits}`;
  } else if (unknown.length > 0) {
    msg += `; the regexp has no group named ${unknown.map((n) => JSON.stringify(n)).join(', ')}`;
  }
  return msg;
}

/**
 * Applies rewrites in order (regexp: Go's ReplaceAllString; transform: template over `.value`).
 * Keys a rewrite empties are dropped, as ESO does (a way to filter keys), except when it empties
 * every key or a replacement names a group the regexp does not have: then a {@link RewriteError}
 * names the rewrite and the emptied keys (names only).
 */
export function rewriteKeys<V>(map: Record<string, V>, rewrites: readonly Rewrite[]): Record<string, V> {
  let out = map;
  rewrites.forEach((r, j) => {
    const next: Record<string, V> = {};
    const emptied: string[] = [];
    let re: GoRegexp | undefined;
    try {
      if (r.regexp) re = compileGoRegexp(r.regexp.source);
      for (const [k, v] of Object.entries(out)) {
        let nk = k;
        if (re && r.regexp) nk = goReplaceAll(re, k, r.regexp.target, false);
        else if (r.transform) nk = renderTemplate(r.transform.template, { value: k }, { missingKey: 'error' });
        if (nk === '' && k !== '') emptied.push(k);
        next[nk] = v;
      }
    } catch (e) {
      throw new RewriteError(j, (e as Error).message, { cause: e });
    }
    if (emptied.length > 0) {
      const all = Object.keys(next).every((k) => k === '');
      if (all || (re && r.regexp && unknownGroups(re, r.regexp.target).length > 0)) {
        throw new RewriteError(j, emptiedMessage(emptied, all, r, re));
      }
    }
    out = next;
  });
  return out;
}

/** A key conversion mapped two keys to one, ESO's error; nothing of the ExternalSecret is written. */
export class KeyCollisionError extends Error {}

/**
 * conversionStrategy: `Default` -> `_`, `Unicode` -> `_U%04x_` for every character outside
 * `[-._a-zA-Z0-9]`. ESO keeps non-ASCII letters and digits (Go's `unicode.IsLetter`), which the
 * apiserver then refuses; here they are converted too, so the Secret can be written.
 *
 * @throws {KeyCollisionError} `secret name collision during conversion: db_password`, as ESO
 */
export function convertKeys<V>(map: Record<string, V>, strategy: 'Default' | 'Unicode' | undefined): Record<string, V> {
  const out: Record<string, V> = {};
  for (const [k, v] of Object.entries(map)) {
    // Code points, as Go ranges over runes in a string.
    // eslint-disable-next-line @typescript-eslint/no-misused-spread
    const nk = [...k]
      .map((c) => (/[-._a-zA-Z0-9]/u.test(c) ? c : strategy === 'Unicode' ? `_U${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}_` : '_'))
      .join('');
    if (Object.hasOwn(out, nk)) throw new KeyCollisionError(`secret name collision during conversion: ${nk}`);
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

/**
 * decodingStrategy, as ESO's `runtime/decoding`: `Base64` is Go's `StdEncoding`, `Base64URL` its
 * `URLEncoding` (padding required, `\r`/`\n` skipped, nothing trimmed), `Auto` tries Base64, then
 * Base64URL, then keeps the raw value.
 *
 * @throws {Error} `decodingStrategy Base64: illegal base64 data at input byte 4` (Go's text)
 */
export function decodeValue(value: Buffer, strategy: 'None' | 'Base64' | 'Base64URL' | 'Auto' | undefined): Buffer {
  if (!strategy || strategy === 'None') return value;
  if (strategy === 'Auto') {
    for (const alphabet of ['std', 'url'] as const) {
      try {
        return goBase64Decode(value, alphabet);
      } catch {
        // not this encoding: try the next, then the raw value
      }
    }
    return value;
  }
  try {
    return goBase64Decode(value, strategy === 'Base64' ? 'std' : 'url');
  } catch (e) {
    throw new Error(`decodingStrategy ${strategy}: ${(e as Error).message}`, { cause: e });
  }
}
