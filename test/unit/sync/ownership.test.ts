import { describe, expect, it } from 'vitest';
import type { ExternalSecretDef } from '../../../src/config/types.ts';
import type { ExistingSecret } from '../../../src/kube/gateway.ts';
import { MANAGED } from '../../../src/model/managed.ts';
import { ownedBy, writeRefusal } from '../../../src/sync/ownership.ts';

const A = 'configmap:cfg/a';
const B = 'configmap:cfg/b';

function es(name: string, options: { policy?: 'Owner' | 'Orphan' | 'Merge'; annotations?: Record<string, string> } = {}): ExternalSecretDef {
  return {
    namespace: 'ns', name, labels: {}, annotations: options.annotations ?? {}, refreshMs: 3_600_000, cadence: '1h', targetName: 'target', specHash: 'h',
    origin: { source: 'x', document: 1 },
    spec: { refreshInterval: '1h', target: { creationPolicy: options.policy ?? 'Owner', deletionPolicy: 'Retain' } },
  };
}

function secret(annotations: Record<string, string>): ExistingSecret {
  return { name: 'target', namespace: 'ns', uid: 'u', resourceVersion: '1', type: 'Opaque', labels: {}, annotations, data: {}, immutable: false };
}

const recorded = (owner: string, source: string) => secret({ [MANAGED.externalSecretAnnotation]: owner, [MANAGED.sourceAnnotation]: source });

describe('writeRefusal', () => {
  it.each([
    ['a missing target', es('db'), undefined, new Set(['ns/db'])],
    ['its own Secret', es('db'), recorded('ns/db', A), new Set(['ns/db'])],
    ['a renamed owner that left the config', es('database'), recorded('ns/db', A), new Set(['ns/database'])],
    ['another source\'s Secret with the take-over annotation naming it', es('db', { annotations: { [MANAGED.takeOverAnnotation]: B } }), recorded('ns/db', B), new Set(['ns/db'])],
    ['a Secret we did not create, under Merge', es('db', { policy: 'Merge' }), secret({}), new Set(['ns/db'])],
    ['a Secret recorded before sources were recorded', es('db'), secret({ [MANAGED.externalSecretAnnotation]: 'ns/db' }), new Set(['ns/db'])],
  ])('allows %s', (_, e, existing, current) => {
    expect(writeRefusal(e, existing, { source: A, current })).toBeUndefined();
  });

  it.each([
    ['a Secret we did not create, under Owner', es('db'), secret({}), 'failed to take ownership of target secret: Secret ns/target exists and was not created by webhook-secret-sync'],
    ['an owner still in the config', es('intruder'), recorded('ns/db', A), 'target is owned by another ExternalSecret (ns/db)'],
    ['another source\'s Secret', es('db'), recorded('ns/db', B), `target Secret ns/target is managed from another source (${B}, ExternalSecret ns/db); it is not written from ${A}. To move it here without a gap, annotate this ExternalSecret ${MANAGED.takeOverAnnotation}: "${B}"`],
    ['another source\'s Secret with a take-over naming a third source', es('db', { annotations: { [MANAGED.takeOverAnnotation]: 'files' } }), recorded('ns/db', B), 'is managed from another source'],
  ])('refuses %s', (_, e, existing, message) => {
    expect(writeRefusal(e, existing, { source: A, current: new Set(['ns/db', 'ns/intruder']) })).toContain(message);
  });
});

describe('ownedBy', () => {
  it.each([
    [recorded('ns/db', A), true],
    [recorded('ns/db', B), false],
    [recorded('ns/other', A), false],
  ])('%j is owned by ns/db of A: %s', (s, want) => {
    expect(ownedBy(es('db'), s, A)).toBe(want);
  });
});
