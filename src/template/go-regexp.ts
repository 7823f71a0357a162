/**
 * Go's `regexp` package for template functions and `rewrite[].regexp`, on re2js (a port of RE2):
 * Go's syntax and error texts, and matching in time linear in the input, so a pattern such as
 * `(a+)+$` cannot freeze the run on input an endpoint controls. Strings are Go strings in the
 * surrogate-escaped form of `go-bytes.ts`; an invalid byte matches as U+FFFD, as in Go.
 */
import { RE2JS, RE2JSSyntaxException } from 're2js';

/** The slice of re2js's internal RE2 object used here: Go's `FindAllStringSubmatchIndex`. */
interface Re2Engine {
  findAllSubmatchIndex(s: string, n: number): number[][] | null;
}

/**
 * One match: `[0]` is the matched text, `[i]` group i (`undefined` when it did not take part),
 * `index` where it starts in the input (UTF-16 units).
 */
export type GoMatch = [string, ...(string | undefined)[]] & { index: number };

/**
 * A compiled Go regular expression. Matching is stateless; `lastIndex` is only kept so callers
 * written for a global `RegExp` keep working.
 */
export class GoRegexp {
  /** The Go source of the expression. */
  readonly source: string;
  /** Unused: matching never depends on it. */
  lastIndex = 0;
  readonly #pattern: RE2JS;
  readonly #engine: Re2Engine;
  readonly #names: readonly (string | undefined)[];

  constructor(source: string) {
    this.source = source;
    try {
      this.#pattern = RE2JS.compile(source);
    } catch (err) {
      // Go's wording: `error parsing regexp: <code>: \`<fragment>\``, the fragment even when empty.
      const msg = err instanceof RE2JSSyntaxException
        ? `error parsing regexp: ${err.getDescription()}: \`${err.getPattern() ?? ''}\``
        : `error parsing regexp: ${(err as Error).message}`;
      throw new Error(msg, { cause: err });
    }
    this.#engine = this.#pattern.re2();
    const names: (string | undefined)[] = [];
    for (const [name, i] of Object.entries(this.#pattern.namedGroups())) if (names[i] === undefined) names[i] = name;
    this.#names = names;
  }

  /** Go's `MatchString` (unanchored). */
  test(s: string): boolean {
    return this.#pattern.test(s.toWellFormed());
  }

  /** Go's `FindAllStringSubmatch` with positions: up to `n` matches, all when n < 0. */
  findAll(s: string, n: number): GoMatch[] {
    if (n === 0) return [];
    // toWellFormed maps each lone surrogate (an invalid byte) to U+FFFD, one unit for one unit,
    // so positions found in the copy are positions in `s`.
    const found = this.#engine.findAllSubmatchIndex(s.toWellFormed(), n) ?? [];
    return found.map((idx) => {
      const parts: (string | undefined)[] = [];
      for (let g = 0; g < idx.length; g += 2) {
        const a = idx[g] ?? -1;
        parts.push(a < 0 ? undefined : s.slice(a, idx[g + 1]));
      }
      return Object.assign(parts as GoMatch, { index: idx[0] ?? 0 });
    });
  }

  /** The group number of the first group called `name`, or -1. */
  groupIndex(name: string): number {
    return this.#names.indexOf(name);
  }
}

const cache = new Map<string, GoRegexp>();

/**
 * Compiles a Go regexp (cached); throws Go's `error parsing regexp: …` on bad syntax, including
 * what RE2 does not do (look-around, back-references).
 *
 * @example
 * ```ts
 * compileGoRegexp('(?P<user>\\w+)@').test('ada@example.com'); // true
 * compileGoRegexp('(?<=a)b'); // throws error parsing regexp: invalid named capture: `(?<=a)b`
 * ```
 */
export function compileGoRegexp(src: string): GoRegexp {
  const hit = cache.get(src);
  if (hit) return hit;
  const re = new GoRegexp(src);
  if (cache.size > 256) cache.clear();
  cache.set(src, re);
  return re;
}

/** Go's FindAll: up to `n` matches (all when n < 0); empty matches abutting a previous match are skipped. */
export function findAll(re: GoRegexp, s: string, n: number): GoMatch[] {
  return re.findAll(s, n);
}

/** Go's `extract` for a `$` reference: a group number (no leading zero) or -1 for a name. */
function groupNumber(name: string): number {
  if (!/^\d+$/.test(name) || (name.length > 1 && name.startsWith('0')) || name.length > 8) return -1;
  return Number(name);
}

/**
 * Go's `Regexp.Expand` template syntax: `$name` takes the longest run of `[A-Za-z0-9_]` (so
 * `$1_MONITOR` is the group named `1_MONITOR`), `${1}` is group 1, `$$` is `$`; an unknown group is
 * empty and a `$` that starts no reference stays as it is.
 */
export function expand(template: string, m: GoMatch, re?: GoRegexp): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const d = template.indexOf('$', i);
    if (d < 0) { out += template.slice(i); break; }
    out += template.slice(i, d);
    i = d + 1;
    if (template[i] === '$') { out += '$'; i++; continue; }
    let name: string | undefined;
    if (template[i] === '{') {
      const end = template.indexOf('}', i);
      const inner = end < 0 ? '' : template.slice(i + 1, end);
      if (/^[A-Za-z0-9_]+$/.test(inner)) { name = inner; i = end + 1; }
    } else {
      const w = /^[A-Za-z0-9_]+/.exec(template.slice(i));
      if (w) { name = w[0]; i += w[0].length; }
    }
    if (name === undefined) { out += '$'; continue; }
    const num = groupNumber(name);
    const g = num >= 0 ? num : (re?.groupIndex(name) ?? -1);
    out += g >= 0 ? (m[g] ?? '') : '';
  }
  return out;
}

/**
 * True when a Go replacement template refers to a name that starts with a digit but is not a
 * number (`$1_MONITOR`, `$2x`): almost always meant as `${1}_MONITOR`.
 */
export function hasDigitLedName(template: string): boolean {
  for (const [, ref] of template.matchAll(/\$(\$|[A-Za-z0-9_]*)/g)) {
    if (ref !== undefined && /^[0-9]/.test(ref) && !/^[0-9]+$/.test(ref)) return true;
  }
  return false;
}

/** Go's `ReplaceAllString` (`$1`, `${name}` expanded) or `ReplaceAllLiteralString`. */
export function goReplaceAll(re: GoRegexp, s: string, repl: string, literal: boolean, check: (out: string) => void = () => undefined): string {
  let out = '';
  let last = 0;
  for (const m of re.findAll(s, -1)) {
    out += s.slice(last, m.index) + (literal ? repl : expand(repl, m, re));
    last = m.index + m[0].length;
    check(out);
  }
  return out + s.slice(last);
}

/** Go's `Regexp.Split`. */
export function goSplit(re: GoRegexp, s: string, n: number): string[] {
  if (n === 0) return [];
  if (re.source.length > 0 && s.length === 0) return [''];
  const matches = re.findAll(s, n);
  const out: string[] = [];
  let beg = 0;
  let end = 0;
  for (const m of matches) {
    if (n > 0 && out.length === n - 1) break;
    end = m.index;
    if (m.index + m[0].length !== 0) out.push(s.slice(beg, end));
    beg = m.index + m[0].length;
  }
  if (end !== s.length) out.push(s.slice(beg));
  return out;
}

/** Go's `regexp.QuoteMeta`. */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}
