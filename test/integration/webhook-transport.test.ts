/**
 * What NodeHttpTransport does by hand on node:https (undici did it for us before): keep-alive reuse
 * bounded per host, the deadline and the run's abort checked before dialling, the deadline while a
 * body is read, the run's abort mid-body, a graceful close, repeated header names, the connection
 * count the benchmark reads, and a TLS failure named without the URL. Real local HTTPS servers with
 * a test CA; no outcome depends on a timer racing the exchange (stalled answers never complete).
 */
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/config/types.ts';
import { startHttpsEndpoint, type HttpsEndpoint } from '../../src/local/https-endpoint.ts';
import { generateTestCa, type TestCa } from '../../src/local/test-ca.ts';
import { NodeHttpTransport, type WebhookRequest } from '../../src/providers/webhook/transport.ts';

const request = (url: string, caPem: string | undefined, more: Partial<WebhookRequest> = {}): WebhookRequest => ({
  method: 'GET', url, headers: [], body: undefined, caPem, timeoutMs: 30_000, policy: DEFAULT_POLICY, ...more,
});

describe('NodeHttpTransport against a real HTTPS endpoint', () => {
  let endpoint: HttpsEndpoint;
  beforeAll(async () => {
    endpoint = await startHttpsEndpoint();
  });
  afterAll(async () => {
    await endpoint.close();
  });
  beforeEach(() => {
    endpoint.reset();
    endpoint.on('*', () => true, { body: 'ok' });
  });

  it('sends 60 concurrent requests over at most 8 keep-alive connections, and counts them as the endpoint does', async () => {
    // Prepare
    const transport = new NodeHttpTransport();
    try {
      // Act
      const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => transport.send(request(`${endpoint.url}/c/${String(i)}`, endpoint.caPem))));
      // Assess
      expect(answers.map((a) => a.body.toString())).toEqual(Array<string>(60).fill('ok'));
      expect(endpoint.requests).toHaveLength(60);
      expect(endpoint.connections).toBeGreaterThanOrEqual(1);
      expect(endpoint.connections).toBeLessThanOrEqual(8);
      expect(transport.connections).toBe(endpoint.connections);
    } finally {
      await transport.close();
    }
  });

  it('reuses its connection for sequential requests', async () => {
    const transport = new NodeHttpTransport();
    try {
      for (let i = 0; i < 20; i++) await transport.send(request(`${endpoint.url}/s/${String(i)}`, endpoint.caPem));
      expect(endpoint.connections).toBe(1);
      expect(transport.connections).toBe(1);
    } finally {
      await transport.close();
    }
  });

  it('fails a request whose deadline has passed before dialling: no connection is opened', async () => {
    const transport = new NodeHttpTransport();
    try {
      await expect(transport.send(request(`${endpoint.url}/x`, endpoint.caPem, { timeoutMs: 0.000001 }))).rejects.toThrow('failed to call endpoint: context deadline exceeded (timeout 0.000001ms)');
      expect(transport.connections).toBe(0);
      expect(endpoint.connections).toBe(0);
      expect(endpoint.requests).toHaveLength(0);
    } finally {
      await transport.close();
    }
  });

  it('fails a request of a cancelled run before dialling: no connection is opened', async () => {
    const transport = new NodeHttpTransport();
    try {
      await expect(transport.send(request(`${endpoint.url}/x`, endpoint.caPem), AbortSignal.abort())).rejects.toThrow(/^failed to call endpoint: run cancelled$/u);
      expect(transport.connections).toBe(0);
      expect(endpoint.connections).toBe(0);
    } finally {
      await transport.close();
    }
  });

  it('close() lets a request in flight finish before closing the connections', async () => {
    // Prepare: the endpoint holds its answer until the test releases it.
    const transport = new NodeHttpTransport();
    let arrived: () => void = () => undefined;
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => { arrived = resolve; });
    endpoint.on('GET', '/held', async () => {
      arrived();
      await new Promise<void>((resolve) => { release = resolve; });
      return { body: 'late but whole' };
    });
    const answer = transport.send(request(`${endpoint.url}/held`, endpoint.caPem));
    await held;
    // Act
    const closing = transport.close();
    release();
    // Assess
    await expect(answer).resolves.toMatchObject({ status: 200 });
    expect((await answer).body.toString()).toBe('late but whole');
    await closing;
  });

  it('sends repeated header names as separate lines and a GET body with its Content-Length', async () => {
    const transport = new NodeHttpTransport();
    try {
      await transport.send(request(`${endpoint.url}/h`, endpoint.caPem, { headers: [['X-Tag', 'a'], ['x-tag', 'b'], ['Content-Length', '999']], body: 'héllo' }));
      const seen = endpoint.requests[0];
      expect(seen?.headers['x-tag']).toBe('a, b');
      expect(seen?.headers['content-length']).toBe(String(Buffer.byteLength('héllo')));
      expect(seen?.body).toBe('héllo');
    } finally {
      await transport.close();
    }
  });

  it('names an untrusted certificate without the URL, and sends nothing', async () => {
    const transport = new NodeHttpTransport();
    const url = `${endpoint.url}/secret-path?token=abc`;
    try {
      // No caPem: the system roots do not trust the test CA.
      const error = await transport.send(request(url, undefined)).then(() => undefined, (e: unknown) => e as Error);
      expect(error?.message).toMatch(/^failed to call endpoint: TLS certificate not trusted \([A-Z_]+\): set caBundle or caProvider on the store$/u);
      expect(endpoint.requests).toHaveLength(0);
    } finally {
      await transport.close();
    }
  });
});

describe('NodeHttpTransport with an answer that stalls in the middle of its body', () => {
  let ca: TestCa;
  let server: https.Server;
  let url: string;
  /** Resolves with each stalled response once its head and first bytes are written. */
  let onStalled: (res: ServerResponse) => void = () => undefined;
  const closed: Promise<void>[] = [];

  beforeAll(async () => {
    ca = await generateTestCa();
    server = https.createServer({ cert: ca.certPem, key: ca.keyPem }, (_req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      // Half the body, then nothing: the answer can only end by the client giving up.
      res.write('x'.repeat(500), () => { onStalled(res); });
      closed.push(new Promise((resolve) => { res.on('close', resolve); }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${String((server.address() as AddressInfo).port)}/stall`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("fails with 'run cancelled' when the run is aborted mid-body, and drops the connection", async () => {
    // Prepare
    const transport = new NodeHttpTransport();
    const run = new AbortController();
    onStalled = () => { run.abort(); };
    try {
      // Act
      const outcome = transport.send(request(url, ca.caPem), run.signal);
      // Assess
      await expect(outcome).rejects.toThrow(/^failed to call endpoint: run cancelled$/u);
      await Promise.all(closed);
    } finally {
      await transport.close();
    }
  });

  it('fails with the deadline when the body never completes (the timeout covers reading the body)', async () => {
    const transport = new NodeHttpTransport();
    onStalled = () => undefined;
    try {
      await expect(transport.send(request(url, ca.caPem, { timeoutMs: 300 }))).rejects.toThrow(/^failed to call endpoint: context deadline exceeded \(timeout 300ms\)$/u);
    } finally {
      await transport.close();
    }
  });
});
