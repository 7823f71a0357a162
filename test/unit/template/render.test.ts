import { describe, expect, it } from 'vitest';
import { parseTemplate, renderTemplate } from '../../../src/template/index.ts';

const remoteRef = { remoteRef: { key: 'db/password', version: '', property: 'pw' } };

describe('renderTemplate with ESO webhook data', () => {
  it.each([
    ['a field chain prints the value', '{{ .remoteRef.key }}', remoteRef, 'db/password'],
    ['a missing map key prints <no value>', '{{ .remoteRef.missing }}', remoteRef, '<no value>'],
    ['a field on a missing key prints <no value>', '{{ .remoteRef.missing.deeper }}', remoteRef, '<no value>'],
    ['index of a missing key yields the empty string', '{{ index .remoteRef "absent" }}', remoteRef, ''],
    ['index of a present key yields its value', '{{ index .remoteRef "property" }}', remoteRef, 'pw'],
    ['a pipeline into b64enc encodes', '{{ .auth.token | b64enc }}', { auth: { token: 'secret' } }, 'c2VjcmV0'],
    ['printf interpolates operands', '{{ printf "%s-%s" .a .b }}', { a: 'x', b: 'y' }, 'x-y'],
    ['toJson sorts keys and escapes HTML', '{{ .x | toJson }}', { x: { b: [1, 2.5, '<&>'], a: { z: null, y: true } } },
      '{"a":{"y":true,"z":null},"b":[1,2.5,"\\u003c\\u0026\\u003e"]}'],
    ['a field of a parenthesised fromJson result', '{{ (.body | fromJson).field }}', { body: '{"field":"v"}' }, 'v'],
    ['a URL template joins literal text and fields', 'https://api/{{ .remoteRef.key }}?v={{ .remoteRef.version }}', remoteRef, 'https://api/db/password?v='],
    ['the empty template renders empty', '', remoteRef, ''],
    ['a nil dot prints <no value>', '{{ . }}', null, '<no value>'],
    ['Object.prototype members are not map keys', '{{ .constructor }} {{ .toString }}', {}, '<no value> <no value>'],
    ['a __proto__ key from JSON is an ordinary key', '{{ (fromJson .j).__proto__.x }}', { j: '{"__proto__":{"x":1}}' }, '1'],
  ])('%s', (_case, template, data, want) => {
    // Prepare: template and data come from the table
    // Act
    const got = renderTemplate(template, data);
    // Assess
    expect(got).toBe(want);
  });
});

describe('renderTemplate control structures', () => {
  it.each([
    ['if takes the true branch', '{{ if .a }}yes{{ else }}no{{ end }}', { a: 'x' }, 'yes'],
    ['if treats empty string as false', '{{ if .a }}yes{{ else }}no{{ end }}', { a: '' }, 'no'],
    ['if treats 0, empty list and empty map as false', '{{ if or .n .l .m }}t{{ else }}f{{ end }}', { n: 0, l: [], m: {} }, 'f'],
    ['else if chains', '{{ if .a }}A{{ else if .b }}B{{ else }}C{{ end }}', { b: 1 }, 'B'],
    ['with rebinds dot', '{{ with .a }}{{ .b }}{{ end }}', { a: { b: 'in' } }, 'in'],
    ['else with chains', '{{ with .a }}A{{ else with .b }}b={{ . }}{{ else }}none{{ end }}', { b: 'B' }, 'b=B'],
    ['with else on a missing key', '{{ with .a }}A{{ else }}none{{ end }}', {}, 'none'],
    ['range over a list binds index and element', '{{ range $i, $v := .l }}{{ $i }}={{ $v }},{{ end }}', { l: ['a', 'b'] }, '0=a,1=b,'],
    ['range over a map iterates in sorted key order', '{{ range $k, $v := .m }}{{ $k }}={{ $v }};{{ end }}', { m: { b: 1, a: 2 } }, 'a=2;b=1;'],
    ['range over an integer counts from zero', '{{ range 3 }}{{ . }}{{ end }}', {}, '012'],
    ['range else runs for an empty list', '{{ range .l }}x{{ else }}empty{{ end }}', { l: [] }, 'empty'],
    ['range else runs for a missing key', '{{ range .nope }}x{{ else }}empty{{ end }}', {}, 'empty'],
    ['break and continue steer range', '{{ range .l }}{{ if eq . 2 }}{{ continue }}{{ end }}{{ if eq . 4 }}{{ break }}{{ end }}{{ . }}{{ end }}', { l: [1, 2, 3, 4, 5] }, '13'],
    ['$ reaches the root inside range', '{{ range .l }}{{ $.root }}{{ end }}', { l: [1, 2], root: 'R' }, 'RR'],
    ['variables can be reassigned in an inner scope', '{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}', {}, '2'],
    ['trim markers remove surrounding whitespace', 'a  {{- "b" -}}  c', {}, 'abc'],
    ['trim markers remove newlines', '{{- range $k, $v := . }}\n{{ $k }}: {{ $v | quote }}\n{{- end }}', { a: '1', b: '2' }, '\na: "1"\nb: "2"'],
    ['comments render nothing', 'x{{/* note */}}y{{- /* trimmed */ -}} z', {}, 'xyz'],
    ['define and template call a named template', '{{ define "t" }}[{{ . }}]{{ end }}{{ template "t" .a }}', { a: 1 }, '[1]'],
    ['block defines and runs inline', '{{ block "b" .a }}<{{ . }}>{{ end }}', { a: 'v' }, '<v>'],
    ['parenthesised pipelines can be chained', '{{ (.a).b }} {{ ("x" | upper) }}', { a: { b: 2 } }, '2 X'],
    ['pipeline result feeds the last argument', '{{ "a" | printf "%s-%s" "b" }}', {}, 'b-a'],
  ])('%s', (_case, template, data, want) => {
    // Prepare: table row
    // Act
    const got = renderTemplate(template, data);
    // Assess
    expect(got).toBe(want);
  });
});

describe('renderTemplate value printing (fmt %v)', () => {
  it.each([
    ['integers print without decimals', '{{ .n }}', { n: 42 }, '42'],
    ['floats print in shortest form', '{{ .n }}', { n: 2.5 }, '2.5'],
    ['large non-integral floats use exponent form', '{{ .n }}', { n: 1234567.5 }, '1.2345675e+06'],
    ['booleans print as words', '{{ .b }}', { b: true }, 'true'],
    ['lists print space-separated in brackets', '{{ .l }}', { l: ['a', 1, null] }, '[a 1 <nil>]'],
    ['maps print with sorted keys', '{{ .m }}', { m: { b: [1, 'x'], a: 1.5 } }, 'map[a:1.5 b:[1 x]]'],
    ['a null map value prints <no value>', '{{ .n }}', { n: null }, '<no value>'],
    ['number literals: hex and char constants', "{{ 0x10 }} {{ 'a' }} {{ 1.5 }}", {}, '16 97 1.5'],
  ])('%s', (_case, template, data, want) => {
    // Prepare: table row
    // Act
    const got = renderTemplate(template, data);
    // Assess
    expect(got).toBe(want);
  });
});

describe('parseTemplate', () => {
  it('returns a template that can be executed many times', () => {
    // Prepare
    const t = parseTemplate('{{ .remoteRef.key }}');
    // Act
    const outputs = ['a', 'b'].map((key) => t.execute({ remoteRef: { key } }));
    // Assess
    expect(outputs).toEqual(['a', 'b']);
  });

  it('accepts extra functions', () => {
    // Prepare
    const t = parseTemplate('{{ shout .x }}', { funcs: { shout: (s: string) => `${s}!` } });
    // Act
    const got = t.execute({ x: 'hey' });
    // Assess
    expect(got).toBe('hey!');
  });
});
