/**
 * Target policies at their edges (issue #11), against the real kube-apiserver as the identity `rbac`
 * prints, with a real HTTPS endpoint.
 */
import { describe, expect, it } from 'vitest';
import { admin } from '../support/cluster.ts';
import { useScenario } from '../support/scenario.ts';
import { auditOf } from '../support/sync.ts';

const STORE = { url: '/secrets/{{ .remoteRef.key }}', result: { jsonPath: '$.value' } };
// Runs of the 1h schedule, as the deployed stack makes them once an ExternalSecret moved to 15m.
const SCHEDULED = ['15m', '1h'];
const one = (extra: Record<string, unknown> = {}) => ({ data: [{ secretKey: 'password', remoteRef: { key: 'db' } }], ...extra });

describe('target policies', () => {
  const t = useScenario('tp');

  // ESO: externalsecret_controller.go mutationFunc (objectDoesNotExistOrCanBeMutated) and updateSecret:
  // an immutable Secret still takes metadata; only a data change is refused.
  it('applies a metadata-only change to an immutable Secret, then is quiet on its new cadence', async () => {
    t.endpoint.on('GET', '/secrets/db', { body: { value: 'cnry-imm1' } });
    await t.s.sync(t.s.config(STORE, [one({ target: { immutable: true } })]));
    const changed = t.s.config(STORE, [one({ refreshInterval: '15m', target: { immutable: true } })]);
    const first = await t.s.sync(changed, { cadence: '1h', scheduledCadences: SCHEDULED });
    expect(first.outcomes[0]).toMatchObject({ result: 'updated' });
    const secret = await t.s.secret('es-0');
    expect(secret).toMatchObject({ immutable: true, data: { password: 'cnry-imm1' } });
    expect(secret?.annotations['webhook-secret-sync.io/cadence']).toBe('15m');
    expect(secret?.annotations['webhook-secret-sync.io/last-error']).toBeUndefined();
    const next = await t.s.sync(changed, { cadence: '1h', scheduledCadences: SCHEDULED });
    expect(next.outcomes[0]).toMatchObject({ result: 'skipped', reason: 'NotDue' });
  });

  it('refuses a data change to an immutable Secret with ESO\'s message, records the new spec, and is not due on every run', async () => {
    t.endpoint.on('GET', '/secrets/db', { body: { value: 'cnry-imm1' } });
    await t.s.sync(t.s.config(STORE, [one({ target: { immutable: true } })]));
    t.endpoint.on('GET', '/secrets/db', { body: { value: 'cnry-imm2' } });
    const changed = t.s.config(STORE, [one({ refreshInterval: '15m', target: { immutable: true } })]);
    const first = await t.s.sync(changed, { cadence: '1h', scheduledCadences: SCHEDULED });
    expect(first.outcomes[0]).toMatchObject({
      result: 'failed',
      message: `could not update secret, target is immutable: unable to update secret ${t.s.namespace}/es-0: secret is immutable`,
    });
    const secret = await t.s.secret('es-0');
    expect(secret).toMatchObject({ immutable: true, data: { password: 'cnry-imm1' } });
    expect(secret?.annotations['webhook-secret-sync.io/cadence']).toBe('15m');
    expect(secret?.annotations['webhook-secret-sync.io/last-error']).toContain('secret is immutable');
    // The spec change is recorded, so only its own cadence (15m) tries again.
    expect((await t.s.sync(changed, { cadence: '1h', scheduledCadences: SCHEDULED })).outcomes[0]).toMatchObject({ result: 'skipped', reason: 'NotDue' });
    expect((await t.s.sync(changed, { cadence: '15m', scheduledCadences: SCHEDULED })).outcomes[0]).toMatchObject({ result: 'failed', message: expect.stringContaining('secret is immutable') });
  });

  // ESO: Reconcile, `len(dataMap) == 0` with DeletionPolicyMerge is a no-op there and the write goes
  // on, so the keys this ExternalSecret wrote are removed (getManagedDataKeys) and the Secret stays.
  it('with deletionPolicy Merge and every entry 404, removes the keys it wrote and keeps the Secret', async () => {
    t.endpoint.on('GET', '/secrets/db', { body: { value: 'cnry-m1' } });
    t.endpoint.on('GET', '/secrets/api', { body: { value: 'cnry-m2' } });
    const config = t.s.config(STORE, [{ data: [{ secretKey: 'password', remoteRef: { key: 'db' } }, { secretKey: 'api', remoteRef: { key: 'api' } }], target: { deletionPolicy: 'Merge' } }]);
    await t.s.sync(config);
    t.endpoint.on('GET', '/secrets/db', { status: 404 });
    t.endpoint.on('GET', '/secrets/api', { status: 404 });
    const summary = await t.s.sync(config, { all: true });
    expect(summary.outcomes[0]).toMatchObject({ result: 'updated' });
    const secret = await t.s.secret('es-0');
    expect(secret).toBeDefined();
    expect(secret?.data).toEqual({});
  });

  // ESO: mutationFunc resets the data of an Orphan target to what the ExternalSecret provides
  // (ApplyTemplate with mergePolicy Replace), so adopting takes one reconcile.
  it('adopts an existing Secret with Orphan in one run, reading in full only the target being adopted', async () => {
    await admin().core.createNamespacedSecret({ namespace: t.s.namespace, body: { metadata: { name: 'legacy' }, stringData: { password: 'cnry-old', stale: 'cnry-stale' } } });
    t.endpoint.on('GET', '/secrets/db', { body: { value: 'cnry-adopted' } });
    const config = t.s.config(STORE, [one({ target: { name: 'legacy', creationPolicy: 'Orphan' } }), one({ target: { name: 'fresh', creationPolicy: 'Orphan' } })]);
    const before = (await auditOf(t.s.identity.user)).length;
    const summary = await t.s.sync(config);
    const during = (await auditOf(t.s.identity.user)).slice(before);
    expect(summary.outcomes).toContainEqual(expect.objectContaining({ target: `${t.s.namespace}/legacy`, result: 'updated' }));
    expect((await t.s.secret('legacy'))?.data).toEqual({ password: 'cnry-adopted' });
    expect((await t.s.secret('fresh'))?.data).toEqual({ password: 'cnry-adopted' });
    expect(during.filter((e) => e.resource === 'secrets' && e.verb === 'get').map((e) => e.name)).toEqual(['legacy']);
  });
});
