/**
 * ESO's Sprig random functions and abbrev. Fixed outputs and errors: Go 1.26 text/template with
 * ESO v2.9.0's vendored Sprig FuncMap (a throwaway Go program; outputs pasted verbatim). Random
 * outputs are checked by alphabet and length, never by value.
 */
import { describe, expect, it } from 'vitest';
import { renderTemplate } from '../../../src/template/index.ts';

const render = (t: string): string => renderTemplate(t, {});

describe('random strings and bytes', () => {
  it.each([
    ['randAlphaNum', /^[A-Za-z0-9]{40}$/],
    ['randAlpha', /^[A-Za-z]{40}$/],
    ['randNumeric', /^[0-9]{40}$/],
    ['randAscii', /^[\x20-\x7e]{40}$/],
  ])('%s draws 40 characters from its alphabet', (fn, pattern) => {
    expect(render(`{{ ${fn} 40 }}`)).toMatch(pattern);
  });

  it('two draws differ (2^-238 chance of a false failure)', () => {
    expect(render('{{ randAlphaNum 40 }}')).not.toBe(render('{{ randAlphaNum 40 }}'));
  });

  it('randBytes is base64 of that many bytes; randInt stays in [min, max)', () => {
    expect(Buffer.from(render('{{ randBytes 33 }}'), 'base64')).toHaveLength(33);
    const n = Number(render('{{ randInt 5 8 }}'));
    expect(n >= 5 && n < 8).toBe(true);
  });

  it('shuffle keeps the runes', () => {
    expect(Array.from(render('{{ shuffle "aäb€c" }}')).sort()).toEqual(Array.from('aäb€c').sort());
  });

  it('matches Go on fixed cases', () => {
    // Go: he...|hello world|hello||||7
    expect(render('{{ abbrev 5 "hello world" }}|{{ abbrev 3 "hello world" }}|{{ abbrev 20 "hello" }}|{{ randAlpha 0 }}|{{ randAlpha -1 }}|{{ randBytes 0 }}|{{ len (randAscii 7) }}')).toBe('he...|hello world|hello||||7');
  });

  it.each([
    ['{{ randInt 5 5 }}', 'error calling randInt: invalid argument to Intn'],
    ['{{ randBytes -1 }}', 'error calling randBytes: runtime error: makeslice: len out of range'],
  ])('%s fails as Go does', (template, want) => {
    expect(() => render(template)).toThrow(want);
  });

  it('wrap and wrapWith break lines like goutils (Go output verbatim)', () => {
    expect(render("{{ wrap 10 \"the quick brown fox jumps over the lazy dog\" }}|{{ wrapWith 5 \"<br>\" \"supercalifragilistic is long\" }}|{{ wrap 5 \"supercalifragilistic is long\" }}|{{ wrap 0 \"a b\" }}|{{ wrap 3 \"  ab   cd  \" }}|{{ wrap 4 \"h\u00e9llo w\u00f6rld\" }}|{{ wrap 80 \"\" }}")).toBe("the quick\nbrown fox\njumps over\nthe lazy\ndog|super<br>calif<br>ragil<br>istic<br>is<br>long|supercalifragilistic\nis\nlong|a\nb|ab \ncd \n|h\u00e9llo\nw\u00f6rld|");
  });

  it('abbrevboth abbreviates on both sides like goutils (Go output verbatim)', () => {
    expect(render("{{ abbrevboth 5 10 \"1234 5678 9123 4567\" }}|{{ abbrevboth 0 4 \"abcdefg\" }}|{{ abbrevboth 3 6 \"abcdefghij\" }}|{{ abbrevboth 10 7 \"abcdefghijklmno\" }}|{{ abbrevboth 20 8 \"abcdefghijklmno\" }}|{{ abbrevboth 0 5 \"\" }}|{{ abbrevboth -3 10 \"abcdefghijklmnop\" }}|{{ abbrevboth 6 8 \"abcdefghijklmnopqrstuvwxyz\" }}")).toBe("...5678...|a...|abcdefghij|...k...|...klmno||abcdefg...|...gh...");
  });
});
