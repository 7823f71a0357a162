/**
 * Which run refreshes which ExternalSecret (issue #11), against the real kube-apiserver as the
 * identity `rbac` prints, with a real HTTPS endpoint.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHttpsEndpoint, type HttpsEndpoint } from '../../src/local/https-endpoint.ts';
import { UnknownCadenceError } from '../../src/sync/errors.ts';
import { admin } from '../support/cluster.ts';
import { scenario, type Scenario } from '../support/scenario.ts';
import { auditOf, writesIn } from '../support/sync.ts';

const STORE = { url: '/secrets/{{ .remoteRef.key }}', result: { jsonPath: '$.value' } };
const CM = 'wss';
const one = (extra: Record<string, unknown> = {}) => ({ data: [{ secretKey: 'password', remoteRef: { key: 'db' } }], ...extra });

describe('scheduling', () => {
  let endpoint: HttpsEndpoint;
  let s: Scenario;
  beforeAll(async () => {
    endpoint = await startHttpsEndpoint();
  });
  afterAll(async () => {
    await endpoint.close();
  });
  beforeEach(async (ctx) => {
    endpoint.reset();
    // A ConfigMap source: its identity may also get and patch the `-state` ConfigMap beside it.
    s = await scenario(endpoint, 'sch', undefined, CM);
    // What `config push` does besides pushing: create the (empty) state ConfigMap.
    await admin().core.createNamespacedConfigMap({ namespace: s.namespace, body: { metadata: { name: `${CM}-state` } } });
    ctx.onTestFinished(() => s.close());
  });

  it('serves a cadence spelt 60m as the 1h one, and refuses a cadence nobody serves', async () => {
    endpoint.on('GET', '/secrets/db', { body: { value: 'cnry-c1' } });
    const config = s.config(STORE, [one({ refreshInterval: '60m' })]);
    await s.sync(config);
    endpoint.on('GET', '/secrets/db', { body: { value: 'cnry-c2' } });
    const summary = await s.sync(config, { cadence: '60m', scheduledCadences: ['3600s'] });
    expect(summary.outcomes[0]).toMatchObject({ result: 'updated', cadence: '1h' });
    expect((await s.secret('es-0'))?.data).toEqual({ password: 'cnry-c2' });
    const requests = endpoint.requests.length;
    await expect(s.sync(config, { cadence: '7m' })).rejects.toThrow(UnknownCadenceError);
    await expect(s.sync(config, { cadence: '7m' })).rejects.toThrow('cadence "7m" is not the refreshInterval of any ExternalSecret in the config: known cadences are 1h');
    expect(endpoint.requests.length).toBe(requests);
  });

  // ESO requeues after refreshInterval whatever the outcome (getRequeueResult); without an
  // ExternalSecret object the time of the last check lives in the source's state ConfigMap.
  it('fetches an overdue ExternalSecret once per refreshInterval, writing no Secret and one state patch', async () => {
    endpoint.on('GET', '/secrets/db', { body: { value: 'cnry-od1' } });
    const source = `configmap:${s.namespace}/${CM}`;
    const config = s.config(STORE, [one()]);
    await s.sync(config, {}, source);
    // The last sync was two hours ago: overdue for its 1h refreshInterval, which no schedule serves.
    await admin().core.patchNamespacedSecret({ namespace: s.namespace, name: 'es-0', body: [{ op: 'replace', path: '/metadata/annotations/webhook-secret-sync.io~1last-sync', value: new Date(Date.now() - 2 * 3_600_000).toISOString() }] });
    const tick = { cadence: '15m', scheduledCadences: ['15m'] };
    const before = (await auditOf(s.identity.user)).length;
    const first = await s.sync(config, tick, source);
    const firstCalls = (await auditOf(s.identity.user)).slice(before);
    expect(first.outcomes[0]).toMatchObject({ result: 'unchanged' });
    expect(endpoint.requests).toHaveLength(2);
    expect(writesIn(firstCalls).map((e) => `${e.verb} ${e.resource ?? ''}/${e.name ?? ''}`)).toEqual([`patch configmaps/${CM}-state`]);
    const mid = (await auditOf(s.identity.user)).length;
    const second = await s.sync(config, tick, source);
    expect(second.outcomes[0]).toMatchObject({ result: 'skipped', reason: 'NotDue', message: expect.stringContaining('not due: last check') });
    expect(endpoint.requests).toHaveLength(2);
    expect(writesIn((await auditOf(s.identity.user)).slice(mid))).toEqual([]);
    const state = await admin().core.readNamespacedConfigMap({ namespace: s.namespace, name: `${CM}-state` });
    expect(Object.keys(state.data ?? {})).toEqual([`${s.namespace}.es-0`]);
  });

  // ESO: creationPolicy None fetches and writes nothing; a Merge whose target is missing is not
  // created (patchSecret's errPolicyMergeNotFound before v0.11); both requeue after refreshInterval.
  it('follows the own refreshInterval of creationPolicy None and of a Merge whose target is missing', async () => {
    endpoint.on('GET', '/secrets/db', { body: { value: 'cnry-none' } });
    const source = `configmap:${s.namespace}/${CM}`;
    const config = s.config(STORE, [
      one({ refreshInterval: '24h', target: { name: 'none', creationPolicy: 'None' } }),
      one({ refreshInterval: '24h', target: { name: 'absent', creationPolicy: 'Merge' } }),
    ]);
    const minute = { cadence: '1m', scheduledCadences: ['1m', '24h'] };
    const first = await s.sync(config, minute, source);
    expect(first.outcomes).toEqual(expect.arrayContaining([
      expect.objectContaining({ target: `${s.namespace}/none`, result: 'skipped', reason: 'CreationPolicyNone' }),
      expect.objectContaining({ target: `${s.namespace}/absent`, result: 'failed', reason: 'SecretMissing', message: `target Secret ${s.namespace}/absent does not exist: secret will not be created due to CreationPolicy=Merge` }),
    ]));
    const fetched = endpoint.requests.length;
    for (const selection of [minute, { cadence: '1m', scheduledCadences: ['1m'] }]) {
      const next = await s.sync(config, selection, source);
      expect(next.outcomes.map((o) => o.reason)).toEqual(['NotDue', 'NotDue']);
    }
    expect(endpoint.requests.length).toBe(fetched);
    const daily = await s.sync(config, { cadence: '24h', scheduledCadences: ['1m', '24h'] }, source);
    expect(daily.outcomes.map((o) => o.reason).sort()).toEqual(['CreationPolicyNone', 'SecretMissing']);
    expect(await s.secret('absent')).toBeUndefined();
    expect(await s.secret('none')).toBeUndefined();
  });

  it('without the state ConfigMap (not pushed since the upgrade) says so once per run and fails nothing', async () => {
    await admin().core.deleteNamespacedConfigMap({ namespace: s.namespace, name: `${CM}-state` });
    endpoint.on('GET', '/secrets/db', { body: { value: 'cnry-ns1' } });
    const source = `configmap:${s.namespace}/${CM}`;
    const config = s.config(STORE, [one({ target: { creationPolicy: 'None' } })]);
    const summary = await s.sync(config, {}, source);
    expect(summary.counts.failed).toBe(0);
    expect(summary.outcomes).toContainEqual(expect.objectContaining({ result: 'skipped', reason: 'StateMissing', message: expect.stringContaining(`ConfigMap ${s.namespace}/${CM}-state does not exist: run \`webhook-secret-sync config push\``) }));
  });
});
