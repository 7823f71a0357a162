import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { queryJsonPath } from '../../../src/providers/webhook/jsonpath.ts';
import { mapValue, singleValue, toSecretMap } from '../../../src/providers/webhook/values.ts';
import { JsonPathError, ValueError } from '../../../src/providers/webhook/errors.ts';

const json = fc.jsonValue({ maxDepth: 4 });

/** Path-shaped strings: fragments of real syntax glued together, so many parse and many do not. */
const fragment = fc.constantFrom(
  '$', '.', '..', '*', '[', ']', '[*]', '[?', '[?(', ')', '(', '@', '@.', '$.', 'a', 'b', 'name', '0', '-1',
  '1:', ':2', '::-1', ',', "'a'", '"b"', '"', "'", '==', '!=', '<', '>=', '&&', '||', '!', 'true', 'null',
  '1.5', ' ', '\\', '~', '^', '`', '{', '}',
);
const pathLike = fc.oneof(
  fc.array(fragment, { maxLength: 12 }).map((parts) => parts.join('')),
  fc.array(fragment, { maxLength: 12 }).map((parts) => `$${parts.join('')}`),
  fc.string({ maxLength: 30 }),
);

function typedOnly(act: () => unknown): void {
  try {
    act();
  } catch (error) {
    expect([JsonPathError, ValueError].some((type) => error instanceof type)).toBe(true);
  }
}

describe('JSONPath and value conversion under random input', () => {
  it('throws only JsonPathError or ValueError for random documents and path-like strings', () => {
    fc.assert(
      fc.property(json, pathLike, (doc, path) => {
        typedOnly(() => singleValue(queryJsonPath(doc, path)));
        typedOnly(() => toSecretMap(queryJsonPath(doc, path)));
      }),
      { numRuns: 3000 },
    );
  });

  it('returns an array for every path that is not definite and parses', () => {
    fc.assert(
      fc.property(json, fc.constantFrom('$..*', '$.*', '$[*]', '$..a', '$[0:2]', '$[?@]', '$[?@.a==1]', '$..[?(@ != null)]'), (doc, path) => {
        expect(Array.isArray(queryJsonPath(doc, path))).toBe(true);
      }),
    );
  });

  it('converts any JSON value to a string with singleValue/mapValue or a ValueError', () => {
    fc.assert(
      fc.property(json, (value) => {
        typedOnly(() => {
          expect(typeof singleValue(value)).toBe('string');
        });
        expect(typeof mapValue(value)).toBe('string');
      }),
    );
  });

  it('prints numbers that parse back to the same value in mapValue', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
        expect(Object.is(Number(mapValue(n)), n)).toBe(true);
      }),
    );
  });

  it('finishes quickly on a deeply nested document with recursive descent', () => {
    // Prepare
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    // Act
    const act = () => queryJsonPath(deep, '$..a');
    // Assess: a typed error or a result, never another exception
    typedOnly(act);
    typedOnly(() => singleValue(deep));
  });
});
