/** The sync function's input parsing: the three accepted shapes, and refusals that do not echo the input. */
import { describe, expect, it } from 'vitest';
import { InvalidEventError, parseEvent } from '../../../functions/sync/event.ts';
import { ownedSelection } from '../../../functions/sync/owned.ts';
import { loadConfig } from '../../../src/config/load.ts';

const envelope = (detail: unknown) => ({ version: '0', id: 'e-1', 'detail-type': 'ForceRefresh', source: 'webhook-secret-sync.cli', account: '1', time: '2026-11-30T00:00:00Z', region: 'eu-west-1', resources: [], detail });

describe('parseEvent', () => {
  it.each([
    ['the schedule payload', { cadence: '1h' }, { trigger: { kind: 'schedule', cadence: '1h' }, selection: { cadence: '1h' } }],
    ['a manual invoke naming ExternalSecrets', { externalSecrets: ['apps/db'] }, { trigger: { kind: 'manual' }, selection: { externalSecrets: ['apps/db'] } }],
    ['a manual invoke of all', { all: true }, { trigger: { kind: 'manual' }, selection: { all: true } }],
    ['a ForceRefresh event', envelope({ externalSecrets: ['apps/db', 'apps/api'] }), { trigger: { kind: 'force-refresh', eventId: 'e-1' }, selection: { externalSecrets: ['apps/db', 'apps/api'] } }],
    ['a ForceRefresh event for all', envelope({ all: true }), { trigger: { kind: 'force-refresh', eventId: 'e-1' }, selection: { all: true } }],
  ])('accepts %s', (_case, input, want) => {
    expect(parseEvent(input)).toMatchObject(want);
  });

  it.each([
    ['a cadence that is not a duration', { cadence: 'hourly' }, 'cadence: expected a duration'],
    ['a name without namespace', { externalSecrets: ['db'] }, 'expected NAMESPACE/NAME'],
    ['all: false', { all: false }, 'expected'],
    ['another detail-type', { ...envelope({ all: true }), 'detail-type': 'Other' }, 'detail-type'],
    ['unknown keys', { cadence: '1h', password: 'cnry-x' }, 'expected'],
    ['a string', 'cnry-string', 'not an object'],
  ])('refuses %s without echoing it', (_case, input, message) => {
    const run = () => parseEvent(input);
    expect(run).toThrow(InvalidEventError);
    expect(run).toThrow(message);
    expect(() => run()).not.toThrow(/cnry-/u);
  });
});

describe('ownedSelection (ForceRefresh fan-out)', () => {
  const text = (name: string, interval: string) => `apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata: { name: ${name}, namespace: apps }\nspec:\n  refreshInterval: ${interval}\n  secretStoreRef: { name: s }\n  data: [{ secretKey: k, remoteRef: { key: k } }]\n`;
  const store = 'apiVersion: external-secrets.io/v1\nkind: SecretStore\nmetadata: { name: s, namespace: apps }\nspec: { provider: { webhook: { url: "https://x.test/{{ .remoteRef.key }}" } } }\n';
  const config = loadConfig([{ source: 't.yaml', text: [store, text('db', '1h'), text('api', '15m'), text('once', "'0'")].join('---\n') }]);
  it.each([
    ['1h', ['apps/db']],
    ['15m', ['apps/api', 'apps/once']],
  ])('the %s function keeps only the names it owns', (cadence, want) => {
    const got = ownedSelection({ externalSecrets: ['apps/db', 'apps/api', 'apps/once', 'apps/unknown'] }, config, { cadence, scheduledCadences: ['15m', '1h'] });
    expect(got.externalSecrets).toEqual(want);
  });
});
