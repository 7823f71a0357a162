/**
 * Sprig functions of ESO's vendored Sprig that eso-sprig-more.ts adds. Expected values: the same
 * templates executed by Go 1.26 text/template with ESO v2.9.0's runtime/template/v2/sprig FuncMap
 * (a throwaway Go program fed the template strings below; outputs pasted verbatim).
 */
import { describe, expect, it } from 'vitest';
import { renderTemplate } from '../../../src/template/index.ts';
import { goPathClean } from '../../../src/template/eso-sprig-more.ts';
import { goStringToBytes } from '../../../src/template/go-bytes.ts';

describe('Sprig functions ESO registers (paths, small helpers, must* forms)', () => {
  it.each([
    ["{{ base \"a/b/c.txt\" }}|{{ base \"\" }}|{{ base \"/\" }}|{{ base \"a/b/\" }}|{{ base \"//\" }}", { out: "c.txt|.|/|b|/" }],
    ["{{ dir \"a/b/c.txt\" }}|{{ dir \"\" }}|{{ dir \"/x\" }}|{{ dir \"x\" }}|{{ dir \"a/../../b/\" }}", { out: "a/b|.|/|.|../b" }],
    ["{{ clean \"a//b/./c/..\" }}|{{ clean \"\" }}|{{ clean \"/../a\" }}|{{ clean \"../../x/..\" }}|{{ clean \"a/..\" }}", { out: "a/b|.|/a|../..|." }],
    ["{{ ext \"a/b.tar.gz\" }}|{{ ext \"a.b/c\" }}|{{ ext \"x.\" }}|{{ isAbs \"/a\" }}|{{ isAbs \"a\" }}", { out: ".gz||.|true|false" }],
    ["{{ osBase \"a/b\" }}|{{ osDir \"a/b\" }}|{{ osClean \"a/./b\" }}|{{ osExt \"a.yaml\" }}|{{ osIsAbs \"/\" }}", { out: "b|a|a/b|.yaml|true" }],
    ["{{ hello }}|{{ trimall \"$\" \"$$5.00$\" }}|{{ trimall \"ab\" \"abcba\" }}|{{ plural \"one\" \"many\" 1 }}|{{ plural \"one\" \"many\" 2 }}", { out: "Hello!|5.00|c|one|many" }],
    ["{{ maxf 1 2.5 \"3\" }}|{{ minf 1.5 -2 }}|{{ add1f 1.5 }}|{{ add1f \"2\" }}|{{ biggest 1 7 3 }}|{{ maxf 1 }}", { out: "3|-2|2.5|3|7|1" }],
    ["{{ tuple 1 \"a\" }}|{{ mustAppend (list 1) 2 }}|{{ mustPush (list 1) 2 }}|{{ mustPrepend (list 1) 0 }}|{{ mustFirst (list 3 4) }}|{{ mustLast (list 3 4) }}", { out: "[1 a]|[1 2]|[1 2]|[0 1]|3|4" }],
    ["{{ mustRest (list 1 2 3) }}|{{ mustInitial (list 1 2 3) }}|{{ mustReverse (list 1 2 3) }}|{{ mustUniq (list 1 1 2) }}|{{ mustWithout (list 1 2 3) 2 }}|{{ mustHas 2 (list 1 2) }}|{{ mustCompact (list 1 \"\" 2) }}", { out: "[2 3]|[1 2]|[3 2 1]|[1 2]|[1 3]|true|[1 2]" }],
    ["{{ $d := dict \"a\" 1 }}{{ $_ := mustMerge $d (dict \"a\" 2 \"b\" 3) }}{{ toJson $d }}|{{ $e := dict \"a\" 1 }}{{ $_ := mustMergeOverwrite $e (dict \"a\" 2) }}{{ toJson $e }}", { out: "{\"a\":1,\"b\":3}|{\"a\":2}" }],
    ["{{ mustFirst \"x\" }}", { error: "mustFirst: Cannot find first on type string" }],
    ["{{ untilStep 0 10 3 }}|{{ untilStep 10 0 -4 }}|{{ untilStep 0 10 -1 }}|{{ untilStep 5 5 1 }}", { out: "[0 3 6 9]|[10 6 2]|[]|[]" }],
    ["{{ seq 5 }}|{{ seq -2 }}|{{ seq 2 5 }}|{{ seq 5 2 }}|{{ seq 0 2 10 }}|{{ seq 10 -3 1 }}|{{ seq 10 3 1 }}|{{ seq 1 }}|{{ seq 0 }}", { out: "1 2 3 4 5|1 0 -1 -2|2 3 4 5|5 4 3 2|0 2 4 6 8 10|10 7 4 1||1|1 0" }],
    ["{{ chunk 2 (list 1 2 3 4 5) }}|{{ mustChunk 3 (list 1 2 3) }}|{{ chunk 2 (list) }}", { out: "[[1 2] [3 4] [5]]|[[1 2 3]]|[]" }],
    ["{{ hexdec \"68656c6c6f\" }}|{{ hexdec \"6g\" }}|{{ hexdec \"abc\" }}|{{ hexdec \"zz1\" }}", { out: "hello|encoding/hex: invalid byte: U+0067 'g'|encoding/hex: odd length hex string|encoding/hex: invalid byte: U+007A 'z'" }],
    ["{{ toDecimal \"0777\" }}|{{ toDecimal \"777\" }}|{{ toDecimal 8 }}|{{ toDecimal \"-17\" }}|{{ toDecimal \"x\" }}", { out: "511|511|0|-15|0" }],
    ["{{ $d := dict \"a\" (list 1 2) }}{{ $c := deepCopy $d }}{{ $_ := set $c \"b\" 1 }}{{ toJson $d }}{{ toJson $c }}|{{ mustDeepCopy (list 1 (dict \"x\" 2)) }}", { out: "{\"a\":[1,2]}{\"a\":[1,2],\"b\":1}|[1 map[x:2]]" }],
    ["{{ initials \"First Try  here\" }}|{{ initials \"\" }}|{{ initials \"\u00e9lan vital\" }}", { out: "FTh||\u00c3v" }],
    ["{{ typeIsLike \"string\" \"a\" }}|{{ typeIsLike \"int\" 1 }}|{{ typeIsLike \"[]interface {}\" (list) }}|{{ typeIsLike \"map[string]interface {}\" (dict) }}", { out: "true|true|true|true" }],
    ["{{ chunk 0 (list 1) }}", { error: "chunk: runtime error: makeslice: len out of range" }],
    ["{{ chunk 2 \"x\" }}", { error: "chunk: Cannot chunk type string" }],
  ] as [string, { out?: string; error?: string }][])('%s', (template, want) => {
    // Act
    let got: { out?: string; error?: string };
    try {
      got = { out: renderTemplate(template, {}) };
    } catch (err) {
      got = { error: (err as Error).message.split('error calling ')[1] ?? (err as Error).message };
    }
    // Assess: Go/ESO output
    expect(got).toEqual(want);
  });

  it.each([
    ['', '.'], ['a/b/../../..', '..'], ['/a/b/../../..', '/'], ['./a//b/', 'a/b'], ['../a/./../b', '../b'],
  ])('clean %j is %j, as Go path.Clean', (input, want) => {
    expect(goPathClean(input)).toBe(want);
  });

  it('hexdec returns the raw bytes, invalid UTF-8 included (Go: hex.DecodeString)', () => {
    expect(goStringToBytes(renderTemplate('{{ hexdec "00ab" }}', {})).toString('hex')).toBe('00ab');
  });
});
