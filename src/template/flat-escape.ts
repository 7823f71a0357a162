/**
 * Character-by-character rewriting (quoting, escaping, case changes at word starts) that builds its
 * result in one buffer, sized and charged to the running budget first. A `+=` per character builds
 * a rope of one node per character, and a regular-expression replace with a callback keeps one part
 * per match: both cost tens of bytes per character of a multi-MiB value.
 */
import { chargeBytes } from './budget.ts';

/** Returns the replacement of a code point, or undefined to keep it. */
export type Rewrite = (codePoint: number) => string | undefined;

/**
 * `s` with every code point passed through a rewrite. The string is walked twice (sizing, then
 * writing), each time with a fresh rewrite from `make`, so a rewrite may keep state (the previous
 * character, say). Returns `s` itself when nothing changes.
 *
 * @example
 * ```ts
 * rewriteFlat('a"b', () => (c) => (c === 0x22 ? '\\"' : undefined)); // 'a\\"b'
 * ```
 */
export function rewriteFlat(s: string, make: () => Rewrite): string {
  let size = 0;
  let changed = false;
  forEachCodePoint(s, make(), (_cp, units, replacement) => {
    if (replacement === undefined) size += units;
    else {
      size += replacement.length;
      changed = true;
    }
  });
  if (!changed) return s;
  chargeBytes(size);
  const out = new Uint16Array(size);
  let n = 0;
  forEachCodePoint(s, make(), (cp, units, replacement) => {
    if (replacement === undefined) {
      if (units === 2) {
        out[n++] = 0xd800 + ((cp - 0x10000) >> 10);
        out[n++] = 0xdc00 + ((cp - 0x10000) & 0x3ff);
      } else out[n++] = cp;
    } else {
      for (let k = 0; k < replacement.length; k++) out[n++] = replacement.charCodeAt(k);
    }
  });
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength).toString('utf16le');
}

function forEachCodePoint(s: string, rewrite: Rewrite, visit: (cp: number, units: number, replacement: string | undefined) => void): void {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const next = s.charCodeAt(i + 1);
    if (c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      const cp = ((c - 0xd800) << 10) + (next - 0xdc00) + 0x10000;
      visit(cp, 2, rewrite(cp));
      i++;
    } else {
      visit(c, 1, rewrite(c));
    }
  }
}
