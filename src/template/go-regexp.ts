/**
 * Go RE2 regular expressions on top of JS RegExp: translates Go-only syntax (`(?P<n>`, leading
 * `(?i)` flags, `\A`, `\z`, `\Q…\E`, `\pL`, POSIX classes) and rejects what RE2 does not accept
 * (look-around, back-references), with Go's error wording.
 */

const POSIX: Readonly<Record<string, string>> = {
  alnum: '0-9A-Za-z', alpha: 'A-Za-z', ascii: '\\x00-\\x7F', blank: '\\t ', cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9', graph: '!-~', lower: 'a-z', print: ' -~', punct: '!-\\/:-@\\[-`\\{-~',
  space: '\\t\\n\\v\\f\\r ', upper: 'A-Z', word: '0-9A-Za-z_', xdigit: '0-9A-Fa-f',
};

const JS_SYNTAX = new Set(Array.from('^$\\.*+?()[]{}|/'));

function parseError(msg: string, frag: string): Error {
  return new Error(`error parsing regexp: ${msg}: \`${frag}\``);
}

function propertyEscape(neg: boolean, name: string): string {
  const inner = /^[A-Z][a-z]?$/.test(name) ? name : `Script=${name}`;
  return `\\${neg ? 'P' : 'p'}{${inner}}`;
}

/** Translates Go regexp source to a JS source plus flags. */
export function translateGoRegexp(src: string): { source: string; flags: string } {
  let flags = 'u';
  let i = 0;
  const lead = /^\(\?([imsU]+)\)/.exec(src);
  if (lead) {
    const f = lead[1] ?? '';
    if (f.includes('U')) throw parseError('invalid or unsupported Perl syntax', '(?U');
    for (const c of f) if (!flags.includes(c)) flags += c;
    i = lead[0].length;
  }
  let out = '';
  let inClass = false;
  while (i < src.length) {
    const c = src[i] as string;
    if (c === '\\') {
      const n = src[i + 1];
      if (n === undefined) throw parseError('trailing backslash at end of expression', '');
      if (n === 'Q') {
        const end = src.indexOf('\\E', i + 2);
        const lit = src.slice(i + 2, end < 0 ? src.length : end);
        out += Array.from(lit).map((ch) => (JS_SYNTAX.has(ch) || ch === '-' ? `\\${ch}` : ch)).join('');
        i = end < 0 ? src.length : end + 2;
        continue;
      }
      if (n === 'A' && !inClass) { out += '(?<![\\s\\S])'; i += 2; continue; }
      if (n === 'z' && !inClass) { out += '(?![\\s\\S])'; i += 2; continue; }
      if (n === 'a') { out += '\\x07'; i += 2; continue; }
      if (n === 'p' || n === 'P') {
        if (src[i + 2] === '{') {
          const end = src.indexOf('}', i + 3);
          if (end < 0) throw parseError('invalid character class range', src.slice(i));
          let name = src.slice(i + 3, end);
          let neg = n === 'P';
          if (name.startsWith('^')) { neg = !neg; name = name.slice(1); }
          out += propertyEscape(neg, name);
          i = end + 1;
        } else {
          const name = src[i + 2];
          if (name === undefined) throw parseError('invalid character class range', src.slice(i));
          out += propertyEscape(n === 'P', name);
          i += 3;
        }
        continue;
      }
      if (n === 'x' && src[i + 2] === '{') {
        const end = src.indexOf('}', i + 3);
        if (end < 0) throw parseError('invalid escape sequence', src.slice(i));
        out += `\\u{${src.slice(i + 3, end)}}`;
        i = end + 1;
        continue;
      }
      if (/[1-9]/.test(n)) throw parseError('invalid escape sequence', `\\${n}`);
      if (/[A-Za-z0-9]/.test(n)) {
        if (!/[dDsSwWbBtnrfvx0]/.test(n)) throw parseError('invalid escape sequence', `\\${n}`);
        out += `\\${n}`;
        i += 2;
        continue;
      }
      // Escaped punctuation: keep the escape only where JS's unicode mode allows it.
      if (JS_SYNTAX.has(n) || (n === '-' && inClass)) out += `\\${n}`;
      else out += n;
      i += 2;
      continue;
    }
    if (inClass) {
      if (c === '[' && src[i + 1] === ':') {
        const end = src.indexOf(':]', i + 2);
        const name = end < 0 ? '' : src.slice(i + 2, end);
        const set = Object.hasOwn(POSIX, name) ? POSIX[name] : undefined;
        if (set === undefined) {
          if (name.startsWith('^')) throw parseError('invalid character class range', `[:${name}:]`);
          out += '\\[';
          i++;
          continue;
        }
        out += set;
        i = end + 2;
        continue;
      }
      if (c === '[') { out += '\\['; i++; continue; }
      if (c === ']') inClass = false;
      out += c;
      i++;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      i++;
      if (src[i] === '^') { out += '^'; i++; }
      if (src[i] === ']') { out += '\\]'; i++; }
      continue;
    }
    if (c === '(' && src[i + 1] === '?') {
      const rest = src.slice(i);
      const named = /^\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(rest);
      if (named) { out += `(?<${named[1]}>`; i += named[0].length; continue; }
      if (rest.startsWith('(?:')) { out += '(?:'; i += 3; continue; }
      const mod = /^\(\?([ims]+)(-[ims]+)?:/.exec(rest);
      if (mod) { out += mod[0]; i += mod[0].length; continue; }
      throw parseError('invalid or unsupported Perl syntax', rest.slice(0, 3));
    }
    if (c === '{') {
      const rep = /^\{\d+(,\d*)?\}/.exec(src.slice(i));
      if (rep && out.length > 0) { out += rep[0]; i += rep[0].length; continue; }
      out += '\\{';
      i++;
      continue;
    }
    if (c === '}' || c === ']') { out += `\\${c}`; i++; continue; }
    out += c;
    i++;
  }
  if (inClass) throw parseError('missing closing ]', src);
  return { source: out, flags };
}

const cache = new Map<string, RegExp>();

/** Compiles a Go regexp (cached); throws `error parsing regexp: …` on bad or unsupported syntax. */
export function compileGoRegexp(src: string): RegExp {
  const hit = cache.get(src);
  if (hit) return hit;
  const { source, flags } = translateGoRegexp(src);
  let re: RegExp;
  try {
    re = new RegExp(source, `${flags}g`);
  } catch (err) {
    throw new Error(`error parsing regexp: ${(err as Error).message}`, { cause: err });
  }
  if (cache.size > 256) cache.clear();
  cache.set(src, re);
  return re;
}

/** Go's FindAll: up to `n` matches (all when n < 0); empty matches abutting a previous match are skipped. */
export function findAll(re: RegExp, s: string, n: number): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  if (n === 0) return out;
  re.lastIndex = 0;
  let prevEnd = -1;
  while (n < 0 || out.length < n) {
    if (re.lastIndex > s.length) break;
    const m = re.exec(s);
    if (!m) break;
    const end = m.index + m[0].length;
    if (m[0].length === 0) {
      const cp = s.codePointAt(m.index);
      re.lastIndex = m.index + (cp !== undefined && cp > 0xffff ? 2 : 1);
      if (m.index === prevEnd) continue;
    }
    out.push(m);
    prevEnd = end;
  }
  re.lastIndex = 0;
  return out;
}

/** Go's `Regexp.Expand` template syntax: `$1`, `$name`, `${name}`, `$$`. */
export function expand(template: string, m: RegExpExecArray): string {
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
    if (/^\d+$/.test(name)) out += m[Number(name)] ?? '';
    else out += m.groups?.[name] ?? '';
  }
  return out;
}

/** Go's `ReplaceAllString` (`$1`, `${name}` expanded) or `ReplaceAllLiteralString`. */
export function goReplaceAll(re: RegExp, s: string, repl: string, literal: boolean, check: (out: string) => void = () => undefined): string {
  let out = '';
  let last = 0;
  for (const m of findAll(re, s, -1)) {
    out += s.slice(last, m.index) + (literal ? repl : expand(repl, m));
    last = m.index + m[0].length;
    check(out);
  }
  return out + s.slice(last);
}

/** Go's `Regexp.Split`. */
export function goSplit(re: RegExp, s: string, n: number): string[] {
  if (n === 0) return [];
  if (re.source.length > 0 && s.length === 0) return [''];
  const matches = findAll(re, s, n);
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
