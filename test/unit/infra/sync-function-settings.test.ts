import { describe, expect, it } from 'vitest';
import { readSettings } from '../../../functions/sync/settings.ts';

const BASE = { WSS_CLUSTER_AUTH: 'eks', WSS_EKS_CLUSTER_NAME: 'prod' };

describe('sync function settings: prune limit', () => {
  it.each([
    [{}, { percent: 50 }],
    [{ WSS_MAX_PRUNE: '3' }, { count: 3 }],
    [{ WSS_MAX_PRUNE: '100%' }, { percent: 100 }],
  ])('%j gives %j', (env, want) => {
    expect(readSettings({ ...BASE, ...env }).maxPrune).toEqual(want);
  });

  it('refuses a bad value, naming the variable', () => {
    expect(() => readSettings({ ...BASE, WSS_MAX_PRUNE: 'half' })).toThrow('function environment: WSS_MAX_PRUNE: invalid prune limit "half"');
  });
});
