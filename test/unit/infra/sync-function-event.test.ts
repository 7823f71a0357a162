/** The sync function's input parsing: the three accepted shapes, and refusals that do not echo the input. */
import { describe, expect, it } from 'vitest';
import { InvalidEventError, parseEvent } from '../../../functions/sync/event.ts';
import { idleSummary, ownedSelection, routeFor, withUnserved } from '../../../functions/sync/owned.ts';
import { reportOf } from '../../../functions/sync/report.ts';
import { loadConfig } from '../../../src/config/load.ts';

const envelope = (detail: unknown) => ({ version: '0', id: 'e-1', 'detail-type': 'ForceRefresh', source: 'webhook-secret-sync.cli', account: '1', time: '2026-11-30T00:00:00Z', region: 'eu-west-1', resources: [], detail });

describe('parseEvent', () => {
  it.each([
    ['the schedule payload', { cadence: '1h' }, { trigger: { kind: 'schedule', cadence: '1h' }, selection: { cadence: '1h' } }],
    ['a cadence spelt 60m, as the 1h schedule', { cadence: '60m' }, { trigger: { kind: 'schedule', cadence: '1h' }, selection: { cadence: '1h' } }],
    ['a cadence spelt 90m, as 1h30m', { cadence: '90m' }, { trigger: { kind: 'schedule', cadence: '1h30m' }, selection: { cadence: '1h30m' } }],
    ['a manual invoke naming ExternalSecrets', { externalSecrets: ['apps/db'] }, { trigger: { kind: 'manual' }, selection: { externalSecrets: ['apps/db'] } }],
    ['a manual invoke of all', { all: true }, { trigger: { kind: 'manual' }, selection: { all: true } }],
    ['a ForceRefresh event', envelope({ externalSecrets: ['apps/db', 'apps/api'] }), { trigger: { kind: 'force-refresh', eventId: 'e-1' }, selection: { externalSecrets: ['apps/db', 'apps/api'] } }],
    ['a ForceRefresh event for all', envelope({ all: true }), { trigger: { kind: 'force-refresh', eventId: 'e-1' }, selection: { all: true } }],
  ])('accepts %s', (_case, input, want) => {
    expect(parseEvent(input)).toMatchObject(want);
  });

  it.each([
    ['a cadence that is not a duration', { cadence: 'hourly' }, 'cadence: expected a positive Go duration'],
    ['a cadence of 0', { cadence: '0s' }, 'cadence: expected a positive Go duration'],
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

  const fns = { '15m': { cadence: '15m', scheduledCadences: ['15m', '1h'] }, '1h': { cadence: '1h', scheduledCadences: ['15m', '1h'] } } as const;
  const forced = { kind: 'force-refresh' } as const;

  it.each([
    ['a name only the 1h function owns', ['apps/db'], { '15m': undefined, '1h': ['apps/db'] }],
    ['names of both cadences', ['apps/db', 'apps/api'], { '15m': ['apps/api'], '1h': ['apps/db'] }],
    ['an unscheduled (refreshInterval 0) name', ['apps/once'], { '15m': ['apps/once'], '1h': undefined }],
    ['only a name no config defines', ['apps/unknown'], { '15m': undefined, '1h': undefined }],
  ])('ForceRefresh with %s: each function runs what it owns, or nothing', (_case, names, want) => {
    for (const cadence of ['15m', '1h'] as const) {
      expect(routeFor(forced, { externalSecrets: names }, config, fns[cadence]).selection?.externalSecrets).toEqual(want[cadence]);
    }
  });

  it('names no deployed function serves are reported once, by the function that takes leftovers (the shortest)', () => {
    const names = { externalSecrets: ['apps/db', 'apps/unknown'] };
    expect(routeFor(forced, names, config, fns['15m']).unserved).toEqual(['apps/unknown']);
    expect(routeFor(forced, names, config, fns['1h']).unserved).toEqual([]);
    expect(routeFor({ kind: 'manual' }, names, config, fns['1h'])).toEqual({ selection: names, unserved: ['apps/unknown'] });
    expect(routeFor({ kind: 'schedule', cadence: '1h' }, { cadence: '1h' }, config, fns['1h'])).toEqual({ selection: { cadence: '1h' }, unserved: [] });
    expect(routeFor(forced, { all: true }, config, fns['15m']).selection).toEqual({ all: true });
  });

  it('an unserved name is a skipped item with reason NotServed in the report', () => {
    const report = withUnserved(reportOf(idleSummary(), forced), ['apps/unknown'], 'configmap:wss/config');
    expect(report.counts.skipped).toBe(1);
    expect(report.skipped).toEqual([{ externalSecret: 'apps/unknown', target: '', cadence: '', result: 'skipped', reason: 'NotServed', message: 'no ExternalSecret apps/unknown in configmap:wss/config: no deployed function serves it' }]);
  });
});
