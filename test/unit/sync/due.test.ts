import { describe, expect, it } from 'vitest';
import type { ExternalSecretDef } from '../../../src/config/types.ts';
import type { ExistingSecret } from '../../../src/kube/gateway.ts';
import { MANAGED } from '../../../src/model/managed.ts';
import { dataHash } from '../../../src/sync/desired-secret.ts';
import { isDue, type Selection } from '../../../src/sync/due.ts';

const NOW = Date.parse('2026-11-28T12:00:00Z');
const HOUR = 3_600_000;

function es(policy?: 'CreatedOnce' | 'Periodic' | 'OnChange', refreshMs = HOUR, cadence = '1h'): ExternalSecretDef {
  return {
    namespace: 'ns', name: 'app', labels: {}, annotations: {}, refreshMs, cadence, targetName: 'app', specHash: 'h1',
    origin: { source: 'x', document: 1 },
    spec: { refreshInterval: cadence, ...(policy ? { refreshPolicy: policy } : {}), target: { creationPolicy: 'Owner', deletionPolicy: 'Retain' } },
  };
}

function secret(lastSyncAgoMs: number, overrides: Record<string, string> = {}): ExistingSecret {
  const data = { k: Buffer.from('v') };
  return {
    name: 'app', namespace: 'ns', uid: 'u', resourceVersion: '1', type: 'Opaque', labels: {}, immutable: false, data,
    annotations: {
      [MANAGED.externalSecretAnnotation]: 'ns/app',
      [MANAGED.specHashAnnotation]: 'h1',
      [MANAGED.creationPolicyAnnotation]: 'Owner',
      [MANAGED.dataHashAnnotation]: dataHash(data),
      [MANAGED.lastSyncAnnotation]: new Date(NOW - lastSyncAgoMs).toISOString(),
      ...overrides,
    },
  };
}

describe('isDue', () => {
  it.each<[string, ExternalSecretDef, ExistingSecret | undefined, Selection, boolean]>([
    ['a missing target is due', es(), undefined, { cadence: '15m' }, true],
    ['the run of its own cadence makes it due', es(), secret(60_000), { cadence: '1h' }, true],
    ['another cadence leaves a fresh one alone', es(), secret(60_000), { cadence: '15m' }, false],
    ['another cadence serves an overdue one', es(), secret(2 * HOUR), { cadence: '15m' }, true],
    ['a changed spec is due on any run', es(), secret(60_000, { [MANAGED.specHashAnnotation]: 'old' }), { cadence: '15m' }, true],
    ['drifted data is due', es(), secret(60_000, { [MANAGED.dataHashAnnotation]: 'other' }), { cadence: '15m' }, true],
    ['CreatedOnce is never refreshed once created', es('CreatedOnce'), secret(10 * HOUR), { cadence: '1h' }, false],
    ['OnChange ignores time', es('OnChange'), secret(10 * HOUR), { cadence: '1h' }, false],
    ['OnChange refreshes after a spec change', es('OnChange'), secret(60_000, { [MANAGED.specHashAnnotation]: 'old' }), {}, true],
    ['refreshInterval 0 disables periodic refresh', es('Periodic', 0, '0s'), secret(10 * HOUR), { cadence: '0s' }, false],
    ['a cadence with its own schedule is not served as overdue by another', es(), secret(2 * HOUR), { cadence: '15m', scheduledCadences: ['15m', '1h'] }, false],
    ['a cadence without a schedule is served as overdue', es(), secret(2 * HOUR), { cadence: '15m', scheduledCadences: ['15m'] }, true],
    ['CreatedOnce still repairs drifted data (ESO resyncs an invalid target)', es('CreatedOnce'), secret(60_000, { [MANAGED.dataHashAnnotation]: 'other' }), {}, true],
    ['Orphan targets are never checked for drift', es('CreatedOnce'), secret(60_000, { [MANAGED.dataHashAnnotation]: 'other', [MANAGED.creationPolicyAnnotation]: 'Orphan' }), {}, false],
    ['--all forces', es('CreatedOnce'), secret(60_000), { all: true }, true],
    ['--external-secret forces that one', es('CreatedOnce'), secret(60_000), { externalSecrets: ['ns/app'] }, true],
    ['--external-secret leaves the others alone', es(), undefined, { externalSecrets: ['ns/other'] }, false],
  ])('%s', (_name, def, existing, selection, want) => {
    expect(isDue(def, existing, selection, NOW).due).toBe(want);
  });

  const withPolicy = (creationPolicy: 'None' | 'Merge'): ExternalSecretDef => {
    const d = es('Periodic', 24 * HOUR, '24h');
    return { ...d, spec: { ...d.spec, target: { ...d.spec.target, creationPolicy } } };
  };
  it.each<[string, ExternalSecretDef, ExistingSecret | undefined, Selection, number | undefined, boolean]>([
    ['an overdue Secret checked a minute ago is not due again', es(), secret(2 * HOUR), { cadence: '15m', scheduledCadences: ['15m'] }, NOW - 60_000, false],
    ['an overdue Secret checked over an interval ago is due', es(), secret(3 * HOUR), { cadence: '15m', scheduledCadences: ['15m'] }, NOW - 2 * HOUR, true],
    ['a check older than the last sync does not count', es(), secret(2 * HOUR), { cadence: '15m', scheduledCadences: ['15m'] }, NOW - 3 * HOUR, true],
    ['None never checked is due', withPolicy('None'), undefined, { cadence: '1m', scheduledCadences: ['1m', '24h'] }, undefined, true],
    ['None checked a minute ago waits for its own 24h run', withPolicy('None'), undefined, { cadence: '1m', scheduledCadences: ['1m', '24h'] }, NOW - 60_000, false],
    ['None is due on its own cadence run', withPolicy('None'), undefined, { cadence: '24h', scheduledCadences: ['1m', '24h'] }, NOW - 60_000, true],
    ['a missing Merge target checked an hour ago waits (unscheduled 24h)', withPolicy('Merge'), undefined, { cadence: '1m', scheduledCadences: ['1m'] }, NOW - HOUR, false],
    ['a missing Merge target checked a day ago is overdue', withPolicy('Merge'), undefined, { cadence: '1m', scheduledCadences: ['1m'] }, NOW - 25 * HOUR, true],
  ])('%s', (_name, def, existing, selection, checkedAt, want) => {
    expect(isDue(def, existing, selection, NOW, checkedAt).due).toBe(want);
  });

  it('says why it skipped', () => {
    expect(isDue(es(), secret(12 * 60_000), { cadence: '15m' }, NOW)).toEqual({ due: false, why: 'not due: last sync 12m ago, refreshInterval 1h' });
  });
});
