import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTemplate, renderTemplate, TemplateError } from '../../../src/template/index.ts';

const FRAGMENTS = [
  '{{', '}}', '{{-', '-}}', ' ', '.', '.a', '.a.b', '$', '$x', ':=', '=', '|', '(', ')', '"s"', '`r`', "'c'", '1', '-2.5',
  '0x1F', 'if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue', 'nil', 'true',
  'printf', 'index', 'len', 'and', 'or', 'toJson', 'b64enc', 'default', '/*', '*/', ',', '\n', 'text', '"%s"', '}',
];

/** Every failure must be a TemplateError; anything else is a bug. */
function outcome(fn: () => unknown): 'ok' | 'template-error' {
  try {
    fn();
    return 'ok';
  } catch (err) {
    if (err instanceof TemplateError) return 'template-error';
    throw err;
  }
}

describe('template robustness properties', () => {
  it('parseTemplate on arbitrary strings either succeeds or throws a TemplateError', () => {
    // Prepare
    const arb = fc.string({ maxLength: 200 });
    // Act / Assess
    fc.assert(fc.property(arb, (text) => {
      expect(['ok', 'template-error']).toContain(outcome(() => parseTemplate(text)));
    }), { numRuns: 500 });
  });

  it('parsing and executing token soup never fails with another error type', () => {
    // Prepare
    const arb = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 40 }).map((parts) => parts.join(''));
    const data = { a: { b: 'x' }, l: [1, 2], s: 'str' };
    // Act / Assess
    fc.assert(fc.property(arb, (text) => {
      expect(['ok', 'template-error']).toContain(outcome(() => renderTemplate(text, data)));
    }), { numRuns: 2000 });
  });

  it('text without delimiters renders unchanged', () => {
    // Prepare
    const arb = fc.string({ maxLength: 200 }).filter((s) => !s.includes('{{'));
    // Act / Assess
    fc.assert(fc.property(arb, (text) => {
      expect(renderTemplate(text, {})).toBe(text);
    }));
  });

  it('a quoted string literal renders back to the original string', () => {
    // Prepare
    const arb = fc.string({ maxLength: 100 });
    // Act / Assess
    fc.assert(fc.property(arb, (s) => {
      expect(renderTemplate(`{{ ${JSON.stringify(s)} }}`, {})).toBe(s);
    }));
  });

  it('a field holding any string prints it verbatim', () => {
    // Prepare
    const arb = fc.string({ maxLength: 100 });
    // Act / Assess
    fc.assert(fc.property(arb, (s) => {
      expect(renderTemplate('{{ .v }}', { v: s })).toBe(s);
    }));
  });
});
