import { describe, expect, it } from 'vitest';
import { renderTemplate } from '../../../src/template/index.ts';

// Deliberate differences from Go, listed in README "Where we differ from ESO".
describe('documented differences from Go templates', () => {
  it.each([
    // Go 1.26.8 + sprig v3.3.0 (tools/go-template-oracle) prints float64 12345678 as 1.2345678e+07 (shortest %g switches to an
    // exponent from 1e+06 on); our value model has one number type, and an integral number prints
    // as an integer, which is what a template author means.
    { json: '{"a":12345678}', ours: '12345678', go: '1.2345678e+07' },
    { json: '{"a":1234567}', ours: '1234567', go: '1.234567e+06' },
  ])('a number $json from fromJson prints as $ours (Go: $go)', ({ json, ours, go }) => {
    // Act
    const got = renderTemplate('{{ (fromJson .j).a }}', { j: json });
    // Assess
    expect(got).toBe(ours);
    expect(got).not.toBe(go);
  });

  it.each([
    // Below 1e+06 and for fractions both print the same (Go: 100, 1.5, 999999).
    { json: '{"a":100}', want: '100' },
    { json: '{"a":1.5}', want: '1.5' },
    { json: '{"a":999999}', want: '999999' },
  ])('a number $json from fromJson prints as Go does: $want', ({ json, want }) => {
    expect(renderTemplate('{{ (fromJson .j).a }}', { j: json })).toBe(want);
  });

  it.each(['a: 12345678', 'a: 12345678.0'])('a number from fromYaml (%s) prints as 12345678 (Go: 1.2345678e+07)', (yaml) => {
    // ESO's fromYaml is sigs.k8s.io/yaml (v1.4.0 here) into map[string]any: every number is a float64,
    // which text/template prints as 1.2345678e+07 for both inputs (tools/go-template-oracle).
    expect(renderTemplate('{{ (fromYaml .y).a }}', { y: yaml })).toBe('12345678');
  });
});
