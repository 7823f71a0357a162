/**
 * The adoption hook alone, through the engine as the identity `rbac` prints: what it keeps, what it
 * merges, and that without a gate (the scheduled functions) nothing is adopted. ESO is marked here by
 * its labels only (no ownerReference to an ExternalSecret: the migration e2e test's garbage collector
 * may be running meanwhile, and would delete a Secret whose owner does not exist).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runOnce } from '../../src/app/run.ts';
import { startHttpsEndpoint, type HttpsEndpoint } from '../../src/local/https-endpoint.ts';
import { admin, hasCluster } from '../support/cluster.ts';
import { scenario, type Scenario } from '../support/scenario.ts';

const STORE = { url: '/secrets/{{ .remoteRef.key }}', result: { jsonPath: '$.value' } };
const ESO_LABELS = { 'reconcile.external-secrets.io/managed': 'true', 'reconcile.external-secrets.io/created-by': 'abc' };

describe.skipIf(!hasCluster())('adopting an ESO-managed Secret', () => {
  let endpoint: HttpsEndpoint;
  let s: Scenario;
  beforeAll(async () => {
    endpoint = await startHttpsEndpoint();
    endpoint.on('GET', '/secrets/db', { body: { value: 'cnry-adopt' } });
  });
  afterAll(async () => {
    await endpoint.close();
  });
  beforeEach(async (ctx) => {
    s = await scenario(endpoint, 'adopt');
    ctx.onTestFinished(() => s.close());
  });

  const esoSecret = async (name: string, data: Record<string, string>, ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string }[]) => {
    await admin().core.createNamespacedSecret({ namespace: s.namespace, body: {
      metadata: { name, labels: { ...ESO_LABELS, team: 'a' }, annotations: { 'reconcile.external-secrets.io/data-hash': 'h' }, ...(ownerReferences ? { ownerReferences } : {}) },
      stringData: data,
    } });
  };
  const sync = (target: Record<string, unknown>, allow: boolean) => runOnce({
    gateway: s.gateway, config: s.config(STORE, [{ data: [{ secretKey: 'value', remoteRef: { key: 'db' } }], target }]), source: 'files', selection: { all: true },
    ...(allow ? { esoTakeOver: () => Promise.resolve(undefined) } : {}),
  });
  const meta = async (name: string) => (await admin().core.readNamespacedSecret({ namespace: s.namespace, name })).metadata;

  it('without a gate (the scheduled functions) nothing is adopted, and the Secret is untouched', async () => {
    await esoSecret('t', { value: 'cnry-old' });
    const before = await meta('t');
    const run = await sync({ name: 't' }, false);
    expect(run.outcomes).toEqual([expect.objectContaining({ result: 'failed', message: expect.stringContaining('not adopted: adopting a Secret from External Secrets Operator is a migration step') })]);
    expect((await meta('t'))?.resourceVersion).toBe(before?.resourceVersion);
  });

  it('Owner: keeps owners that are not ESO\'s and the user\'s labels, drops ESO\'s marks and keys the ExternalSecret does not produce', async () => {
    const cm = await admin().core.createNamespacedConfigMap({ namespace: s.namespace, body: { metadata: { name: 'keeper' } } });
    await esoSecret('t', { value: 'cnry-adopt', stale: 'cnry-stale' }, [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'keeper', uid: cm.metadata?.uid ?? '' }]);
    const run = await sync({ name: 't' }, true);
    expect(run.outcomes).toEqual([expect.objectContaining({ result: 'updated', message: 'secret adopted from External Secrets Operator (data updated)' })]);
    const m = await meta('t');
    expect(m?.ownerReferences?.map((o) => o.name)).toEqual(['keeper']);
    expect(Object.keys({ ...m?.labels, ...m?.annotations }).filter((k) => k.startsWith('reconcile.'))).toEqual([]);
    expect(m?.labels).toMatchObject({ team: 'a', 'webhook-secret-sync.io/managed': 'true' });
    expect((await s.secret('t'))?.data).toEqual({ value: 'cnry-adopt' });
    expect((await sync({ name: 't' }, true)).outcomes).toEqual([expect.objectContaining({ result: 'unchanged', message: 'secret synced (unchanged)' })]); // ours now, up to date
  });

  it('Merge: the Secret\'s other keys stay, and equal values mean no data change', async () => {
    await esoSecret('m', { value: 'cnry-adopt', other: 'cnry-other' });
    const run = await sync({ name: 'm', creationPolicy: 'Merge' }, true);
    expect(run.outcomes).toEqual([expect.objectContaining({ result: 'updated', message: 'secret adopted from External Secrets Operator (data unchanged)' })]);
    expect((await s.secret('m'))?.data).toEqual({ value: 'cnry-adopt', other: 'cnry-other' });
  });
});
