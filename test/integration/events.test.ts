/**
 * Events on the real kube-apiserver, recorded as the identity `rbac` prints (issue #11 item 6).
 * Kubernetes, not ESO, defines this: client-go's EventCorrelator (EventAggregator + eventLogger)
 * counts an identical Event on the existing object instead of creating a new one.
 */
import { describe, expect, it } from 'vitest';
import { admin } from '../support/cluster.ts';
import { useScenario } from '../support/scenario.ts';

const STORE = { url: '/secrets/{{ .remoteRef.key }}', result: { jsonPath: '$.value' } };

describe('events', () => {
  const t = useScenario('ev');

  it('counts a repeated failure on one Event (count, lastTimestamp) and keeps a different message apart', async () => {
    t.endpoint.on('GET', '/secrets/db', { status: 403, body: 'no' });
    const config = t.s.config(STORE, [{ data: [{ secretKey: 'password', remoteRef: { key: 'db' } }] }]);
    for (let i = 0; i < 3; i++) expect((await t.s.sync(config, { all: true })).counts.failed).toBe(1);
    t.endpoint.on('GET', '/secrets/db', { status: 404, body: 'gone' });
    await t.s.sync(config, { all: true });
    const events = (await admin().core.listNamespacedEvent({ namespace: t.s.namespace })).items.filter((e) => e.involvedObject.name === 'es-0');
    const byMessage = new Map(events.map((e) => [e.message ?? '', e]));
    expect(events).toHaveLength(2);
    const repeated = [...byMessage.entries()].find(([m]) => m.includes('403'))?.[1];
    expect(repeated).toMatchObject({ type: 'Warning', reason: 'UpdateFailed', count: 3 });
    expect(new Date(repeated?.lastTimestamp ?? 0).getTime()).toBeGreaterThanOrEqual(new Date(repeated?.firstTimestamp ?? 0).getTime());
    expect([...byMessage.values()].find((e) => e !== repeated)).toMatchObject({ count: 1 });
  });
});
