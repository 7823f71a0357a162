/**
 * A run reads Secret data only for what it may write (the due set and Secrets whose metadata cannot
 * rule out drift), against the real apiserver: the audit log of the sync identity shows which
 * Secrets were fetched by name, a pass-through gateway which reads carried data.
 */
import { describe, expect, it } from 'vitest';
import { runOnce } from '../../src/app/run.ts';
import type { ExistingSecret, KubeGateway } from '../../src/kube/gateway.ts';
import type { Selection } from '../../src/sync/due.ts';
import { admin } from '../support/cluster.ts';
import { useScenario } from '../support/scenario.ts';
import { auditOf, writesIn } from '../support/sync.ts';

const STORE = { url: '/secrets/{{ .remoteRef.key }}', result: { jsonPath: '$.value' } };
const HOURLY = 30;
const es = (i: number, refreshInterval = '1h') => ({ refreshInterval, target: { name: `t${String(i)}` }, data: [{ secretKey: 'password', remoteRef: { key: `k${String(i)}` } }] });
// 30 hourly ExternalSecrets, 2 on a 15m cadence, and one (the last) that later leaves the config.
const all = [...Array.from({ length: HOURLY }, (_, i) => es(i)), es(HOURLY, '15m'), es(HOURLY + 1, '15m'), es(HOURLY + 2)];
const TICK_15M: Selection = { cadence: '15m', scheduledCadences: ['15m', '1h'] };

/** The real gateway, noting every Secret whose data a read returned (LIST of managed Secrets or GET). */
function noteDataReads(inner: KubeGateway): { gateway: KubeGateway; withData: Set<string>; fullLists: () => number } {
  const withData = new Set<string>();
  let fullLists = 0;
  const gateway = new Proxy(inner, {
    get(target, prop) {
      if (prop === 'listManagedSecrets') {
        return async (ns: string): Promise<ExistingSecret[]> => {
          fullLists++;
          const list = await target.listManagedSecrets(ns);
          for (const s of list) withData.add(s.name);
          return list;
        };
      }
      if (prop === 'getSecret') {
        return async (ns: string, name: string): Promise<ExistingSecret | undefined> => {
          const s = await target.getSecret(ns, name);
          if (s) withData.add(name);
          return s;
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { gateway, withData, fullLists: () => fullLists };
}

describe('reads follow the due set', () => {
  const t = useScenario('reads', (endpoint) => {
    endpoint.on('GET', (r) => r.path.startsWith('/secrets/'), (r) => ({ body: { value: `cnry-${r.path.split('/')[2] ?? ''}` } }));
  });

  it('a run with 2 of 33 due reads the data of those and of the drifted ones only, and still repairs and prunes', async () => {
    // Prepare: everything synced, then four kinds of tampering behind our back and one ExternalSecret removed.
    const ns = t.s.namespace;
    await runOnce({ gateway: t.s.gateway, config: t.s.config(STORE, all), source: 'files', selection: { all: true } });
    const { core } = admin();
    const patch = (name: string, body: object[]) => core.patchNamespacedSecret({ namespace: ns, name, body });
    const b64 = (text: string): string => Buffer.from(text).toString('base64');
    await patch('t5', [{ op: 'replace', path: '/data/password', value: b64('cnry-tampered') }]);
    await patch('t6', [{ op: 'add', path: '/data/extra', value: b64('cnry-intruder') }]);
    await patch('t7', [{ op: 'remove', path: '/data/password' }]);
    // Data changed by a request that also wiped the managed fields: no trace of who wrote what.
    await patch('t8', [{ op: 'replace', path: '/metadata/managedFields', value: [{}] }, { op: 'replace', path: '/data/password', value: b64('cnry-wiped') }]);
    // Written before the key count was recorded: the data must be read to rule out drift, then it is not due.
    await patch('t9', [{ op: 'remove', path: '/metadata/annotations/webhook-secret-sync.io~1data-keys' }]);
    const config = t.s.config(STORE, all.slice(0, -1));
    const reads = noteDataReads(t.s.gateway);
    const before = (await auditOf(t.s.identity.user)).length;
    // Act
    const summary = await runOnce({ gateway: reads.gateway, config, source: 'files', selection: TICK_15M, prune: true });
    // Assess: data read exactly where it may be needed, by name, after one metadata-only LIST.
    const during = (await auditOf(t.s.identity.user)).slice(before).filter((e) => e.resource === 'secrets');
    expect([...reads.withData].sort()).toEqual(['t30', 't31', 't5', 't6', 't7', 't8', 't9']);
    expect(reads.fullLists()).toBe(0);
    expect(during.filter((e) => e.verb === 'list')).toHaveLength(1);
    expect(during.filter((e) => e.verb === 'get').map((e) => e.name).sort()).toEqual([...reads.withData].sort());
    // ... and everything else still right: the drift repaired, the orphan pruned, the rest untouched.
    const by = (target: string) => summary.outcomes.find((o) => o.target === `${ns}/${target}`);
    for (const name of ['t5', 't6', 't7', 't8']) expect(by(name), name).toMatchObject({ result: 'updated' });
    for (const name of ['t5', 't6', 't7', 't8']) expect((await t.s.secret(name))?.data, name).toEqual({ password: `cnry-k${name.slice(1)}` });
    expect(by('t9')).toMatchObject({ result: 'skipped', reason: 'NotDue' });
    expect(by('t32')).toMatchObject({ result: 'deleted' });
    expect(await t.s.secret('t32')).toBeUndefined();
    expect(summary.counts).toMatchObject({ failed: 0, unchanged: 2, updated: 4, deleted: 1, skipped: HOURLY - 4 });
  });

  it('the next run of the same cadence writes nothing and reads no data of Secrets that are not due', async () => {
    // Prepare
    const config = t.s.config(STORE, all);
    await runOnce({ gateway: t.s.gateway, config, source: 'files', selection: { all: true } });
    await runOnce({ gateway: t.s.gateway, config, source: 'files', selection: TICK_15M });
    const reads = noteDataReads(t.s.gateway);
    const before = (await auditOf(t.s.identity.user)).length;
    // Act
    const summary = await runOnce({ gateway: reads.gateway, config, source: 'files', selection: TICK_15M });
    // Assess
    const during = (await auditOf(t.s.identity.user)).slice(before);
    expect(writesIn(during)).toEqual([]);
    expect(summary.counts).toMatchObject({ unchanged: 2, skipped: HOURLY + 1, failed: 0 });
    expect([...reads.withData].sort()).toEqual(['t30', 't31']);
  });

  it('a forced refresh of named ExternalSecrets that prunes nothing reads just their targets, by GET', async () => {
    // Prepare: t1 tampered (not selected: left alone), t3 deleted (selected: created again).
    const ns = t.s.namespace;
    const config = t.s.config(STORE, all);
    await runOnce({ gateway: t.s.gateway, config, source: 'files', selection: { all: true } });
    await admin().core.patchNamespacedSecret({ namespace: ns, name: 't1', body: [{ op: 'replace', path: '/data/password', value: Buffer.from('cnry-tampered').toString('base64') }] });
    await admin().core.deleteNamespacedSecret({ namespace: ns, name: 't3' });
    const reads = noteDataReads(t.s.gateway);
    const before = (await auditOf(t.s.identity.user)).length;
    // Act
    const summary = await runOnce({ gateway: reads.gateway, config, source: 'files', selection: { externalSecrets: [`${ns}/es-2`, `${ns}/es-3`] } });
    // Assess
    const during = (await auditOf(t.s.identity.user)).slice(before).filter((e) => e.resource === 'secrets');
    expect(summary.counts).toMatchObject({ unchanged: 1, created: 1, skipped: all.length - 2, failed: 0 });
    expect(during.filter((e) => e.verb === 'list')).toEqual([]);
    expect(during.filter((e) => e.verb === 'get').map((e) => e.name).sort()).toEqual(['t2', 't3']);
    expect([...reads.withData]).toEqual(['t2']);
    expect((await t.s.secret('t3'))?.data).toEqual({ password: 'cnry-k3' });
    expect((await t.s.secret('t1'))?.data).toEqual({ password: 'cnry-tampered' });
  });

  it('a Secret written before the key count was recorded gets it by one annotation patch when next due, not a rewrite', async () => {
    // Prepare
    const ns = t.s.namespace;
    const config = t.s.config(STORE, all);
    await runOnce({ gateway: t.s.gateway, config, source: 'files', selection: { all: true } });
    await admin().core.patchNamespacedSecret({ namespace: ns, name: 't4', body: [{ op: 'remove', path: '/metadata/annotations/webhook-secret-sync.io~1data-keys' }] });
    const before = (await auditOf(t.s.identity.user)).length;
    // Act
    const summary = await runOnce({ gateway: t.s.gateway, config, source: 'files', selection: { cadence: '1h', scheduledCadences: ['15m', '1h'] } });
    // Assess
    const writes = writesIn((await auditOf(t.s.identity.user)).slice(before));
    expect(summary.counts).toMatchObject({ unchanged: HOURLY + 1, updated: 0, failed: 0 });
    expect(writes.map((e) => `${e.verb} ${e.resource ?? ''}/${e.name ?? ''}`)).toEqual(['patch secrets/t4']);
    expect((await t.s.secret('t4'))?.annotations['webhook-secret-sync.io/data-keys']).toBe('1');
  });

  it('a namespace reached after the time budget is not read: its ExternalSecrets are skipped, not failed', async () => {
    // Prepare
    const config = t.s.config(STORE, all.slice(0, 3));
    const before = (await auditOf(t.s.identity.user)).length;
    // Act: the deadline has passed before the run starts.
    const summary = await runOnce({ gateway: t.s.gateway, config, source: 'files', selection: { all: true }, deadline: Date.now() - 1 });
    // Assess
    const during = (await auditOf(t.s.identity.user)).slice(before).filter((e) => e.resource === 'secrets');
    expect(summary.counts).toMatchObject({ skipped: 3, failed: 0, created: 0 });
    expect(summary.outcomes.map((o) => o.reason)).toEqual(['DeadlineReached', 'DeadlineReached', 'DeadlineReached']);
    expect(during).toEqual([]);
  });

  it('a scheduled tick where most are due reads the namespace in one full LIST, no GETs', async () => {
    // Prepare
    const config = t.s.config(STORE, all);
    await runOnce({ gateway: t.s.gateway, config, source: 'files', selection: { all: true } });
    const reads = noteDataReads(t.s.gateway);
    const before = (await auditOf(t.s.identity.user)).length;
    // Act
    const summary = await runOnce({ gateway: reads.gateway, config, source: 'files', selection: { cadence: '1h', scheduledCadences: ['15m', '1h'] } });
    // Assess
    const during = (await auditOf(t.s.identity.user)).slice(before).filter((e) => e.resource === 'secrets');
    expect(summary.counts).toMatchObject({ unchanged: HOURLY + 1, skipped: 2, failed: 0 });
    expect(reads.fullLists()).toBe(1);
    expect(during.map((e) => e.verb)).toEqual(['list']);
  });
});
