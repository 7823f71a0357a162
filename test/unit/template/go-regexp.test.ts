import { describe, expect, it } from 'vitest';
import { compileGoRegexp, goReplaceAll, goSplit, hasDigitLedName } from '../../../src/template/go-regexp.ts';
import { renderTemplate } from '../../../src/template/index.ts';

// Every expected value below was printed by real Go 1.26.8 (a throwaway program under /tmp calling
// regexp.MatchString, FindString, FindAllString, ReplaceAllString, ReplaceAllLiteralString, Split
// and Compile on the same inputs). '\udcff' is this project's form of the invalid byte 0xff.
const THIRTY_ONE_A = 'a'.repeat(31);

describe('Go regexp on RE2 (linear time, Go syntax)', () => {
  it.each([
    ['catastrophic for a backtracker, 31 chars', '(a+)+$', `${THIRTY_ONE_A}!`, false],
    ['catastrophic for a backtracker, 10,000 chars', '(a+)+$', `${'a'.repeat(10_000)}!`, false],
    ['(?i) flag', '(?i)HELLO', 'say hello', true],
    ['\\pL is any Unicode letter', '^\\pL+$', 'héllo', true],
    ['[[:alpha:]] is ASCII only', '^[[:alpha:]]+$', 'héllo', false],
    ['[[:alpha:]] on ASCII', '^[[:alpha:]]+$', 'hello', true],
    ['\\z is the very end', 'a\\z', 'a\n', false],
    ['$ is the very end without (?m)', 'a$', 'a\n', false],
    ['(?m)$ is an end of line', '(?m)a$', 'a\nb', true],
    ['an invalid byte is one rune for .', '^.$', '\udcff', true],
    ['an invalid byte matches as U+FFFD', '^\\x{FFFD}$', '\udcff', true],
    ['an invalid byte is not a letter', '^\\pL$', '\udcff', false],
    ['\\Q…\\E quotes', '\\QA.B\\E', 'xA.By', true],
    ['\\Q…\\E quotes the dot', '\\QA.B\\E', 'xAzBy', false],
  ])('matches: %s', (_name, re, s, want) => {
    expect(compileGoRegexp(re).test(s)).toBe(want);
  });

  it.each([
    ['(?U) makes repeats lazy', '(?U)a+', 'aaa', 1, ['a']],
    ['leftmost-first alternation', 'a+?b|a+', 'aaab', 1, ['aaab']],
    ['empty matches next to a match are skipped', 'a*', 'baaac', -1, ['', 'aaa', '']],
    ['runes, not UTF-16 units', '.', 'x\udcff😀y', -1, ['x', '\udcff', '😀', 'y']],
    ['at most n', '\\d', '1a2b3', 2, ['1', '2']],
    ['negated POSIX class', '[[:^digit:]]+', 'ab12cd', -1, ['ab', 'cd']],
  ])('finds: %s', (_name, re, s, n, want) => {
    expect(compileGoRegexp(re).findAll(s, n).map((m) => m[0])).toEqual(want);
  });

  it.each([
    ['(?P<name>) groups by name', '(?P<first>\\w+) (?P<last>\\w+)', 'Ada Lovelace', '${last}, $first', 'Lovelace, Ada'],
    ['$1_MONITOR is the group named 1_MONITOR', '(\\w+)', 'db', '$1_MONITOR', ''],
    ['${1}_MONITOR is group 1', '(\\w+)', 'db', '${1}_MONITOR', 'db_MONITOR'],
    ['a group may be named 1_MONITOR', '(?P<1_MONITOR>\\w+)', 'db', '$1_MONITOR', 'db'],
    ['$$ is a dollar', 'a', 'banana', '$$', 'b$n$n$'],
    ['a lone $ stays', 'a', 'banana', '$', 'b$n$n$'],
    ['an unclosed ${ stays', 'a', 'banana', '${', 'b${n${n${'],
    ['an unclosed ${1 stays', '(a)', 'banana', '${1', 'b${1n${1n${1'],
    ['an unknown name is empty', '(a)', 'banana', '$2x', 'bnn'],
    ['empty matches everywhere', 'x*', 'abc', '-', '-a-b-c-'],
    ['empty alternative after a match', 'a|', 'banana', '-', '-b-n-n-'],
  ])('replaces: %s', (_name, re, s, repl, want) => {
    expect(goReplaceAll(compileGoRegexp(re), s, repl, false)).toBe(want);
  });

  it('replaces literally with regexReplaceAllLiteral', () => {
    expect(goReplaceAll(compileGoRegexp('(a)'), 'banana', '$1', true)).toBe('b$1n$1n$1');
    expect(renderTemplate('{{ regexReplaceAllLiteral "(a)" "banana" "$1" }}', {})).toBe('b$1n$1n$1');
  });

  it.each([
    [',', 'a,b,c', -1, ['a', 'b', 'c']],
    [',', 'a,b,c', 2, ['a', 'b,c']],
    ['x*', 'abc', -1, ['a', 'b', 'c']],
    [',', '', -1, ['']],
    ['a', 'banana', 0, []],
  ])('splits %s over %j (n=%i)', (re, s, n, want) => {
    expect(goSplit(compileGoRegexp(re), s, n)).toEqual(want);
  });

  it.each([
    ['(?<=a)b', 'error parsing regexp: invalid named capture: `(?<=a)b`'],
    ['(?<!a)b', 'error parsing regexp: invalid named capture: `(?<!a)b`'],
    ['(?=a)', 'error parsing regexp: invalid or unsupported Perl syntax: `(?=`'],
    ['(?!a)', 'error parsing regexp: invalid or unsupported Perl syntax: `(?!`'],
    ['(a)\\1', 'error parsing regexp: invalid escape sequence: `\\1`'],
    ['(?P=n)', 'error parsing regexp: invalid or unsupported Perl syntax: `(?P`'],
    ['[a', 'error parsing regexp: missing closing ]: `[a`'],
    ['a)', 'error parsing regexp: unexpected ): `a)`'],
    ['a**', 'error parsing regexp: invalid nested repetition operator: `**`'],
    ['a{1001}', 'error parsing regexp: invalid repeat count: `{1001}`'],
    ['\\C', 'error parsing regexp: invalid escape sequence: `\\C`'],
    ['\\pX', 'error parsing regexp: invalid character class range: `\\pX`'],
    ['[[:foo:]]', 'error parsing regexp: invalid character class range: `[:foo:]`'],
    ['x\\', 'error parsing regexp: trailing backslash at end of expression: ``'],
    ['\\u0041', 'error parsing regexp: invalid escape sequence: `\\u`'],
    ['(?x)a b', 'error parsing regexp: invalid or unsupported Perl syntax: `(?x`'],
  ])('rejects %s with Go\'s error', (re, want) => {
    expect(() => compileGoRegexp(re)).toThrow(want);
  });

  it('answers the template function on the issue\'s catastrophic input', () => {
    expect(renderTemplate(`{{ regexMatch "(a+)+$" "${THIRTY_ONE_A}!" }}`, {})).toBe('false');
    expect(renderTemplate(`{{ regexMatch "(a+)+$" "${'a'.repeat(10_000)}" }}`, {})).toBe('true');
  });

  it.each([
    ['$1_MONITOR', true],
    ['$2x', true],
    ['${1}_MONITOR', false],
    ['$1', false],
    ['$$1_x', false],
    ['$name', false],
  ])('flags %s as a likely ${1} mistake: %s', (template, want) => {
    expect(hasDigitLedName(template)).toBe(want);
  });
});
