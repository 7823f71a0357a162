/**
 * The store timeout against a real local HTTPS endpoint, as Go's http.Client.Timeout behaves: a
 * deadline that has passed fails the request whatever the timers and the load (never a race), the
 * wait for a connection slot counts, and a timeout beyond Node's 24.8-day timer waits as written.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/config/types.ts';
import { startHttpsEndpoint, type HttpsEndpoint } from '../../src/local/https-endpoint.ts';
import { parseGoDuration } from '../../src/model/duration.ts';
import { NodeHttpTransport, type WebhookRequest } from '../../src/providers/webhook/transport.ts';

describe('webhook request deadline (real HTTPS endpoint)', () => {
  let endpoint: HttpsEndpoint;
  let http: NodeHttpTransport;
  const get = (path: string, timeout: string): WebhookRequest => ({
    method: 'GET', url: `${endpoint.url}${path}`, headers: [], body: undefined, caPem: endpoint.caPem, timeoutMs: parseGoDuration(timeout), policy: DEFAULT_POLICY,
  });

  beforeAll(async () => {
    endpoint = await startHttpsEndpoint();
    http = new NodeHttpTransport();
  });
  afterAll(async () => {
    await http.close();
    await endpoint.close();
  });
  beforeEach(() => {
    endpoint.reset();
    endpoint.on('*', () => true, { body: 'ok' });
  });

  it.each([['10us', '0.01ms'], ['1ns', '0.000001ms']])('a %s timeout fails every time with Go\'s error, on a cold or a warm connection', async (timeout, shown) => {
    // Prepare: one successful request first, so later ones may reuse a warm connection.
    await expect(http.send(get('/warm', '10s'))).resolves.toMatchObject({ status: 200 });
    // Act: sequential, so each one's outcome is its own.
    const outcomes: string[] = [];
    for (let i = 0; i < 25; i++) {
      outcomes.push(await http.send(get(`/short/${String(i)}`, timeout)).then(() => 'answered', (e: unknown) => (e as Error).message));
    }
    // Assess
    expect(new Set(outcomes)).toEqual(new Set([`failed to call endpoint: context deadline exceeded (timeout ${shown})`]));
  });

  it('a deadline that passes while waiting for a connection slot fails without sending the request', async () => {
    // Prepare: one request in flight per host; the first answer takes 400 ms.
    const oneAtATime = new NodeHttpTransport({ concurrencyPerHost: 1 });
    endpoint.on('GET', '/slow', { body: 'slow', delayMs: 400 });
    try {
      // Act
      const slow = oneAtATime.send(get('/slow', '10s'));
      const queued = oneAtATime.send(get('/queued', '100ms'));
      // Assess
      await expect(queued).rejects.toThrow('failed to call endpoint: context deadline exceeded (timeout 100ms)');
      await expect(slow).resolves.toMatchObject({ status: 200 });
      expect(endpoint.requests.map((r) => r.path)).toEqual(['/slow']);
    } finally {
      await oneAtATime.close();
    }
  });

  it.each(['597h', '720h', '2562047h'])('a %s timeout (beyond Node\'s longest timer) lets a 200 ms answer through', async (timeout) => {
    endpoint.on('GET', '/long', { body: 'long', delayMs: 200 });
    const res = await http.send(get('/long', timeout));
    expect(res.body.toString()).toBe('long');
  });
});
