import { describe, expect, it } from 'vitest';
import { INVALID_MANIFEST, invalidOutcomes, withInvalidDocuments } from '../../../src/app/invalid-documents.ts';
import { loadConfigPartial } from '../../../src/config/partial.ts';
import type { RunSummary } from '../../../src/sync/result.ts';

const store = `apiVersion: external-secrets.io/v1
kind: SecretStore
metadata: { name: store, namespace: apps }
spec: { provider: { webhook: { url: "https://example.test/x", timeout: soon } } }`;
const es = `apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: { name: db, namespace: apps }
spec:
  refreshInterval: 15m
  secretStoreRef: { name: store }
  target: { name: db-secret }
  data: [{ secretKey: password, remoteRef: { key: db } }]`;

describe('invalid documents in a run report', () => {
  it.each([
    ['an ExternalSecret under its ns/name, with target and cadence', es, { externalSecret: 'apps/db', target: 'apps/db-secret', cadence: '15m', message: 'a.yaml: document 2 (ExternalSecret apps/db): spec.secretStoreRef: SecretStore "store" is invalid (a.yaml: document 1): fix that document' }],
    ['a store as (kind ns/name)', '', { externalSecret: '(SecretStore apps/store)', target: '', cadence: '', message: 'a.yaml: document 1 (SecretStore apps/store): spec.provider.webhook.timeout: invalid duration "soon"' }],
    ['an unnamed document by its location', 'kind: [x', { externalSecret: '(a.yaml: document 2)', target: '', cadence: '', message: 'a.yaml: document 2: malformed YAML: line 6' }],
  ])('names %s', (_case, second, want) => {
    // Prepare
    const { invalid } = loadConfigPartial([{ source: 'a.yaml', text: [store, second].filter(Boolean).join('\n---\n') }]);
    // Act
    const outcomes = invalidOutcomes(invalid);
    // Assess
    const { message, ...rest } = want;
    expect(outcomes).toContainEqual(expect.objectContaining({ ...rest, result: 'failed', reason: INVALID_MANIFEST, message: expect.stringContaining(message) }));
  });

  it('adds them to the summary as failures and recounts', () => {
    // Prepare
    const summary: RunSummary = { outcomes: [{ externalSecret: 'apps/ok', target: 'apps/ok', cadence: '1h', result: 'created', reason: 'Created', message: '' }], counts: { created: 1, updated: 0, unchanged: 0, deleted: 0, skipped: 0, failed: 0 }, endpointRequests: 1, entriesFetched: 1, durationMs: 5 };
    const { invalid } = loadConfigPartial([{ source: 'a.yaml', text: `${store}\n---\n${es}` }]);
    // Act
    const merged = withInvalidDocuments(summary, invalid);
    // Assess
    expect(merged.counts).toEqual({ created: 1, updated: 0, unchanged: 0, deleted: 0, skipped: 0, failed: 2 });
    expect(merged.outcomes.map((o) => o.externalSecret)).toEqual(['apps/ok', '(SecretStore apps/store)', 'apps/db']);
    expect(withInvalidDocuments(summary, [])).toBe(summary);
  });
});
