import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loadConfig } from '../../../src/config/load.ts';
import { cleanManifest, sortObjects } from '../../../src/migrate/clean.ts';
import { configMapOf, exportFiles } from '../../../src/migrate/export.ts';
import type { EsoObject } from '../../../src/migrate/read-eso.ts';

const live = (kind: string, name: string, namespace: string | undefined, spec: Record<string, unknown>, extra: Record<string, unknown> = {}): EsoObject => ({
  apiVersion: 'external-secrets.io/v1', kind,
  metadata: {
    name, ...(namespace ? { namespace } : {}), uid: 'u-1', resourceVersion: '42', generation: 3, creationTimestamp: '2026-01-01T00:00:00Z',
    finalizers: ['externalsecrets.external-secrets.io/externalsecret-cleanup'], managedFields: [{ manager: 'external-secrets' }],
    labels: { team: 'a' },
    annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}', 'reconcile.external-secrets.io/data-hash': 'h', 'owner.example/contact': 'ops' },
  },
  spec,
  status: { conditions: [{ type: 'Ready', status: 'True' }] },
  ...extra,
});
const webhookStore = live('SecretStore', 'store', 'apps', { provider: { webhook: { url: 'https://vault.example/{{ .remoteRef.key }}' } } });
const es = (name: string, store: string, more: Record<string, unknown> = {}) =>
  live('ExternalSecret', name, 'apps', { secretStoreRef: { name: store, kind: 'SecretStore' }, target: { name }, data: [{ secretKey: 'v', remoteRef: { key: name } }], ...more });

describe('migrate: clean manifests from ESO\'s live objects', () => {
  it('keeps what a person wrote (name, namespace, labels, own annotations, spec) and drops status, server metadata, finalizers and ESO/kubectl annotations', () => {
    // Act
    const m = cleanManifest(es('db', 'store'));
    // Assess
    expect(m).toEqual({
      apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret',
      metadata: { name: 'db', namespace: 'apps', labels: { team: 'a' }, annotations: { 'owner.example/contact': 'ops' } },
      spec: es('db', 'store')['spec'],
    });
  });

  it.each([
    ['a store on another provider', [live('SecretStore', 'vault', 'apps', { provider: { vault: { server: 'https://v' } } })], 'SecretStore apps/vault', 'unsupported provider vault'],
    ['dataFrom.find', [webhookStore, es('found', 'store', { data: undefined, dataFrom: [{ find: { name: { regexp: '.*' } } }] })], 'ExternalSecret apps/found', 'find'],
    ['an ExternalSecret on an unsupported store', [live('SecretStore', 'vault', 'apps', { provider: { vault: {} } }), es('legacy', 'vault')], 'ExternalSecret apps/legacy', 'vault'],
  ])('lists %s as not migrated, with the reason', (_case, objects, object, reason) => {
    // Act
    const sorted = sortObjects(objects);
    // Assess
    expect(sorted.unsupported).toContainEqual({ object, reasons: [expect.stringContaining(reason)] });
    expect(sorted.manifests.map((m) => `${m.kind} ${m.metadata.name}`)).not.toContain(object.replace(/ apps\//u, ' '));
  });

  it('exports what loads as files `config push` and `validate` accept, and as the ConfigMap a push would create', () => {
    // Prepare
    const sorted = sortObjects([webhookStore, es('db', 'store'), live('ClusterSecretStore', 'shared', undefined, { provider: { webhook: { url: 'https://x.example/' } } })]);
    // Act
    const files = exportFiles(sorted.manifests);
    const cm = configMapOf(files, { namespace: 'wss', name: 'cfg' }, sorted.config.externalSecrets.map((e) => e.namespace));
    // Assess
    expect([...files.keys()]).toEqual(['apps.yaml', 'cluster-secret-stores.yaml']);
    const config = loadConfig([...files].map(([source, text]) => ({ source, text })));
    expect(config.externalSecrets.map((e) => `${e.namespace}/${e.name}`)).toEqual(['apps/db']);
    for (const text of files.values()) {
      for (const doc of parseAllDocuments(text)) expect(Object.keys(doc.toJS() as object).sort()).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
    }
    expect(cm).toMatchObject({ kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'wss', annotations: { 'webhook-secret-sync.io/namespaces': 'apps' } } });
    expect(cm['data']).toEqual(Object.fromEntries(files));
  });
});
