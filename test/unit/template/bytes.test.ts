import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { goStringFromBytes, goStringToBytes, renderTemplate } from '../../../src/template/index.ts';

// Issue #16 item 1: Go strings carry bytes, so every value, function and output is byte-exact.
// Expected values: the output bytes (hex) of Go 1.26.8 text/template + github.com/Masterminds/sprig/v3
// v3.3.0 with ESO's function set (missingkey=error, template name "tls.crt"), over the same data:
// tools/go-template-oracle (`cd tools/go-template-oracle && go run . < cases.json`, see its main.go).
const DATA: Readonly<Record<string, Buffer>> = {
  ks: Buffer.from([0x30, 0x82, 0xff, 0x00, 0x80, 0xc3]), // a DER header: 0x82 0xff 0x80 0xc3 are not UTF-8
  mix: Buffer.from('68c3a96c6c6fff20c3', 'hex'), // "héllo\xff \xc3"
  sp: Buffer.from([0x20, 0xff, 0x09]),
  nl: Buffer.from('61ff0a62', 'hex'), // "a\xff\nb"
};

function renderBytes(text: string): string {
  const values = Object.fromEntries(Object.entries(DATA).map(([k, v]) => [k, goStringFromBytes(v)]));
  return goStringToBytes(renderTemplate(text, values, { name: 'tls.crt', missingKey: 'error' })).toString('hex');
}

const hex = (s: string): string => Buffer.from(s).toString('hex');

describe('template values are Go byte strings', () => {
  it.each([
    { tpl: '{{ .ks }}', want: '3082ff0080c3' },
    { tpl: '{{ .ks | b64enc }}', want: hex('MIL/AIDD') },
    { tpl: '{{ .ks | toString }}', want: '3082ff0080c3' },
    { tpl: '{{ printf "%s" .ks }}', want: '3082ff0080c3' },
    { tpl: '{{ printf "%v" .ks }}', want: '3082ff0080c3' },
    { tpl: '{{ cat .ks .ks }}', want: '3082ff0080c3203082ff0080c3' },
    { tpl: '{{ .ks | trim }}', want: '3082ff0080c3' },
    { tpl: '{{ .sp | trim }}', want: 'ff' },
    { tpl: '{{ .ks | sha256sum }}', want: hex('f657582444544027e16f782c1c107a4e8ba123562d3ea5841ed53c241ecdc930') },
    { tpl: '{{ .ks | sha1sum }}', want: hex('1897dae72937c66c9d7aebb9deb92451952130a6') },
    { tpl: '{{ .ks | adler32sum }}', want: hex('158270197') },
    { tpl: '{{ .ks | toJson }}', want: hex('"0\\ufffd\\ufffd\\u0000\\ufffd\\ufffd"') },
    { tpl: '{{ .ks | toPrettyJson }}', want: hex('"0\\ufffd\\ufffd\\u0000\\ufffd\\ufffd"') },
    { tpl: '{{ .ks | toRawJson }}', want: hex('"0\\ufffd\\ufffd\\u0000\\ufffd\\ufffd"') },
    { tpl: '{{ list .ks | toJson }}', want: hex('["0\\ufffd\\ufffd\\u0000\\ufffd\\ufffd"]') },
    { tpl: '{{ dict "k" .ks | toJson }}', want: hex('{"k":"0\\ufffd\\ufffd\\u0000\\ufffd\\ufffd"}') },
    { tpl: '{{ len .ks }}', want: hex('6') },
    { tpl: '{{ .ks | printf "%s" | len }}', want: hex('6') },
    { tpl: '{{ printf "%q" .ks }}', want: hex('"0\\x82\\xff\\x00\\x80\\xc3"') },
    { tpl: '{{ printf "%#v" .ks }}', want: hex('"0\\x82\\xff\\x00\\x80\\xc3"') },
    { tpl: '{{ printf "%q" .mix }}', want: hex('"héllo\\xff \\xc3"') },
    { tpl: '{{ .ks | quote }}', want: hex('"0\\x82\\xff\\x00\\x80\\xc3"') },
    { tpl: '{{ .ks | squote }}', want: '273082ff0080c327' },
    { tpl: '{{ printf "%x" .ks }}', want: hex('3082ff0080c3') },
    { tpl: '{{ printf "%X" .ks }}', want: hex('3082FF0080C3') },
    { tpl: '{{ printf "%.2s" .mix }}', want: '68c3a9' },
    { tpl: '{{ printf "%5s|" .mix }}', want: '68c3a96c6c6fff20c37c' },
    { tpl: '{{ substr 1 4 .ks }}', want: '82ff00' },
    { tpl: '{{ trunc 3 .ks }}', want: '3082ff' },
    { tpl: '{{ substr 0 2 .mix }}', want: '68c3' }, // cuts "é" in half: the lone byte survives
    { tpl: '{{ trunc 2 .mix }}', want: '68c3' },
    { tpl: '{{ index .ks 2 }}', want: hex('255') },
    { tpl: '{{ index .mix 1 }}', want: hex('195') },
    { tpl: '{{ .ks | b64enc | b64dec }}', want: '3082ff0080c3' },
    { tpl: '{{ .ks | b64enc | b64dec | len }}', want: hex('6') },
    { tpl: '{{ .ks | b32enc }}', want: hex('GCBP6AEAYM======') },
    { tpl: '{{ .ks | b32enc | b32dec }}', want: '3082ff0080c3' },
    { tpl: '{{ "\\xff" | b64enc }}', want: hex('/w==') },
    { tpl: '{{ .mix | b64enc }}', want: hex('aMOpbGxv/yDD') },
    { tpl: '{{ .mix | upper }}', want: '48c3894c4c4fefbfbd20efbfbd' }, // Go's strings.Map writes U+FFFD
    { tpl: '{{ .mix | lower }}', want: '68c3a96c6c6fefbfbd20efbfbd' },
    { tpl: '{{ .mix | title }}', want: '48c3a96c6c6fefbfbd20efbfbd' },
    { tpl: '{{ .mix | untitle }}', want: '68c3a96c6c6fefbfbd20efbfbd' },
    { tpl: '{{ .ks | replace "\\x00" "-" }}', want: '3082ff2d80c3' },
    { tpl: '{{ splitList "\\x00" .ks | join "|" }}', want: '3082ff7c80c3' },
    { tpl: '{{ .nl | indent 2 }}', want: '202061ff0a202062' },
    { tpl: '{{ .ks | nindent 1 }}', want: '0a203082ff0080c3' },
    { tpl: '{{ repeat 2 .ks }}', want: '3082ff0080c33082ff0080c3' },
    { tpl: '{{ trimAll "0" .ks }}', want: '82ff0080c3' },
    { tpl: '{{ .mix | trimSuffix "\\xc3" }}', want: '68c3a96c6c6fff20' },
    { tpl: '{{ .ks | contains "\\xff" }}', want: hex('true') },
    { tpl: '{{ list .ks .ks | toString }}', want: '5b3082ff0080c3203082ff0080c35d' },
    { tpl: '{{ .ks | toStrings | toJson }}', want: hex('["0\\ufffd\\ufffd\\u0000\\ufffd\\ufffd"]') },
    { tpl: '{{ html .ks }}', want: '3082ffefbfbd80c3' },
    { tpl: '{{ js .ks }}', want: '3082ff5c753030303080c3' },
    { tpl: '{{ urlquery .ks }}', want: hex('0%82%FF%00%80%C3') },
    { tpl: '{{ printf "%c" 255 }}', want: 'c3bf' },
    { tpl: '{{ lt "\\uffff" "😀" }}', want: hex('true') }, // Go compares bytes: EF BF BF < F0 9F 98 80
    { tpl: '{{ lt "\\xff" "\\uffff" }}', want: hex('false') },
    { tpl: '{{ lt "\\xc3" "é" }}', want: hex('true') },
    { tpl: '{{ list "\\xff" "\\uffff" "a" | sortAlpha | toJson }}', want: hex('["a","\uffff","\\ufffd"]') },
    { tpl: '{{ title "hello world-foo_bar éa x.y 1a ßq\\u00a0z" }}', want: hex('Hello World-Foo_bar Éa X.Y 1a ßq\u00a0Z') },
    { tpl: '{{ js "a\\u2028<b>\\u00e9\\x01=" }}', want: hex('a\\u2028\\u003Cb\\u003Eé\\u0001\\u003D') },
    { tpl: '{{ quote "a\\u200b\\u00e9\\U0001F600\\x7f\\"\\\\" }}', want: hex('"a\\u200bé😀\\x7f\\"\\\\"') },
    // ESO's own toYaml is sigs.k8s.io/yaml (v1.4.0) Marshal, trailing newline trimmed (the oracle has it too).
    { tpl: '{{ .ks | toYaml }}', want: '2230efbfbdefbfbd5c30efbfbdefbfbd22' },
    { tpl: '{{ dict "k" .nl | toYaml }}', want: hex('k: |-\n  a\ufffd\n  b') },
  ])('$tpl is byte-exact with Go', ({ tpl, want }) => {
    // Act
    const got = renderBytes(tpl);
    // Assess
    expect(got).toBe(want);
  });
});

describe('template values are Go byte strings (properties)', () => {
  const render = (tpl: string, bytes: Uint8Array): Buffer => goStringToBytes(renderTemplate(tpl, { v: goStringFromBytes(bytes) }));

  it('any bytes print unchanged, through printf, toString, cat and trim of a value without spaces', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      const want = Buffer.from(bytes);
      expect(render('{{ .v }}', bytes).equals(want)).toBe(true);
      expect(render('{{ printf "%s" .v }}', bytes).equals(want)).toBe(true);
      expect(render('{{ .v | toString }}', bytes).equals(want)).toBe(true);
      expect(render('{{ cat .v }}', bytes).equals(want)).toBe(true);
    }));
  });

  it('len, b64enc, b64dec, sha256sum and substr see the bytes Go sees', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.nat(64), (bytes, cut) => {
      const b = Buffer.from(bytes);
      const at = Math.min(cut, b.length);
      expect(render('{{ len .v }}', bytes).toString()).toBe(String(b.length));
      expect(render('{{ .v | b64enc }}', bytes).toString()).toBe(b.toString('base64'));
      expect(render('{{ .v | b64enc | b64dec }}', bytes).equals(b)).toBe(true);
      expect(render('{{ .v | sha256sum }}', bytes).toString()).toBe(createHash('sha256').update(b).digest('hex'));
      expect(render(`{{ substr 0 ${String(at)} .v }}`, bytes).equals(b.subarray(0, at))).toBe(true);
    }));
  });
});
