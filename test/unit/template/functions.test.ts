import { describe, expect, it } from 'vitest';
import { renderTemplate } from '../../../src/template/index.ts';

describe('text/template builtins', () => {
  it.each([
    ['and returns the first falsy operand', '{{ and 1 0 2 }}', {}, '0'],
    ['or returns the first truthy operand', '{{ or 0 "" "x" }}', {}, 'x'],
    ['and short-circuits before a failing call', '{{ and false (fail "never") }}', {}, 'false'],
    ['not negates truthiness', '{{ not 0 }} {{ not "a" }}', {}, 'true false'],
    ['len counts UTF-8 bytes, items and keys', '{{ len "héllo" }} {{ len .l }} {{ len .m }}', { l: [1, 2, 3], m: { a: 1 } }, '6 3 1'],
    ['index reaches into nested lists and maps', '{{ index .m "a" 1 }}', { m: { a: ['x', 'y'] } }, 'y'],
    ['slice cuts strings and lists', '{{ slice "abcdef" 1 3 }} {{ slice .l 1 }}', { l: [1, 2, 3] }, 'bc [2 3]'],
    ['print spaces non-string operands', '{{ print 1 2 "a" 3 }}', {}, '1 2a3'],
    ['println always spaces and ends with a newline', '{{ println "a" 1 }}', {}, 'a 1\n'],
    ['eq compares against several values', '{{ eq .x "b" "a" }}', { x: 'a' }, 'true'],
    ['ne, lt, le, gt, ge compare numbers and strings', '{{ ne 1 2 }} {{ lt 1 2 }} {{ le 2 2 }} {{ gt "b" "a" }} {{ ge 1 2 }}', {}, 'true true true true false'],
    ['html escapes markup', `{{ html "<a href='x'>&" }}`, {}, '&lt;a href=&#39;x&#39;&gt;&amp;'],
    ['js escapes quotes and angle brackets', `{{ js "a'b<" }}`, {}, "a\\'b\\u003C"],
    ['urlquery escapes like url.QueryEscape', '{{ urlquery "a b&c/é" }}', {}, 'a+b%26c%2F%C3%A9'],
  ])('%s', (_case, template, data, want) => {
    // Prepare: table row
    // Act
    const got = renderTemplate(template, data);
    // Assess
    expect(got).toBe(want);
  });
});

describe('printf', () => {
  it.each([
    ['strings, padding and alignment', '{{ printf "%-5s|%5s|%.2s" "ab" "cd" "hello" }}', 'ab   |   cd|he'],
    ['integers in several bases', '{{ printf "%05d|%+d|%x|%X|%o|%b|%c|%U" 42 5 255 255 8 5 65 65 }}', '00042|+5|ff|FF|10|101|A|U+0041'],
    ['floats', '{{ printf "%.2f|%8.3f|%e|%g|%g" 3.14159 3.14159 1234.5678 0.00001 1000000.0 }}', '3.14|   3.142|1.234568e+03|1e-05|1e+06'],
    ['quoting and hex strings', '{{ printf "%q %x %t %%" "hi\\n" "hi" true }}', '"hi\\n" 6869 true %'],
    ['%v of collections', '{{ printf "%v %v" (list 1 "a") (dict "k" "v") }}', '[1 a] map[k:v]'],
    ['nil operands', '{{ printf "%s %v" nil nil }}', '%!s(<nil>) <nil>'],
    ['a wrong verb, a missing and an extra operand', '{{ printf "%d" "x" }} {{ printf "%s %s" 1 }} {{ printf "a" 1 }}', '%!d(string=x) %!s(int=1) %!s(MISSING) a%!(EXTRA int=1)'],
    ['explicit argument indexes', '{{ printf "%[2]s %[1]s" "a" "b" }}', 'b a'],
  ])('%s', (_case, template, want) => {
    // Prepare: table row
    // Act
    const got = renderTemplate(template, {});
    // Assess
    expect(got).toBe(want);
  });
});

describe('Sprig functions', () => {
  it.each([
    ['b64enc / b64dec round-trip', '{{ "hello" | b64enc }} {{ "aGVsbG8=" | b64dec }}', {}, 'aGVsbG8= hello'],
    ['b64dec of garbage returns the Go error text', '{{ b64dec "!!" }}', {}, 'illegal base64 data at input byte 0'],
    ['b32enc / b32dec round-trip', '{{ b32enc "hi" }} {{ b32dec "NBUQ====" }}', {}, 'NBUQ==== hi'],
    ['toPrettyJson indents with two spaces', '{{ toPrettyJson .x }}', { x: { b: [1], a: {} } }, '{\n  "a": {},\n  "b": [\n    1\n  ]\n}'],
    ['toRawJson keeps HTML characters', '{{ toRawJson .x }}', { x: { a: '<b>' } }, '{"a":"<b>"}'],
    ['fromJson of invalid JSON yields an empty map', '{{ (fromJson "bad").x }}', {}, '<no value>'],
    ['toYaml sorts keys and does not indent sequences', '{{ toYaml .x }}', { x: { b: [1, 2], a: { c: 'd' } } }, 'a:\n  c: d\nb:\n- 1\n- 2'],
    ['fromYaml parses a mapping', '{{ (fromYaml "a: 1\\nb: [x]").b }}', {}, '[x]'],
    ['case and trimming helpers', '{{ upper "a" }}{{ lower "B" }}|{{ title "hello world" }}|{{ trim "  x  " }}|{{ trimAll "-" "--x--" }}|{{ trimPrefix "a" "abc" }}|{{ trimSuffix "c" "abc" }}', {}, 'Ab|Hello World|x|x|bc|ab'],
    ['replace, quote and squote', '{{ replace "a" "b" "aaa" }} {{ quote "x" 1 }} {{ squote "y" }}', {}, 'bbb "x" "1" \'y\''],
    ['default, empty, coalesce, ternary', '{{ default "d" .missing }} {{ default "d" "v" }} {{ empty "" }} {{ coalesce "" 0 "z" }} {{ ternary "a" "b" false }}', {}, 'd v true z b'],
    ['contains, hasPrefix, hasSuffix', '{{ contains "b" "abc" }} {{ hasPrefix "a" "abc" }} {{ hasSuffix "x" "abc" }}', {}, 'true true false'],
    ['split returns _N keys; splitList and join', '{{ (split "," "a,b")._1 }} {{ splitList "," "a,b" | join "-" }}', {}, 'b a-b'],
    ['list, dict, get, set, unset, hasKey', '{{ $d := dict "a" 1 }}{{ $_ := set $d "b" 2 }}{{ $_ := unset $d "a" }}{{ hasKey $d "b" }} {{ get $d "b" }} {{ get $d "zz" }}|', {}, 'true 2 |'],
    ['keys are sorted; values follow them', '{{ keys .m }} {{ values .m }}', { m: { b: 2, a: 1 } }, '[a b] [1 2]'],
    ['pluck, first, last', '{{ pluck "a" (dict "a" 1) (dict "b" 2) }} {{ first .l }} {{ last .l }}', { l: [1, 2, 3] }, '[1] 1 3'],
    ['conversions', '{{ toString 5 }} {{ int "42" }} {{ int64 3.9 }} {{ float64 "1.5" }} {{ atoi "7" }} {{ toStrings .l }}', { l: [1, 'a'] }, '5 42 3 1.5 7 [1 a]'],
    ['integer arithmetic', '{{ add 1 2 3 }} {{ sub 5 2 }} {{ mul 2 3 }} {{ div 7 2 }} {{ mod 7 3 }} {{ max 1 5 3 }} {{ min 4 2 }}', {}, '6 3 6 3 1 5 2'],
    ['substring helpers', '{{ repeat 3 "ab" }} {{ substr 1 3 "hello" }} {{ trunc 2 "hello" }} {{ nospace "a b c" }}', {}, 'ababab el he abc'],
    ['indent and nindent', '{{ indent 2 "a\\nb" }}|{{ nindent 2 "c" }}', {}, '  a\n  b|\n  c'],
    ['regular expressions', '{{ regexMatch "^[a-z]+$" "abc" }} {{ regexFind "[0-9]+" "a12b" }} {{ regexFindAll "[0-9]" "1a2b3" 2 }}', {}, 'true 12 [1 2]'],
    ['regexReplaceAll expands Go group references', '{{ regexReplaceAll "a(x*)b" "-ab-axxb-" "${1}W" }} {{ regexReplaceAllLiteral "a" "aa" "$1" }}', {}, '-W-xxW- $1$1'],
    ['Go named groups and leading flags translate', '{{ regexReplaceAll "(?i)(?P<first>A)" "xa" "<$first>" }}', {}, 'x<a>'],
    ['regexSplit follows Go semantics', '{{ regexSplit "," "a,b,c" 2 }} {{ regexSplit "x*" "abc" -1 }}', {}, '[a b,c] [a b c]'],
    ['hashes', '{{ sha1sum "x" }} {{ sha256sum "x" }}', {}, '11f6ad8ec52a2984abaafd7c3b516503785c2072 2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881'],
    ['typeOf and kindOf', '{{ typeOf 1 }} {{ typeOf "x" }} {{ kindOf .l }} {{ kindOf .m }}', { l: [], m: {} }, 'int string slice map'],
  ])('%s', (_case, template, data, want) => {
    // Prepare: table row
    // Act
    const got = renderTemplate(template, data);
    // Assess
    expect(got).toBe(want);
  });

  it('uuidv4 produces a version-4 UUID', () => {
    // Prepare
    const template = '{{ uuidv4 }}';
    // Act
    const got = renderTemplate(template, {});
    // Assess
    expect(got).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('rejects regexp syntax RE2 does not support', () => {
    // Prepare
    const template = '{{ regexFind "a(?=b)" "ab" }}';
    // Act / Assess
    expect(() => renderTemplate(template, {})).toThrow(/error calling regexFind: error parsing regexp: invalid or unsupported Perl syntax/);
  });
});
