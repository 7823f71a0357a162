/** A run's cadence in one spelling, and a cadence nobody serves refused (issue #11 item 8). */
import { describe, expect, it } from 'vitest';
import type { ExternalSecretDef } from '../../../src/config/types.ts';
import { normaliseSelection } from '../../../src/sync/cadence.ts';
import { UnknownCadenceError } from '../../../src/sync/errors.ts';

function es(name: string, refreshMs: number, cadence: string): ExternalSecretDef {
  return {
    namespace: 'ns', name, labels: {}, annotations: {}, refreshMs, cadence, targetName: name, specHash: 'h',
    origin: { source: 'x', document: 1 },
    spec: { refreshInterval: cadence, target: { creationPolicy: 'Owner', deletionPolicy: 'Retain' } },
  };
}

const CONFIG = [es('hourly', 3_600_000, '1h'), es('quarter', 900_000, '15m'), es('never', 0, '0s')];

describe('normaliseSelection', () => {
  it.each([
    ['60m', {}, '1h'],
    ['3600s', {}, '1h'],
    ['15m', {}, '15m'],
    ['90m', { scheduledCadences: ['1h30m'] }, '1h30m'],
  ])('serves --cadence %s as %s', (cadence, extra, want) => {
    expect(normaliseSelection({ cadence, ...extra }, CONFIG).cadence).toBe(want);
  });

  it('normalises the scheduled cadences too', () => {
    expect(normaliseSelection({ cadence: '1h', scheduledCadences: ['60m', '900s'] }, CONFIG).scheduledCadences).toEqual(['1h', '15m']);
  });

  it('knows a cadence only an invalid document has', () => {
    expect(normaliseSelection({ cadence: '120m' }, CONFIG, ['2h']).cadence).toBe('2h');
  });

  it.each([
    ['7m', 'cadence "7m" is not the refreshInterval of any ExternalSecret in the config: known cadences are 15m, 1h'],
    ['420s', 'cadence "420s" (7m) is not the refreshInterval of any ExternalSecret in the config: known cadences are 15m, 1h'],
    ['0s', 'cadence: invalid cadence "0s": expected a positive Go duration'],
    ['hourly', 'cadence: invalid duration "hourly"'],
  ])('refuses cadence %s', (cadence, message) => {
    const run = () => normaliseSelection({ cadence }, CONFIG);
    expect(run).toThrow(UnknownCadenceError);
    expect(run).toThrow(message);
  });

  it('leaves a selection without a cadence alone', () => {
    expect(normaliseSelection({ all: true }, CONFIG)).toEqual({ all: true });
  });
});
