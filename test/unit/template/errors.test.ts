import { describe, expect, it } from 'vitest';
import { parseTemplate, renderTemplate, TemplateError } from '../../../src/template/index.ts';
import { WebhookSecretSyncError } from '../../../src/model/errors.ts';

function errorOf(fn: () => unknown): TemplateError {
  try {
    fn();
  } catch (err) {
    if (err instanceof TemplateError) return err;
    throw err;
  }
  throw new Error('expected a TemplateError');
}

describe('parse errors', () => {
  it.each([
    ['a single closing brace', '{{ .a }', 'template: webhooktemplate:1: unexpected "}" in operand'],
    ['a brace on a later line reports that line', 'x\n{{ .a }\n', 'template: webhooktemplate:2: unexpected "}" in operand'],
    ['an unclosed action', '{{ .a ', 'template: webhooktemplate:1: unclosed action'],
    ['an undefined function', '{{ foo }}', 'template: webhooktemplate:1: function "foo" not defined'],
    ['a missing end', '{{ if .a }}x', 'template: webhooktemplate:1: unexpected EOF'],
    ['a stray end', '{{ end }}', 'template: webhooktemplate:1: unexpected {{end}}'],
    ['break outside range', '{{ break }}', 'template: webhooktemplate:1: {{break}} outside {{range}}'],
    ['an undefined variable', '{{ $x }}', 'template: webhooktemplate:1: undefined variable "$x"'],
    ['an unterminated string', '{{ "abc }}', 'template: webhooktemplate:1: unterminated quoted string'],
    ['an unclosed comment', '{{/* x ', 'template: webhooktemplate:1: unclosed comment'],
    ['a literal as a later pipeline stage', '{{ 1 | 2 }}', 'template: webhooktemplate:1: non executable command in pipeline stage 2'],
    ['an empty action', '{{ }}', 'template: webhooktemplate:1: missing value for command'],
  ])('%s', (_case, template, want) => {
    // Prepare: table row
    // Act
    const err = errorOf(() => parseTemplate(template));
    // Assess
    expect(err.message).toBe(want);
  });

  it('uses the configured template name', () => {
    // Prepare
    const options = { name: 'body' };
    // Act
    const err = errorOf(() => parseTemplate('{{ .a }', options));
    // Assess
    expect(err.message).toBe('template: body:1: unexpected "}" in operand');
  });

  it('is a WebhookSecretSyncError', () => {
    // Prepare / Act
    const err = errorOf(() => parseTemplate('{{'));
    // Assess
    expect(err).toBeInstanceOf(WebhookSecretSyncError);
    expect(err.name).toBe('TemplateError');
  });
});

describe('execution errors', () => {
  it.each([
    ['wrong arity', '{{ b64enc }}', {}, 'at <b64enc>: wrong number of args for b64enc: want 1 got 0'],
    ['a missing value passed as a string', '{{ .x | b64enc }}', {}, 'invalid value; expected string'],
    ['a field on null', '{{ .a.b }}', { a: null }, 'nil pointer evaluating interface {}.b'],
    ['a field on a string', '{{ .a.b }}', { a: 's' }, "can't evaluate field b in type string"],
    ['required with no value', '{{ required "x is needed" .x }}', {}, 'error calling required: x is needed'],
    ['fail', '{{ fail "boom" }}', {}, 'error calling fail: boom'],
    ['comparing a string with a number', '{{ eq "a" 1 }}', {}, 'error calling eq: incompatible types for comparison'],
    ['an undefined template', '{{ template "nope" }}', {}, 'template "nope" not defined'],
    ['division by zero', '{{ div 1 0 }}', {}, 'error calling div: runtime error: integer divide by zero'],
  ])('%s', (_case, template, data, want) => {
    // Prepare: table row
    // Act
    const err = errorOf(() => renderTemplate(template, data));
    // Assess
    expect(err.message).toMatch(/^template: webhooktemplate:1:\d+: executing "webhooktemplate" at <.*>: /);
    expect(err.message).toContain(want);
  });

  it('reports a missing key with its name and position when missingKey is error', () => {
    // Prepare
    const options = { missingKey: 'error' as const };
    // Act
    const err = errorOf(() => renderTemplate('line1\n  {{ .remoteRef.missing }}', { remoteRef: {} }, options));
    // Assess
    expect(err.message).toBe(
      'template: webhooktemplate:2:5: executing "webhooktemplate" at <.remoteRef.missing>: map has no entry for key "missing"',
    );
  });

  it('keeps the cause of a failing function', () => {
    // Prepare
    const boom = new Error('kaput');
    const t = parseTemplate('{{ bad }}', { funcs: { bad: () => { throw boom; } } });
    // Act
    const err = errorOf(() => t.execute({}));
    // Assess
    expect(err.message).toContain('error calling bad: kaput');
    expect(err.cause).toBe(boom);
  });
});

describe('resource limits', () => {
  it.each([
    ['unbounded template recursion', '{{ define "r" }}{{ template "r" . }}{{ end }}{{ template "r" . }}', 'exceeded maximum template depth'],
    ['a huge range', '{{ range 100000000 }}{{ end }}', 'range iteration limit'],
    ['huge output', '{{ range 100000 }}xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx{{ end }}', 'template output exceeds'],
    ['a huge repeat', '{{ repeat 100000000 "abc" }}', 'error calling repeat'],
  ])('%s fails with a TemplateError', (_case, template, want) => {
    // Prepare: table row
    // Act
    const err = errorOf(() => renderTemplate(template, {}));
    // Assess
    expect(err.message).toContain(want);
  });

  it('rejects absurdly deep nesting at parse time', () => {
    // Prepare
    const template = `{{ ${'('.repeat(5000)}1${')'.repeat(5000)} }}`;
    // Act
    const err = errorOf(() => parseTemplate(template));
    // Assess
    expect(err.message).toContain('max expression depth exceeded');
  });
});
