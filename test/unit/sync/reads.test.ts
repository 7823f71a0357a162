import { describe, expect, it } from 'vitest';
import type { ExternalSecretDef } from '../../../src/config/types.ts';
import type { ExistingSecret } from '../../../src/kube/gateway.ts';
import { MANAGED } from '../../../src/model/managed.ts';
import { certainlyDue, isDue, type Selection } from '../../../src/sync/due.ts';
import { dataUntouched } from '../../../src/sync/reads.ts';

function meta(dataFields: ExistingSecret['dataFields'], keys: string | null = '2'): ExistingSecret {
  return {
    name: 'app', namespace: 'ns', uid: 'u', resourceVersion: '1', type: '', labels: {}, immutable: false, data: {},
    annotations: { [MANAGED.externalSecretAnnotation]: 'ns/app', ...(keys === null ? {} : { [MANAGED.dataKeysAnnotation]: keys }) },
    ...(dataFields ? { dataFields } : {}),
  };
}

function es(refreshPolicy?: 'CreatedOnce' | 'OnChange', cadence = '1h', refreshMs = 3_600_000): ExternalSecretDef {
  return {
    namespace: 'ns', name: 'app', labels: {}, annotations: {}, refreshMs, cadence, targetName: 'app', specHash: 'h1',
    origin: { source: 'x', document: 1 },
    spec: { refreshInterval: cadence, ...(refreshPolicy ? { refreshPolicy } : {}), target: { creationPolicy: 'Owner', deletionPolicy: 'Retain' } },
  };
}

describe('dataUntouched', () => {
  it.each<[string, ExistingSecret, boolean]>([
    ['only our managers own data keys, as many as recorded', meta({ ours: 2, others: false }), true],
    ['another manager owns a data key (changed or added it)', meta({ ours: 1, others: true }), false],
    ['we own fewer keys than recorded (someone removed one)', meta({ ours: 1, others: false }), false],
    ['no managed fields at all (wiped)', meta(undefined), false],
    ['no recorded key count (written by an older version)', meta({ ours: 2, others: false }, null), false],
  ])('%s', (_case, secret, want) => {
    // Act / Assess
    expect(dataUntouched(secret)).toBe(want);
  });
});

describe('certainlyDue agrees with isDue whatever the Secret records', () => {
  const drifted = { ...meta({ ours: 2, others: false }), annotations: { [MANAGED.externalSecretAnnotation]: 'ns/app', [MANAGED.creationPolicyAnnotation]: 'Owner', [MANAGED.specHashAnnotation]: 'h1', [MANAGED.lastSyncAnnotation]: new Date().toISOString() } };
  it.each<[string, ExternalSecretDef, Selection, boolean]>([
    ['forced (all)', es('CreatedOnce'), { all: true }, true],
    ['forced by name', es('OnChange'), { externalSecrets: ['ns/app'] }, true],
    ['its own cadence, Periodic', es(), { cadence: '1h' }, true],
    ['its own cadence, CreatedOnce (depends on the Secret)', es('CreatedOnce'), { cadence: '1h' }, false],
    ['another cadence (depends on the Secret)', es(), { cadence: '15m' }, false],
    ['refreshInterval 0', es(undefined, '0s', 0), { cadence: '0s' }, false],
  ])('%s', (_case, def, selection, want) => {
    // Act
    const certain = certainlyDue(def, selection);
    // Assess: "certainly" holds for a missing target and for a fresh, untouched one alike.
    expect(certain).toBe(want);
    if (certain) {
      expect(isDue(def, undefined, selection, Date.now()).due).toBe(true);
      expect(isDue(def, drifted, selection, Date.now(), undefined, true).due).toBe(true);
    }
  });
});
