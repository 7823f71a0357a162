/**
 * Issue #10 item 3 through the real CLI, against the real apiserver, as the identity `rbac` prints:
 * a ConfigMap edited by hand with broken documents still syncs everything valid, reports each
 * broken document with its location, exits 1, and prunes nothing.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayFromKubeconfigText } from '../../src/app/kube.ts';
import { loadConfig } from '../../src/config/load.ts';
import { startHttpsEndpoint, type HttpsEndpoint } from '../../src/local/https-endpoint.ts';
import type { Outcome, RunSummary } from '../../src/sync/result.ts';
import { runBin } from '../support/cli.ts';
import { admin, freshNamespace, hasCluster, providedCluster } from '../support/cluster.ts';
import { canary } from '../support/leak.ts';
import { auditOf, manifestsYaml, syncIdentityFor, type SyncIdentity } from '../support/sync.ts';

describe.skipIf(!hasCluster())('sync with an invalid document in the ConfigMap', () => {
  let endpoint: HttpsEndpoint;
  let namespace: string;
  let identity: SyncIdentity;
  let cm: string;
  const values = { keep: canary('keep'), fresh: canary('fresh') };

  const store = (): Record<string, unknown> => ({ apiVersion: 'external-secrets.io/v1', kind: 'SecretStore', metadata: { name: 'store', namespace }, spec: { provider: { webhook: { url: `${endpoint.url}/secrets/{{ .remoteRef.key }}`, result: { jsonPath: '$.value' }, caBundle: Buffer.from(endpoint.caPem).toString('base64') } } } });
  const es = (name: string, spec: Record<string, unknown> = {}): Record<string, unknown> => ({ apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name, namespace }, spec: { secretStoreRef: { name: 'store' }, data: [{ secretKey: 'password', remoteRef: { key: name } }], ...spec } });

  async function putConfigMap(data: Record<string, string>): Promise<void> {
    const gateway = await gatewayFromKubeconfigText(await readFile(providedCluster().adminKubeconfigPath, 'utf8'));
    try {
      await gateway.applyConfigMap(namespace, 'wss', { data, annotations: {} });
    } finally {
      await gateway.close();
    }
  }
  async function sync(...args: string[]): Promise<{ code: number; stderr: string; summary: RunSummary }> {
    const r = await runBin(['sync', '--configmap', cm, '--kubeconfig', identity.kubeconfigPath, '-o', 'json', ...args]);
    return { code: r.code, stderr: r.stderr, summary: JSON.parse(r.stdout || '{"outcomes":[]}') as RunSummary };
  }
  async function secretValue(name: string): Promise<string | undefined> {
    try {
      const s = await admin().core.readNamespacedSecret({ name, namespace });
      return Buffer.from(s.data?.password ?? '', 'base64').toString();
    } catch (e) {
      if ((e as { code?: number }).code === 404) return undefined;
      throw e;
    }
  }
  const byName = (summary: RunSummary, name: string): Outcome | undefined => summary.outcomes.find((o) => o.externalSecret === name);

  beforeAll(async () => {
    endpoint = await startHttpsEndpoint();
    endpoint.on('GET', '/secrets/keep', { body: { value: values.keep } });
    endpoint.on('GET', '/secrets/fresh', { body: { value: values.fresh } });
    namespace = await freshNamespace('inv');
    cm = `${namespace}/wss`;
    const all = loadConfig([{ source: 'all.yaml', text: manifestsYaml([store(), es('keep'), es('fresh')]) }]);
    identity = await syncIdentityFor(all, { home: namespace, configMap: { namespace, name: 'wss' } });
    // The starting point: a valid config, synced once, so `keep` is an Owner Secret of this ConfigMap.
    await putConfigMap({ 'store.yaml': manifestsYaml([store()]), 'keep.yaml': manifestsYaml([es('keep')]) });
    const first = await sync();
    expect(first.code).toBe(0);
    expect(byName(first.summary, `${namespace}/keep`)).toMatchObject({ result: 'created' });
  });
  afterAll(async () => {
    await endpoint.close();
  });

  it('syncs a new valid ExternalSecret, reports each broken document with its location, exits 1 and prunes nothing, even with --prune', async () => {
    // Prepare: a hand edit breaks keep's document, adds a valid ExternalSecret and a key that is not YAML.
    await putConfigMap({
      'store.yaml': manifestsYaml([store()]),
      'keep.yaml': manifestsYaml([es('keep', { refreshInterval: '1 hour' })]),
      'fresh.yaml': manifestsYaml([es('fresh')]),
      'zz.yaml': 'kind: [unclosed',
    });
    const before = (await auditOf(identity.user)).length;
    // Act
    const { code, stderr, summary } = await sync('--prune');
    // Assess
    expect(code).toBe(1);
    expect(stderr).toContain('2 invalid document(s)');
    expect(byName(summary, `${namespace}/fresh`)).toMatchObject({ result: 'created' });
    expect(await secretValue('fresh')).toBe(values.fresh);
    expect(byName(summary, `${namespace}/keep`)).toMatchObject({
      target: `${namespace}/keep`,
      result: 'failed',
      reason: 'InvalidManifest',
      message: `configmap ${namespace}/wss key keep.yaml: document 1 (ExternalSecret ${namespace}/keep): spec.refreshInterval: invalid duration "1 hour": expected a Go duration such as 30s, 15m, 1h or 1h30m`,
    });
    expect(byName(summary, `(configmap ${namespace}/wss key zz.yaml: document 1)`)).toMatchObject({ result: 'failed', reason: 'InvalidManifest', message: expect.stringContaining(`configmap ${namespace}/wss key zz.yaml: document 1: malformed YAML: line 1`) });
    expect(summary.counts).toMatchObject({ created: 1, deleted: 0, failed: 2 });
    // keep's Secret stays as it was: its ExternalSecret is broken, not gone.
    expect(await secretValue('keep')).toBe(values.keep);
    expect((await auditOf(identity.user)).slice(before).filter((e) => e.verb === 'delete')).toEqual([]);
  });

  it('an ExternalSecret whose store document became invalid fails naming the store, and its Secret is kept', async () => {
    // Prepare
    await putConfigMap({
      'store.yaml': manifestsYaml([{ ...store(), spec: { provider: { webhook: { url: `${endpoint.url}/secrets/{{ .remoteRef.key }`, caBundle: Buffer.from(endpoint.caPem).toString('base64') } } } }]),
      'keep.yaml': manifestsYaml([es('keep')]),
    });
    // Act
    const { code, summary } = await sync('--all');
    // Assess
    expect(code).toBe(1);
    expect(byName(summary, `(SecretStore ${namespace}/store)`)).toMatchObject({ result: 'failed', reason: 'InvalidManifest', message: expect.stringContaining('spec.provider.webhook.url: bad template') });
    expect(byName(summary, `${namespace}/keep`)).toMatchObject({ result: 'failed', reason: 'InvalidManifest', message: expect.stringContaining(`spec.secretStoreRef: SecretStore "store" is invalid (configmap ${namespace}/wss key store.yaml: document 1)`) });
    expect(summary.counts.deleted).toBe(0);
    expect(await secretValue('keep')).toBe(values.keep);
    expect(await secretValue('fresh')).toBe(values.fresh);
  });

  it('a bad template, a missing store and a duplicated ExternalSecret each fail alone; the Secret of the duplicated one is kept', async () => {
    // Prepare
    await putConfigMap({
      'store.yaml': manifestsYaml([store()]),
      'fresh.yaml': manifestsYaml([es('fresh')]),
      'keep.yaml': manifestsYaml([es('keep')]),
      'keep-copy.yaml': manifestsYaml([es('keep')]),
      'more.yaml': manifestsYaml([
        es('tpl', { target: { template: { data: { password: '{{ .password }' } } } }),
        es('lost', { secretStoreRef: { name: 'nope' } }),
      ]),
    });
    // Act
    const { code, summary } = await sync('--all', '--prune');
    // Assess
    expect(code).toBe(1);
    const failed = Object.fromEntries(summary.outcomes.filter((o) => o.result === 'failed').map((o) => [`${o.externalSecret} ${o.reason}`, o.message]));
    expect(Object.keys(failed).sort()).toEqual([`${namespace}/keep InvalidManifest`, `${namespace}/lost InvalidManifest`, `${namespace}/tpl InvalidManifest`]);
    expect(summary.outcomes.filter((o) => o.externalSecret === `${namespace}/keep`).map((o) => o.message).sort()).toEqual([
      `configmap ${namespace}/wss key keep-copy.yaml: document 1 (ExternalSecret ${namespace}/keep): metadata.name: defined more than once (also configmap ${namespace}/wss key keep.yaml: document 1); none of the copies is used`,
      `configmap ${namespace}/wss key keep.yaml: document 1 (ExternalSecret ${namespace}/keep): metadata.name: defined more than once (also configmap ${namespace}/wss key keep-copy.yaml: document 1); none of the copies is used`,
    ]);
    expect(failed[`${namespace}/tpl InvalidManifest`]).toContain(`key more.yaml: document 1 (ExternalSecret ${namespace}/tpl): spec.target.template.data.password: bad template`);
    expect(failed[`${namespace}/lost InvalidManifest`]).toBe(`configmap ${namespace}/wss key more.yaml: document 2 (ExternalSecret ${namespace}/lost): spec.secretStoreRef: SecretStore "nope" not found in namespace "${namespace}"`);
    expect(byName(summary, `${namespace}/fresh`)).toMatchObject({ result: expect.stringMatching(/^(updated|unchanged)$/u) });
    expect(summary.counts).toMatchObject({ deleted: 0, failed: 4 });
    expect(await secretValue('keep')).toBe(values.keep);
  });

  it('once every document is valid again, the same run prunes what left the config (the guard above is what kept it)', async () => {
    // Prepare: keep is gone for real now.
    await putConfigMap({ 'store.yaml': manifestsYaml([store()]), 'fresh.yaml': manifestsYaml([es('fresh')]) });
    // Act
    const { code, summary } = await sync('--prune');
    // Assess
    expect(code).toBe(0);
    expect(byName(summary, `${namespace}/keep`)).toMatchObject({ result: 'deleted' });
    expect(await secretValue('keep')).toBeUndefined();
  });
});
