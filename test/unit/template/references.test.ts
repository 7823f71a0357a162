import { describe, expect, it } from 'vitest';
import { parseTemplate } from '../../../src/template/index.ts';

describe('CompiledTemplate.references', () => {
  it.each([
    ['a field chain', '{{ .remoteRef.key }}', ['remoteRef.key'], []],
    ['a chain inside a pipeline', '{{ .auth.token | b64enc }}', ['auth.token'], []],
    ['index with literal keys', '{{ index .remoteRef "key" }}', ['remoteRef', 'remoteRef.key'], []],
    ['a $-rooted chain', '{{ range .l }}{{ $.remoteRef.property }}{{ end }}', ['l', 'remoteRef.property'], []],
    ['chains inside control structures and defines', '{{ define "t" }}{{ .inner }}{{ end }}{{ if .a.b }}{{ with .c }}{{ .d }}{{ end }}{{ end }}', ['inner', 'a.b', 'c', 'd'], []],
    ['fields of a parenthesised pipeline', '{{ (.body | fromJson).field }}', ['body'], []],
    ['a template without remoteRef', 'https://x/{{ .other }}', ['other'], ['remoteRef.key']],
    ['index with a non-literal key', '{{ index .remoteRef .k }}', ['remoteRef', 'k'], ['remoteRef.key']],
  ])('records %s', (_case, template, present, absent) => {
    // Prepare: table row
    // Act
    const refs = parseTemplate(template).references;
    // Assess
    for (const p of present) expect(refs.has(p), p).toBe(true);
    for (const a of absent) expect(refs.has(a), a).toBe(false);
  });
});
