import { describe, expect, it } from 'vitest';
import type { ExistingSecret } from '../../../src/kube/gateway.ts';
import { isEsoManaged } from '../../../src/sync/adopt-eso.ts';

const secret = (meta: Partial<ExistingSecret>): ExistingSecret => ({
  name: 's', namespace: 'ns', uid: 'u', resourceVersion: '1', type: 'Opaque', labels: {}, annotations: {}, data: {}, immutable: false, ...meta,
});

describe('isEsoManaged', () => {
  it.each([
    ['an ExternalSecret ownerReference (v1)', { ownerReferences: [{ apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', name: 'db', uid: 'x', controller: true }] }, true],
    ['an ExternalSecret ownerReference (v1beta1)', { ownerReferences: [{ apiVersion: 'external-secrets.io/v1beta1', kind: 'ExternalSecret', name: 'db', uid: 'x' }] }, true],
    ['ESO\'s managed label only (Merge/Orphan targets)', { labels: { 'reconcile.external-secrets.io/managed': 'true' } }, true],
    ['ESO\'s data-hash annotation only', { annotations: { 'reconcile.external-secrets.io/data-hash': 'h' } }, true],
    ['another owner of the same name', { ownerReferences: [{ apiVersion: 'example.com/v1', kind: 'ExternalSecret', name: 'db', uid: 'x' }] }, false],
    ['our own Secret', { labels: { 'webhook-secret-sync.io/managed': 'true' } }, false],
    ['a Secret nobody manages', {}, false],
  ])('%s -> %s', (_case, meta, want) => {
    expect(isEsoManaged(secret(meta as Partial<ExistingSecret>))).toBe(want);
  });
});
