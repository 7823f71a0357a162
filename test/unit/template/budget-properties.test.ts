import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderTemplate, TemplateError, type BudgetLimits, type BudgetUsage } from '../../../src/template/index.ts';

// Issue #16 item 3, as properties: random templates from a grammar of growing strings, lists and maps
// never hold more than the budget's values and never run past its steps or time.
const LIMITS: BudgetLimits = { maxBytes: 64 * 1024, maxSteps: 20_000, maxMillis: 500 };

const STRING_OPS = [
  'printf "%s%s" $s $s', 'cat $s $s', 'repeat 3 $s', 'replace "a" "aa" $s', 'join $s $l', 'toJson $l', 'toPrettyJson $l',
  'quote $s $s', 'indent 4 $s', 'b64enc $s', 'upper $s', 'toString $l', 'printf "%[1]*s" 300 $s', 'printf "%v%q" $l $s',
  'toYaml $l', 'print $l $l', 'trunc 100 $s', 'substr 1 50 $s', 'nindent 2 $s', 'sha256sum $s', 'urlquery $s',
];
const LIST_OPS = [
  'list $s $l', 'concat $l $l', 'append $l $s', 'until 50', 'splitList "a" $s', 'list $l $l', 'dict "a" $l "b" $l',
  'uniq $l', 'reverse $l', 'compact $l', 'without $l $s', 'prepend $l $l', 'fromJson (toJson $l)', 'keys (dict "a" $s)',
];

type Node = string;
const leaf: fc.Arbitrary<Node> = fc.oneof(
  fc.constantFrom(...STRING_OPS).map((op) => `{{ $s = ${op} }}`),
  fc.constantFrom(...LIST_OPS).map((op) => `{{ $l = ${op} }}`),
  fc.constantFrom('{{ spy $s }}', '{{ spy $l }}', '{{ $s }}', '{{ len $l }}', '{{ $_ := deepEqual $l (list $l $l) }}', '{{ $_ := has $s $l }}',
    '{{ $_ := mergeOverwrite (dict "a" $l) (dict "a" $l "b" $s) }}', '{{ $_ := sortAlpha $l }}'),
);
const body: fc.Arbitrary<Node> = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.tuple(fc.integer({ min: 1, max: 40 }), fc.array(tie('node'), { maxLength: 4 })).map(([n, xs]) => `{{ range until ${String(n)} }}${xs.join('')}{{ end }}`),
  ),
})).node;
const template = fc.array(body, { maxLength: 6 }).map((xs) => `{{ $s := "ab" }}{{ $l := list "a" }}${xs.join('')}{{ spy $s }}{{ spy $l }}`);

/** Memory a value really holds: each distinct string, list and map once (shared sub-values are shared). */
function retained(v: unknown, seen = new Set<unknown>()): number {
  if (seen.has(v)) return 0;
  seen.add(v);
  if (typeof v === 'string') return v.length;
  if (Array.isArray(v)) return v.length * 8 + v.reduce<number>((n, x) => n + retained(x, seen), 0);
  if (typeof v === 'object' && v !== null) return Object.entries(v).reduce<number>((n, [k, x]) => n + 8 + k.length + retained(x, seen), 0);
  return 0;
}

describe('template budget properties', () => {
  it('random templates hold no value larger than the budget, end within its steps and time, and fail only with TemplateError', () => {
    fc.assert(fc.property(template, (text) => {
      // Prepare
      let largest = 0;
      let usage: BudgetUsage | undefined;
      const spy = (v: unknown): string => {
        largest = Math.max(largest, retained(v));
        return '';
      };
      const started = performance.now();
      // Act
      let output = '';
      try {
        output = renderTemplate(text, {}, { budget: LIMITS, funcs: { spy }, onUsage: (u) => { usage = u; } });
      } catch (e) {
        if (!(e instanceof TemplateError)) throw e;
      }
      // Assess
      expect(largest).toBeLessThanOrEqual(LIMITS.maxBytes);
      expect(output.length).toBeLessThanOrEqual(LIMITS.maxBytes);
      expect(usage?.steps).toBeLessThanOrEqual(LIMITS.maxSteps + 1);
      // The clock is only a backstop (steps end runs first); this bound is generous, not a speed test.
      expect(performance.now() - started).toBeLessThan(LIMITS.maxMillis + 5000);
    }), { numRuns: 300 });
  });

  it('a successful execution was charged at least what it wrote', () => {
    fc.assert(fc.property(template, (text) => {
      let usage: BudgetUsage | undefined;
      let output: string;
      try {
        output = renderTemplate(text, {}, { budget: LIMITS, funcs: { spy: () => '' }, onUsage: (u) => { usage = u; } });
      } catch (e) {
        if (!(e instanceof TemplateError)) throw e;
        return;
      }
      expect(usage?.bytes).toBeGreaterThanOrEqual(output.length);
      expect(usage?.bytes).toBeLessThanOrEqual(LIMITS.maxBytes);
    }), { numRuns: 200 });
  });
});
