/** Sprig string and regular-expression functions. */
import { chargeBytes, TemplateBudgetError } from './budget.ts';
import { checkSize, fixed, variadic, type FuncMap } from './func-spec.ts';
import { rewriteFlat } from './flat-escape.ts';
import { goByteLength, goByteSlice, goStringAsText } from './go-bytes.ts';
import { compileGoRegexp, findAll, goSplit, quoteMeta, goReplaceAll } from './go-regexp.ts';
import { goQuote } from './go-literals.ts';
import { newMap, setKey, strval } from './sprig-convert.ts';
import { isNil, NO_VALUE } from './values.ts';

const GO_SPACE = '\\t\\n\\v\\f\\r \\u0085\\u00A0\\p{Z}';
const LEADING_SPACE = new RegExp(`^[${GO_SPACE}]+`, 'u');
const TRAILING_SPACE = new RegExp(`[${GO_SPACE}]+$`, 'u');
const ANY_SPACE = new RegExp(`[${GO_SPACE}]`, 'gu');

function trimSpace(s: string): string {
  return s.replace(LEADING_SPACE, '').replace(TRAILING_SPACE, '');
}

function trimCutset(s: string, cutset: string): string {
  const set = new Set(Array.from(cutset));
  // Code point by code point from both ends (UTF-16 indexes), without splitting the whole string.
  let a = 0;
  let b = s.length;
  while (a < b) {
    const c = String.fromCodePoint(s.codePointAt(a) ?? 0);
    if (!set.has(c)) break;
    a += c.length;
  }
  while (b > a) {
    const low = s.charCodeAt(b - 1);
    const size = low >= 0xdc00 && low <= 0xdfff && b - 2 >= a && s.charCodeAt(b - 2) >= 0xd800 && s.charCodeAt(b - 2) <= 0xdbff ? 2 : 1;
    if (!set.has(s.slice(b - size, b))) break;
    b -= size;
  }
  return s.slice(a, b);
}

/** Go's deprecated `strings.Title`: upper-cases the first letter of each word. */
/** Go's isSeparator: ASCII other than letters, digits and '_'; elsewhere Unicode spaces. */
function isSeparator(code: number): boolean {
  if (code < 0x80) return !((code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || code === 0x5f);
  const c = String.fromCodePoint(code);
  return !/[\p{L}\p{N}]/u.test(c) && /[\p{Z}\s]/u.test(c);
}

/** Changes the case of the character after `after` (and the first), keeping the rest. */
function caseAfter(s: string, after: (code: number) => boolean, change: (c: string) => string): string {
  // ASCII answers computed once: most characters of most values are ASCII.
  const ascii = Array.from({ length: 128 }, (_, code) => after(code));
  return rewriteFlat(s, () => {
    let prev = 0x20;
    return (code) => {
      const at = prev < 0x80 ? ascii[prev] : after(prev);
      prev = code;
      if (!at) return undefined;
      const c = String.fromCodePoint(code);
      const changed = change(c);
      // Go maps one rune to one rune (ToUpper('ß') is 'ß'); JavaScript may expand ('SS').
      return changed === c || changed.length !== c.length ? undefined : changed;
    };
  });
}

function title(s: string): string {
  return caseAfter(s, isSeparator, (c) => c.toUpperCase());
}

function untitle(s: string): string {
  return caseAfter(s, (code) => /\s/u.test(String.fromCodePoint(code)), (c) => c.toLowerCase());
}

/** Occurrences of `sep` in `s` (`sep === ''`: one per character), counted without allocating. */
function occurrences(s: string, sep: string): number {
  if (sep === '') return s.length;
  let n = 0;
  for (let i = s.indexOf(sep); i >= 0; i = s.indexOf(sep, i + sep.length)) n++;
  return n;
}

/** Charges the list a split is about to build (8 per element) before it is built. */
function chargeSplit(s: string, sep: string): void {
  chargeBytes(8 * (occurrences(s, sep) + 1));
}

function replaceAll(old: string, repl: string, src: string): string {
  chargeSplit(src, old);
  const parts = old === '' ? ['', ...Array.from(src), ...(src === '' ? [] : [''])] : src.split(old);
  return checkSize(joinCharged(parts, repl));
}

/** `parts.join(sep)`, its size charged to the budget before it is built. */
function joinCharged(parts: readonly string[], sep: string): string {
  let size = sep.length * Math.max(parts.length - 1, 0);
  for (const p of parts) size += p.length;
  chargeBytes(size);
  return parts.join(sep);
}

function byteSlice(s: string, start: number, end?: number): string {
  const len = goByteLength(s);
  const e = end ?? len;
  if (start < 0 || e > len || start > e) throw new Error(`runtime error: slice bounds out of range [${start}:${e}] with length ${len}`);
  return goByteSlice(s, start, e);
}

function substr(start: number, end: number, s: string): string {
  if (start < 0) return byteSlice(s, 0, end);
  const len = goByteLength(s);
  if (end < 0 || end > len) return byteSlice(s, start);
  return byteSlice(s, start, end);
}

function trunc(c: number, s: string): string {
  const len = goByteLength(s);
  if (c < 0 && len + c > 0) return byteSlice(s, len + c);
  if (c >= 0 && len > c) return byteSlice(s, 0, c);
  return s;
}

function repeat(count: number, s: string): string {
  if (count < 0) throw new Error('strings: negative Repeat count');
  chargeBytes(count * s.length); // before building: `repeat 1000000000 "x"` fails here
  return checkSize(s.repeat(count));
}

function indent(spaces: number, v: string): string {
  if (spaces < 0) throw new Error('strings: negative Repeat count');
  const pad = ' '.repeat(Math.min(spaces, 1 << 16));
  return checkSize(pad + joinCharged(v.split('\n'), `\n${pad}`));
}

function splitMap(parts: string[]): Record<string, string> {
  const m = newMap();
  parts.forEach((p, i) => {
    setKey(m, `_${i}`, p);
  });
  return m as Record<string, string>;
}

function goStringsSplit(s: string, sep: string, n = -1): string[] {
  if (n === 0) return [];
  chargeSplit(s, sep);
  if (sep === '') {
    const chars = Array.from(s);
    if (n < 0 || n >= chars.length) return chars;
    return [...chars.slice(0, n - 1), chars.slice(n - 1).join('')];
  }
  const parts = s.split(sep);
  if (n < 0 || n >= parts.length) return parts;
  return [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
}

function nonNil(args: unknown[]): unknown[] {
  return args.filter((a) => a !== NO_VALUE && !isNil(a));
}

function strslice(v: unknown): string[] {
  if (Array.isArray(v)) return nonNil(v).map(strval);
  if (v === NO_VALUE || isNil(v)) return [];
  return [strval(v)];
}

const regexFindAll = (re: string, s: string, n: number): string[] => findAll(compileGoRegexp(re), s, n).map((m) => m[0]);
const regexFind = (re: string, s: string): string => findAll(compileGoRegexp(re), s, 1)[0]?.[0] ?? '';
const regexReplace = (re: string, s: string, repl: string, literal: boolean): string =>
  goReplaceAll(compileGoRegexp(re), s, repl, literal, checkSize);
const regexMatch = (re: string, s: string): boolean => {
  const r = compileGoRegexp(re);
  r.lastIndex = 0;
  const ok = r.test(s);
  r.lastIndex = 0;
  return ok;
};

export const SPRIG_STRINGS: FuncMap = {
  // Go's case mappings write a byte that is not UTF-8 as U+FFFD (strings.Map).
  upper: fixed(['string'], (s: string) => goStringAsText(s).toUpperCase()),
  lower: fixed(['string'], (s: string) => goStringAsText(s).toLowerCase()),
  title: fixed(['string'], (s: string) => title(goStringAsText(s))),
  untitle: fixed(['string'], (s: string) => untitle(goStringAsText(s))),
  trim: fixed(['string'], trimSpace),
  trimAll: fixed(['string', 'string'], (cut: string, s: string) => trimCutset(s, cut)),
  trimPrefix: fixed(['string', 'string'], (p: string, s: string) => (s.startsWith(p) ? s.slice(p.length) : s)),
  trimSuffix: fixed(['string', 'string'], (p: string, s: string) => (p !== '' && s.endsWith(p) ? s.slice(0, -p.length) : s)),
  replace: fixed(['string', 'string', 'string'], replaceAll),
  repeat: fixed(['int', 'string'], repeat),
  substr: fixed(['int', 'int', 'string'], substr),
  trunc: fixed(['int', 'string'], trunc),
  nospace: fixed(['string'], (s: string) => s.replace(ANY_SPACE, '')),
  indent: fixed(['int', 'string'], indent),
  nindent: fixed(['int', 'string'], (n: number, s: string) => `\n${indent(n, s)}`),
  quote: variadic([], 'any', (...a: unknown[]) => joinCharged(nonNil(a).map((x) => goQuote(strval(x))), ' ')),
  squote: variadic([], 'any', (...a: unknown[]) => joinCharged(nonNil(a).map((x) => `'${strval(x)}'`), ' ')),
  cat: variadic([], 'any', (...a: unknown[]) => joinCharged(nonNil(a).map(strval), ' ')),
  contains: fixed(['string', 'string'], (sub: string, s: string) => s.includes(sub)),
  hasPrefix: fixed(['string', 'string'], (p: string, s: string) => s.startsWith(p)),
  hasSuffix: fixed(['string', 'string'], (p: string, s: string) => s.endsWith(p)),
  split: fixed(['string', 'string'], (sep: string, s: string) => splitMap(goStringsSplit(s, sep))),
  splitn: fixed(['string', 'int', 'string'], (sep: string, n: number, s: string) => splitMap(goStringsSplit(s, sep, n))),
  splitList: fixed(['string', 'string'], (sep: string, s: string) => goStringsSplit(s, sep)),
  join: fixed(['string', 'any'], (sep: string, v: unknown) => checkSize(joinCharged(strslice(v), sep))),
  toString: fixed(['any'], strval),
  toStrings: fixed(['any'], strslice),
  regexMatch: fixed(['string', 'string'], (re: string, s: string) => {
    try {
      return regexMatch(re, s);
    } catch (err) {
      if (err instanceof TemplateBudgetError) throw err;
      return false;
    }
  }),
  mustRegexMatch: fixed(['string', 'string'], regexMatch),
  regexFind: fixed(['string', 'string'], regexFind),
  mustRegexFind: fixed(['string', 'string'], regexFind),
  regexFindAll: fixed(['string', 'string', 'int'], regexFindAll),
  mustRegexFindAll: fixed(['string', 'string', 'int'], regexFindAll),
  regexReplaceAll: fixed(['string', 'string', 'string'], (re: string, s: string, r: string) => regexReplace(re, s, r, false)),
  mustRegexReplaceAll: fixed(['string', 'string', 'string'], (re: string, s: string, r: string) => regexReplace(re, s, r, false)),
  regexReplaceAllLiteral: fixed(['string', 'string', 'string'], (re: string, s: string, r: string) => regexReplace(re, s, r, true)),
  mustRegexReplaceAllLiteral: fixed(['string', 'string', 'string'], (re: string, s: string, r: string) => regexReplace(re, s, r, true)),
  regexSplit: fixed(['string', 'string', 'int'], (re: string, s: string, n: number) => goSplit(compileGoRegexp(re), s, n)),
  mustRegexSplit: fixed(['string', 'string', 'int'], (re: string, s: string, n: number) => goSplit(compileGoRegexp(re), s, n)),
  regexQuoteMeta: fixed(['string'], quoteMeta),
};
