/**
 * Which run refreshes which ExternalSecret (issue #11), against the real kube-apiserver as the
 * identity `rbac` prints, with a real HTTPS endpoint.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHttpsEndpoint, type HttpsEndpoint } from '../../src/local/https-endpoint.ts';
import { UnknownCadenceError } from '../../src/sync/errors.ts';
import { scenario, type Scenario } from '../support/scenario.ts';

const STORE = { url: '/secrets/{{ .remoteRef.key }}', result: { jsonPath: '$.value' } };
const one = (extra: Record<string, unknown> = {}) => ({ data: [{ secretKey: 'password', remoteRef: { key: 'db' } }], ...extra });

describe('scheduling', () => {
  let endpoint: HttpsEndpoint;
  let s: Scenario;
  beforeAll(async () => {
    endpoint = await startHttpsEndpoint();
  });
  afterAll(async () => {
    await endpoint.close();
  });
  beforeEach(async (ctx) => {
    endpoint.reset();
    s = await scenario(endpoint, 'sch');
    ctx.onTestFinished(() => s.close());
  });

  it('serves a cadence spelt 60m as the 1h one, and refuses a cadence nobody serves', async () => {
    endpoint.on('GET', '/secrets/db', { body: { value: 'cnry-c1' } });
    const config = s.config(STORE, [one({ refreshInterval: '60m' })]);
    await s.sync(config);
    endpoint.on('GET', '/secrets/db', { body: { value: 'cnry-c2' } });
    const summary = await s.sync(config, { cadence: '60m', scheduledCadences: ['3600s'] });
    expect(summary.outcomes[0]).toMatchObject({ result: 'updated', cadence: '1h' });
    expect((await s.secret('es-0'))?.data).toEqual({ password: 'cnry-c2' });
    const requests = endpoint.requests.length;
    await expect(s.sync(config, { cadence: '7m' })).rejects.toThrow(UnknownCadenceError);
    await expect(s.sync(config, { cadence: '7m' })).rejects.toThrow('cadence "7m" is not the refreshInterval of any ExternalSecret in the config: known cadences are 1h');
    expect(endpoint.requests.length).toBe(requests);
  });
});
