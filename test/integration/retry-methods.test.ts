/**
 * Retries are safe for non-idempotent requests: GET/HEAD keep the transient-failure retries; any
 * other method is sent again only when the endpoint surely did not process it (429, 503, or a
 * connection refused before sending). Real HTTPS endpoint and real node:https transport; the backoff
 * sleep is skipped so nothing depends on the clock.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/config/types.ts';
import { startHttpsEndpoint, type EndpointResponse, type HttpsEndpoint } from '../../src/local/https-endpoint.ts';
import { RetryingTransport } from '../../src/providers/webhook/retry.ts';
import { NodeHttpTransport, type WebhookRequest } from '../../src/providers/webhook/transport.ts';

const noSleep = (): Promise<void> => Promise.resolve();

/** A local port with nothing listening: connecting is refused before a byte is sent. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => { resolve(); }));
  return port;
}

describe('retries by method', () => {
  let endpoint: HttpsEndpoint;
  let transport: NodeHttpTransport;
  let http: RetryingTransport;
  beforeAll(async () => {
    endpoint = await startHttpsEndpoint();
    transport = new NodeHttpTransport();
    http = new RetryingTransport(transport, { retries: 2, sleep: noSleep });
  });
  afterAll(async () => {
    await transport.close();
    await endpoint.close();
  });
  beforeEach(() => {
    endpoint.reset();
  });

  const request = (method: string, url = `${endpoint.url}/token`): WebhookRequest => ({
    method, url, headers: [], body: method === 'GET' || method === 'HEAD' ? undefined : '{}', caPem: endpoint.caPem, timeoutMs: 5000, policy: DEFAULT_POLICY,
  });

  /** Sends once through the retrying transport; how many requests the endpoint received. */
  async function received(method: string, fault: EndpointResponse): Promise<{ count: number; outcome: string }> {
    endpoint.on('*', '/token', fault);
    let outcome: string;
    try {
      outcome = String((await http.send(request(method))).status);
    } catch (e) {
      outcome = (e as Error).message;
    }
    return { count: endpoint.requests.filter((r) => r.path === '/token' && r.method === method).length, outcome };
  }

  it.each<[string, string, EndpointResponse, number]>([
    ['GET on 500 is retried', 'GET', { status: 500 }, 3],
    ['HEAD on 502 is retried', 'HEAD', { status: 502 }, 3],
    ['GET on a reset is retried', 'GET', { destroy: true }, 3],
    ['POST on 500 is sent once (it may have been processed)', 'POST', { status: 500 }, 1],
    ['POST on 502 is sent once', 'POST', { status: 502 }, 1],
    ['POST on 504 is sent once', 'POST', { status: 504 }, 1],
    ['POST on a reset is sent once', 'POST', { destroy: true }, 1],
    ['PUT on 500 is sent once', 'PUT', { status: 500 }, 1],
    ['POST on 429 is retried (not processed)', 'POST', { status: 429 }, 3],
    ['POST on 503 is retried (not processed)', 'POST', { status: 503 }, 3],
    ['POST on 200 is sent once', 'POST', { body: { token: 'x' } }, 1],
  ])('%s', async (_name, method, fault, want) => {
    const { count } = await received(method, fault);
    expect(count).toBe(want);
  });

  it('retries a POST whose connection was refused before sending', async () => {
    const port = await closedPort();
    let attempts = 0;
    const counting = new RetryingTransport({ send: (r, s) => { attempts++; return transport.send(r, s); } }, { retries: 2, sleep: noSleep });
    await expect(counting.send(request('POST', `https://127.0.0.1:${String(port)}/token`))).rejects.toThrow(/ECONNREFUSED/u);
    expect(attempts).toBe(3);
  });

  it('returns the last answer of a POST that is not retried', async () => {
    const { outcome } = await received('POST', { status: 500 });
    expect(outcome).toBe('500');
  });
});
