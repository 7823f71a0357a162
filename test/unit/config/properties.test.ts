import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ConfigValidationError } from '../../../src/config/issues.ts';
import { loadConfig } from '../../../src/config/load.ts';
import { loadConfigPartial } from '../../../src/config/partial.ts';

const kinds = fc.constantFrom('SecretStore', 'ClusterSecretStore', 'ExternalSecret', 'Pod', '');
const versions = fc.constantFrom('external-secrets.io/v1', 'external-secrets.io/v1beta1', 'v1', '');
const doc = fc.record({
  apiVersion: fc.oneof(versions, fc.anything()),
  kind: fc.oneof(kinds, fc.anything()),
  metadata: fc.oneof(fc.record({ name: fc.string(), namespace: fc.option(fc.string(), { nil: undefined }) }), fc.anything()),
  spec: fc.anything(),
}, { requiredKeys: [] });

function onlyTypedErrors(run: () => unknown): void {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigValidationError);
    for (const issue of (e as ConfigValidationError).issues) expect(issue.message.length).toBeGreaterThan(0);
  }
}

describe('config loader properties', () => {
  it('random documents give a config or a ConfigValidationError, never a crash', () => {
    fc.assert(fc.property(fc.array(doc, { maxLength: 5 }), (docs) => {
      onlyTypedErrors(() => loadConfig([{ source: 'p.yaml', text: docs.map((d) => stringify(d)).join('---\n') }]));
    }), { numRuns: 300 });
  });

  it('random text gives a config or a ConfigValidationError, never a crash', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), (text) => {
      onlyTypedErrors(() => loadConfig([{ source: 'p.yaml', text }]));
    }), { numRuns: 500 });
  });

  it('random webhook specs and ExternalSecret specs are validated, never a crash', () => {
    const spec = fc.record({
      url: fc.oneof(fc.string(), fc.constant('https://x.test/{{ .remoteRef.key }}'), fc.constant('{{ .a }')),
      method: fc.option(fc.string(), { nil: undefined }),
      headers: fc.option(fc.oneof(fc.dictionary(fc.string(), fc.string()), fc.array(fc.record({ name: fc.string(), value: fc.string() }))), { nil: undefined }),
      timeout: fc.option(fc.string(), { nil: undefined }),
      result: fc.option(fc.record({ jsonPath: fc.string() }), { nil: undefined }),
    }, { requiredKeys: ['url'] });
    const es = fc.record({
      refreshInterval: fc.option(fc.oneof(fc.string(), fc.constantFrom('1h', '15m', '0', '-1s')), { nil: undefined }),
      secretStoreRef: fc.record({ name: fc.constant('s') }),
      data: fc.array(fc.record({ secretKey: fc.string(), remoteRef: fc.record({ key: fc.string(), decodingStrategy: fc.constantFrom('None', 'Base64', 'Bogus') }) }), { maxLength: 3 }),
      target: fc.option(fc.record({ creationPolicy: fc.constantFrom('Owner', 'Merge', 'None', 'Nope'), deletionPolicy: fc.constantFrom('Retain', 'Delete', 'Merge') }), { nil: undefined }),
    });
    fc.assert(fc.property(spec, es, (w, e) => {
      const text = [
        { apiVersion: 'external-secrets.io/v1', kind: 'SecretStore', metadata: { name: 's' }, spec: { provider: { webhook: w } } },
        { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name: 'e' }, spec: e },
      ].map((d) => stringify(d)).join('---\n');
      onlyTypedErrors(() => loadConfig([{ source: 'p.yaml', text }]));
    }), { numRuns: 300 });
  });

  it('the lenient loader never throws, and finds nothing invalid exactly when the strict loader accepts the set', () => {
    const texts = fc.oneof(fc.string({ maxLength: 400 }), fc.array(doc, { maxLength: 5 }).map((docs) => docs.map((d) => stringify(d)).join('---\n')));
    fc.assert(fc.property(texts, (text) => {
      // Act
      const partial = loadConfigPartial([{ source: 'p.yaml', text }]);
      let strict: unknown;
      try {
        strict = loadConfig([{ source: 'p.yaml', text }]);
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigValidationError);
      }
      // Assess
      if (strict) expect(partial).toEqual({ config: strict, invalid: [] });
      else expect(partial.invalid.length).toBeGreaterThan(0);
      for (const d of partial.invalid) expect(d.issues.length).toBeGreaterThan(0);
    }), { numRuns: 500 });
  });
});
