/**
 * Apiserver faults, against the real kube-apiserver: 403, 409, 422, down at the start and in the
 * middle of a run; and overlapping runs on the same Secrets.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { gatewayFromKubeconfigText } from '../../src/app/kube.ts';
import { runOnce } from '../../src/app/run.ts';
import type { Config } from '../../src/config/types.ts';
import type { KubeGateway } from '../../src/kube/gateway.ts';
import { KubeUnreachableError } from '../../src/kube/gateway.ts';
import { startHttpsEndpoint, type HttpsEndpoint } from '../../src/local/https-endpoint.ts';
import { admin, freshNamespace, providedCluster } from '../support/cluster.ts';
import { scenario, type Scenario } from '../support/scenario.ts';
import { tcpProxy } from '../support/tcp-proxy.ts';
import { configFor } from '../support/webhook.ts';

/** A gateway that forwards to `inner` except for the given methods (the real apiserver still answers). */
function delegate(inner: KubeGateway, overrides: Partial<KubeGateway>): KubeGateway {
  const forward = <K extends keyof KubeGateway>(k: K): KubeGateway[K] => (overrides[k] ?? (inner[k] as (...a: unknown[]) => unknown).bind(inner)) as KubeGateway[K];
  return {
    listManagedSecrets: forward('listManagedSecrets'), listSecretMetadata: forward('listSecretMetadata'), getSecret: forward('getSecret'), applySecret: forward('applySecret'),
    deleteSecret: forward('deleteSecret'), removeSecretKeys: forward('removeSecretKeys'), rewriteSecret: forward('rewriteSecret'), annotateSecret: forward('annotateSecret'), recordEvent: forward('recordEvent'),
    readConfigMapWithMeta: forward('readConfigMapWithMeta'), applyConfigMap: forward('applyConfigMap'), replaceConfigMapAnnotation: forward('replaceConfigMapAnnotation'),
    patchConfigMapData: forward('patchConfigMapData'),
    readSecret: forward('readSecret'), readConfigMap: forward('readConfigMap'),
  };
}

const STORE = { url: '/secrets/{{ .remoteRef.key }}', result: { jsonPath: '$.value' } };
const es = (key: string, target: Record<string, unknown> = {}) => ({ data: [{ secretKey: 'value', remoteRef: { key } }], target });

describe('apiserver faults', () => {
  let endpoint: HttpsEndpoint;
  let s: Scenario;
  beforeAll(async () => {
    endpoint = await startHttpsEndpoint();
    endpoint.on('GET', '/secrets/a', { body: { value: 'cnry-aaa' } });
    endpoint.on('GET', '/secrets/b', { body: { value: 'cnry-bbb' } });
  });
  afterAll(async () => {
    await endpoint.close();
  });
  beforeEach(async (ctx) => {
    s = await scenario(endpoint, 'fa');
    ctx.onTestFinished(() => s.close());
  });

  it('a 403 in a namespace the Role does not cover fails only the ExternalSecrets there', async () => {
    const elsewhere = await freshNamespace('denied');
    const mine = s.config(STORE, [es('a')]);
    const theirs = configFor(endpoint, STORE, [es('b')], { namespace: elsewhere });
    const config: Config = { stores: [...mine.stores, ...theirs.stores], externalSecrets: [...mine.externalSecrets, ...theirs.externalSecrets] };
    const summary = await s.sync(config);
    expect(summary.outcomes).toContainEqual(expect.objectContaining({ externalSecret: `${elsewhere}/es-0`, result: 'failed', message: expect.stringMatching(new RegExp(`list Secret(s| metadata) in ${elsewhere}: 403 Forbidden`, 'u')) }));
    expect(summary.outcomes).toContainEqual(expect.objectContaining({ externalSecret: `${s.namespace}/es-0`, result: 'created' }));
  });

  it('a 422 (an invalid label from a template) fails only that ExternalSecret', async () => {
    const summary = await s.sync(s.config(STORE, [es('a', { template: { metadata: { labels: { team: 'not valid!' } } } }), es('b')]));
    expect(summary.outcomes).toContainEqual(expect.objectContaining({ externalSecret: `${s.namespace}/es-0`, result: 'failed', message: expect.stringMatching(/apply Secret .*: 422 Invalid/u) }));
    expect(summary.outcomes).toContainEqual(expect.objectContaining({ externalSecret: `${s.namespace}/es-1`, result: 'created' }));
  });

  it('a 409 on delete (the Secret changed under us) is retried after a fresh read', async () => {
    const both = s.config(STORE, [es('a'), es('b')]);
    await s.sync(both, { all: true }, 'configmap:x/y');
    // Someone touches es-1 between our LIST and our DELETE: the real apiserver answers 409.
    let touched = false;
    const touching = delegate(s.gateway, {
      async deleteSecret(ns, name, pre) {
        if (!touched) {
          touched = true;
          await admin().core.patchNamespacedSecret({ namespace: ns, name, body: [{ op: 'add', path: '/metadata/labels/touched', value: 'yes' }] });
        }
        return s.gateway.deleteSecret(ns, name, pre);
      },
    });
    const onlyA = s.config(STORE, [es('a')]);
    const summary = await runOnce({ gateway: touching, config: onlyA, source: 'configmap:x/y', selection: {} });
    expect(summary.outcomes).toContainEqual(expect.objectContaining({ target: `${s.namespace}/es-1`, result: 'deleted' }));
    expect(await s.secret('es-1')).toBeUndefined();
  });

  it('an apiserver that is down at the start fails the run as a whole (systemic)', async () => {
    const proxy = await tcpProxy(new URL(providedCluster().server));
    await proxy.cut();
    const gateway = await gatewayFromKubeconfigText(s.identity.kubeconfigYaml.replace(providedCluster().server, proxy.url));
    try {
      await expect(runOnce({ gateway, config: s.config(STORE, [es('a')]), source: 'files', selection: {} })).rejects.toThrow(KubeUnreachableError);
    } finally {
      await gateway.close();
    }
  });

  it('an apiserver that goes down mid-run fails the writes, keeps existing data, and the next run recovers', async () => {
    const config = s.config(STORE, [es('a'), es('b')]);
    await s.sync(config);
    endpoint.on('GET', '/secrets/a', { body: { value: 'cnry-aaa2' } });
    const proxy = await tcpProxy(new URL(providedCluster().server));
    const gateway = await gatewayFromKubeconfigText(s.identity.kubeconfigYaml.replace(providedCluster().server, proxy.url));
    const cutting = delegate(gateway, {
      async listManagedSecrets(ns) {
        const list = await gateway.listManagedSecrets(ns);
        await proxy.cut();
        return list;
      },
    });
    try {
      const summary = await runOnce({ gateway: cutting, config, source: 'files', selection: { all: true } });
      expect(summary.outcomes.find((o) => o.externalSecret.endsWith('/es-0'))).toMatchObject({ result: 'failed', message: expect.stringMatching(/apply Secret .*: apiserver unreachable \((ECONNREFUSED|ECONNRESET|UND_ERR_SOCKET)/u) });
      expect((await s.secret('es-0'))?.data).toEqual({ value: 'cnry-aaa' });
      expect((await s.secret('es-1'))?.data).toEqual({ value: 'cnry-bbb' });
    } finally {
      await gateway.close();
    }
    const recovered = await s.sync(config, { all: true });
    expect(recovered.counts.failed).toBe(0);
    expect((await s.secret('es-0'))?.data).toEqual({ value: 'cnry-aaa2' });
    endpoint.on('GET', '/secrets/a', { body: { value: 'cnry-aaa' } });
  });

  it('two runs of one cadence and a forced refresh at once leave the right final state, with no failures', async () => {
    const config = s.config(STORE, [es('a'), es('b'), es('a', { name: 'c' }), es('b', { name: 'd' })]);
    await s.sync(config);
    endpoint.on('GET', '/secrets/a', { body: { value: 'cnry-new-a' }, delayMs: 50 });
    const runs = await Promise.all([s.sync(config, { cadence: '1h' }), s.sync(config, { cadence: '1h' }), s.sync(config, { all: true })]);
    for (const r of runs) expect(r.counts.failed).toBe(0);
    expect((await s.secret('es-0'))?.data).toEqual({ value: 'cnry-new-a' });
    expect((await s.secret('c'))?.data).toEqual({ value: 'cnry-new-a' });
    expect((await s.secret('es-1'))?.data).toEqual({ value: 'cnry-bbb' });
    endpoint.on('GET', '/secrets/a', { body: { value: 'cnry-aaa' } });
  });

  it('a run that read an old version never overwrites fresher data written by a later run (409 on apply)', async () => {
    const config = s.config(STORE, [es('a')]);
    await s.sync(config);
    // A slow run starts first (older data), a fast run starts later (newer data) and finishes first.
    endpoint.on('GET', '/secrets/a', { body: { value: 'cnry-old' }, delayMs: 600 });
    const slow = s.sync(config, { all: true });
    await new Promise((r) => setTimeout(r, 150));
    endpoint.on('GET', '/secrets/a', { body: { value: 'cnry-fresh' } });
    const fast = await s.sync(config, { all: true });
    const late = await slow;
    expect(fast.counts.updated).toBe(1);
    expect(late.outcomes[0]).toMatchObject({ result: 'unchanged', message: 'superseded by a concurrent run with fresher data' });
    expect((await s.secret('es-0'))?.data).toEqual({ value: 'cnry-fresh' });
    endpoint.on('GET', '/secrets/a', { body: { value: 'cnry-aaa' } });
  });
});
