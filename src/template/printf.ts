/** Go's `fmt.Sprintf` over the template value model (the verbs templates use in practice). */
import { chargeBytes, charged, chargeSteps } from './budget.ts';
import { goStringFromBytes, goStringToBytes } from './go-bytes.ts';
import { goQuote } from './go-literals.ts';
import { formatFloat, formatNumber, formatValue, isMap, isNil, NO_VALUE, sortedKeys, typeName } from './values.ts';

/** Largest width or precision honoured, so `%999999999s` cannot exhaust memory. */
const MAX_WIDTH = 1 << 16;

interface Spec {
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  width: number | undefined;
  prec: number | undefined;
}

function pad(s: string, spec: Spec, numeric: boolean): string {
  const width = spec.width;
  if (width === undefined || s.length >= width * 2) return s; // wide enough whatever its characters
  const len = Array.from(s).length;
  if (len >= width) return s;
  const fill = width - len;
  chargeBytes(fill);
  if (spec.minus) return s + ' '.repeat(fill);
  if (spec.zero) {
    if (numeric && /^[+\- ]/.test(s)) return `${s.charAt(0)}${'0'.repeat(fill)}${s.slice(1)}`;
    return '0'.repeat(fill) + s;
  }
  return ' '.repeat(fill) + s;
}

function hasControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) return true;
  }
  return false;
}

function badVerb(verb: string, arg: unknown): string {
  if (arg === NO_VALUE || isNil(arg)) return `%!${verb}(<nil>)`;
  return `%!${verb}(${typeName(arg)}=${formatValue(arg)})`;
}

function sign(n: number | bigint, spec: Spec): string {
  if (n < 0) return '-';
  if (spec.plus) return '+';
  return spec.space ? ' ' : '';
}

function fmtInteger(n: number, verb: string, spec: Spec): string {
  const big = BigInt(n);
  const abs = big < 0n ? -big : big;
  let digits: string;
  let prefix = '';
  switch (verb) {
    case 'b':
      digits = abs.toString(2);
      if (spec.sharp) prefix = '0b';
      break;
    case 'o':
    case 'O':
      digits = abs.toString(8);
      if (verb === 'O') prefix = '0o';
      else if (spec.sharp) prefix = '0';
      break;
    case 'x':
    case 'X':
      digits = abs.toString(16);
      if (verb === 'X') digits = digits.toUpperCase();
      if (spec.sharp) prefix = verb === 'X' ? '0X' : '0x';
      break;
    case 'c':
      return pad(safeChar(n), spec, false);
    case 'q':
      return pad(`'${goQuote(safeChar(n)).slice(1, -1).replaceAll("'", "\\'").replaceAll('\\"', '"')}'`, spec, false);
    case 'U':
      return pad(`U+${abs.toString(16).toUpperCase().padStart(4, '0')}`, spec, false);
    default:
      digits = abs.toString(10);
  }
  if (spec.prec !== undefined) {
    if (spec.prec === 0 && abs === 0n) digits = '';
    digits = digits.padStart(Math.min(spec.prec, MAX_WIDTH), '0');
  }
  const body = sign(big, spec) + prefix + digits;
  if (spec.zero && !spec.minus && spec.prec === undefined && spec.width !== undefined) {
    const s = sign(big, spec) + prefix;
    return s + digits.padStart(Math.max(spec.width - s.length, 0), '0');
  }
  return pad(body, spec, true);
}

function safeChar(n: number): string {
  return n >= 0 && n <= 0x10ffff && !(n >= 0xd800 && n <= 0xdfff) ? String.fromCodePoint(n) : '\uFFFD';
}

function fmtFloat(n: number, verb: string, spec: Spec): string {
  let s: string;
  const prec = spec.prec ?? -1;
  switch (verb) {
    case 'e':
    case 'E':
    case 'f':
    case 'F':
      s = formatFloat(n, verb, spec.prec ?? 6);
      break;
    case 'g':
    case 'G':
      s = formatFloat(n, verb, prec);
      break;
    default:
      s = prec < 0 ? formatNumber(n) : formatFloat(n, 'g', prec);
  }
  if (!s.startsWith('-') && (spec.plus || spec.space) && !s.startsWith('+')) s = (spec.plus ? '+' : ' ') + s;
  if (spec.zero && !spec.minus && spec.width !== undefined && Number.isFinite(n)) {
    const signPart = /^[+\- ]/.test(s) ? s[0] ?? '' : '';
    const rest = s.slice(signPart.length);
    return signPart + rest.padStart(Math.max(spec.width - signPart.length, 0), '0');
  }
  return pad(s, spec, true);
}

function fmtString(s: string, verb: string, spec: Spec): string {
  let str = s;
  if (spec.prec !== undefined && verb !== 'x' && verb !== 'X') str = Array.from(str).slice(0, spec.prec).join('');
  switch (verb) {
    case 'v':
    case 's':
      return pad(str, spec, false);
    case 'q':
      if (spec.sharp && !str.includes('`') && !hasControl(str)) return pad(`\`${str}\``, spec, false);
      return pad(goQuote(str), spec, false);
    case 'x':
    case 'X': {
      let bytes = goStringToBytes(str);
      if (spec.prec !== undefined) bytes = bytes.subarray(0, spec.prec);
      const parts = [...bytes].map((b) => b.toString(16).padStart(2, '0'));
      const joined = spec.space ? parts.map((p) => (spec.sharp ? `0x${p}` : p)).join(' ') : (spec.sharp && parts.length ? '0x' : '') + parts.join('');
      return pad(verb === 'X' ? joined.toUpperCase() : joined, spec, false);
    }
    default:
      return badVerb(verb, s);
  }
}

/** One printed element of a list or map: a step, and its text charged (shared sub-lists print again). */
function element(s: string): string {
  chargeSteps(1);
  return charged(s);
}

/** Formats one operand with one verb, as Go's `printArg` does. */
function fmtArg(arg: unknown, verb: string, spec: Spec, depth = 0): string {
  if (verb === 'T') return pad(typeName(arg), spec, false);
  if (arg === NO_VALUE || isNil(arg)) return verb === 'v' ? pad('<nil>', spec, false) : badVerb(verb, arg);
  if (depth > 100) throw new RangeError('value nested too deeply to format');
  if (typeof arg === 'boolean') return verb === 'v' || verb === 't' ? pad(String(arg), spec, false) : badVerb(verb, arg);
  if (typeof arg === 'number') {
    if (Number.isInteger(arg) && Math.abs(arg) <= Number.MAX_SAFE_INTEGER * 1024) {
      if ('bcdoOqxXUv'.includes(verb)) return fmtInteger(arg, verb === 'v' ? 'd' : verb, spec);
      if ('eEfFgG'.includes(verb)) return fmtFloat(arg, verb, spec);
      return badVerb(verb, arg);
    }
    return 'eEfFgGv'.includes(verb) ? fmtFloat(arg, verb, spec) : badVerb(verb, arg);
  }
  if (typeof arg === 'string') {
    if (verb === 'v' && spec.sharp) return pad(goQuote(arg), spec, false);
    return fmtString(arg, verb, spec);
  }
  if (arg instanceof Uint8Array) {
    if ('sqxXv'.includes(verb) && verb !== 'v') return fmtString(goStringFromBytes(arg), verb, spec);
  }
  if (Array.isArray(arg) || arg instanceof Uint8Array) {
    const items = [...arg].map((x: unknown) => element(fmtArg(x, verb, { ...spec, width: undefined }, depth + 1)));
    return pad(`[${items.join(' ')}]`, spec, false);
  }
  if (isMap(arg)) {
    const inner: Spec = { ...spec, width: undefined };
    const items = sortedKeys(arg).map((k) => element(`${fmtArg(k, verb, inner, depth + 1)}:${fmtArg(arg[k], verb, inner, depth + 1)}`));
    return pad(`map[${items.join(' ')}]`, spec, false);
  }
  return verb === 'v' || verb === 's' ? pad(formatValue(arg), spec, false) : badVerb(verb, arg);
}

/** Go's `fmt.Sprintf(format, args...)`, including `%!verb(MISSING)` / `%!(EXTRA …)` diagnostics. */
export function sprintf(format: string, args: readonly unknown[]): string {
  let out = '';
  let argNum = 0;
  let reordered = false;
  let goodArgNum: boolean;
  const end = format.length;
  let i = 0;
  const parseNum = (): number | undefined => {
    const m = /^\d+/.exec(format.slice(i, i + 12));
    if (!m) return undefined;
    i += m[0].length;
    return Math.min(Number(m[0]), MAX_WIDTH);
  };
  const parseArgIndex = (): void => {
    if (format[i] !== '[') return;
    reordered = true;
    const close = format.indexOf(']', i);
    const n = close < 0 ? NaN : Number(format.slice(i + 1, close));
    if (close < 0 || !Number.isInteger(n) || n < 1 || n > args.length) {
      goodArgNum = false;
      i = close < 0 ? end : close + 1;
      return;
    }
    argNum = n - 1;
    i = close + 1;
  };
  const starArg = (): number | undefined => {
    const a = args[argNum];
    argNum++;
    return typeof a === 'number' && Number.isInteger(a) && Math.abs(a) <= MAX_WIDTH ? a : undefined;
  };
  while (i < end) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    const spec: Spec = { minus: false, plus: false, sharp: false, space: false, zero: false, width: undefined, prec: undefined };
    flags: for (; i < end; i++) {
      switch (format[i]) {
        case '#': spec.sharp = true; break;
        case '0': spec.zero = !spec.minus; break;
        case '+': spec.plus = true; break;
        case '-': spec.minus = true; spec.zero = false; break;
        case ' ': spec.space = true; break;
        default: break flags;
      }
    }
    goodArgNum = true;
    parseArgIndex();
    if (format[i] === '*') {
      i++;
      const w = starArg();
      if (w === undefined) out += '%!(BADWIDTH)';
      else if (w < 0) {
        spec.minus = true;
        spec.zero = false;
        spec.width = -w;
      } else spec.width = w;
    } else {
      spec.width = parseNum();
    }
    if (format[i] === '.') {
      i++;
      parseArgIndex();
      if (format[i] === '*') {
        i++;
        const p = starArg();
        if (p === undefined || p < 0) out += '%!(BADPREC)';
        else spec.prec = p;
      } else {
        spec.prec = parseNum() ?? 0;
      }
    }
    parseArgIndex();
    if (i >= end) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i) ?? 0);
    i += verb.length;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (!goodArgNum) {
      out += `%!${verb}(BADINDEX)`;
      continue;
    }
    if (argNum >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    const arg = args[argNum];
    argNum++;
    out += fmtArg(arg, verb, spec);
  }
  if (!reordered && argNum < args.length) {
    const extra = args.slice(argNum).map((a) => (a === NO_VALUE || isNil(a) ? '<nil>' : `${typeName(a)}=${formatValue(a)}`));
    out += `%!(EXTRA ${extra.join(', ')})`;
  }
  return out;
}
