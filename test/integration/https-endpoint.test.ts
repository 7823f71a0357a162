import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Agent, fetch } from 'undici';
import { startHttpsEndpoint, type HttpsEndpoint } from '../../src/local/https-endpoint.ts';
import { generateTestCa } from '../../src/local/test-ca.ts';

/** The TLS error code behind undici's `TypeError: fetch failed`. */
async function failureCode(request: Promise<unknown>): Promise<string> {
  const error = await request.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(Error);
  const cause = (error as Error & { cause?: { code?: string } }).cause;
  return cause?.code ?? (error as Error).name;
}

describe('startHttpsEndpoint', () => {
  let endpoint: HttpsEndpoint;
  let agent: Agent;

  beforeAll(async () => {
    endpoint = await startHttpsEndpoint();
    agent = new Agent({ connect: { ca: endpoint.caPem } });
  });
  afterEach(() => {
    endpoint.reset();
  });
  afterAll(async () => {
    await agent.close();
    await endpoint.close();
  });

  it('serves the programmed status, JSON body and headers', async () => {
    // Prepare
    endpoint.on('GET', '/secrets/db', { status: 201, body: { password: 'x' }, headers: { 'x-test': 'yes' } });

    // Act
    const response = await fetch(`${endpoint.url}/secrets/db?version=2`, { dispatcher: agent });

    // Assess
    expect(response.status).toBe(201);
    expect(response.headers.get('x-test')).toBe('yes');
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ password: 'x' });
  });

  it('answers 404 when no route matches and lets the latest matching route win', async () => {
    // Prepare
    endpoint.on('*', '/a', { body: 'first' }).on('GET', (request) => request.path.startsWith('/a'), { body: 'second' });

    // Act
    const missing = await fetch(`${endpoint.url}/nowhere`, { dispatcher: agent });
    const matched = await fetch(`${endpoint.url}/a`, { dispatcher: agent });

    // Assess
    expect(missing.status).toBe(404);
    await missing.body?.cancel();
    expect(await matched.text()).toBe('second');
  });

  it('records method, path with query, lowercased headers and body of each request', async () => {
    // Prepare
    endpoint.on('POST', '/hook', (request) => ({ body: { echoed: request.body } }));

    // Act
    const response = await fetch(`${endpoint.url}/hook?x=1`, {
      method: 'POST',
      dispatcher: agent,
      headers: { 'X-Api-Key': 'k1', 'content-type': 'application/json' },
      body: '{"q":1}',
    });

    // Assess
    expect(await response.json()).toEqual({ echoed: '{"q":1}' });
    expect(endpoint.requests).toHaveLength(1);
    const [recorded] = endpoint.requests;
    expect(recorded).toMatchObject({ method: 'POST', path: '/hook?x=1', body: '{"q":1}' });
    expect(recorded?.headers['x-api-key']).toBe('k1');
    expect(recorded?.time).toBeInstanceOf(Date);
  });

  it('delays the answer by delayMs, so a shorter client deadline times out', async () => {
    // Prepare
    endpoint.on('GET', '/slow', { delayMs: 400, body: 'late' });

    // Act
    const started = Date.now();
    const slow = await fetch(`${endpoint.url}/slow`, { dispatcher: agent });
    const elapsed = Date.now() - started;
    const timedOut = fetch(`${endpoint.url}/slow`, { dispatcher: agent, signal: AbortSignal.timeout(100) });

    // Assess
    expect(await slow.text()).toBe('late');
    expect(elapsed).toBeGreaterThanOrEqual(350);
    await expect(timedOut).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('resets the connection when the response says destroy', async () => {
    // Prepare
    endpoint.on('GET', '/reset', { destroy: true });

    // Act
    const request = fetch(`${endpoint.url}/reset`, { dispatcher: agent });

    // Assess
    await expect(request).rejects.toThrow('fetch failed');
  });

  it('refuses a client that does not trust its CA', async () => {
    // Prepare
    endpoint.on('GET', '/ok', { body: 'ok' });
    const systemTrust = new Agent();
    const otherCa = new Agent({ connect: { ca: (await generateTestCa()).caPem } });

    // Act
    const withSystemTrust = failureCode(fetch(`${endpoint.url}/ok`, { dispatcher: systemTrust }));
    const withOtherCa = failureCode(fetch(`${endpoint.url}/ok`, { dispatcher: otherCa }));

    // Assess
    expect(await withSystemTrust).toMatch(/CERT|VERIFY|SIGNATURE/);
    expect(await withOtherCa).toMatch(/CERT|VERIFY|SIGNATURE/);
    expect(endpoint.requests).toHaveLength(0);
    await Promise.all([systemTrust.close(), otherCa.close()]);
  });

  it('counts one TLS connection for two requests over one keep-alive Agent', async () => {
    // Prepare
    endpoint.on('GET', '/count', { body: 'n' });
    const fresh = new Agent({ connect: { ca: endpoint.caPem } });
    const other = new Agent({ connect: { ca: endpoint.caPem } });

    // Act
    for (let i = 0; i < 2; i++) {
      await (await fetch(`${endpoint.url}/count`, { dispatcher: fresh })).text();
      // undici puts the socket back in its pool a tick after the body ends; a request sent in the
      // same tick opens a second connection (measured), which would make this count flaky.
      await new Promise((resolve) => {
        setImmediate(resolve);
      });
    }
    const reused = endpoint.connections;
    await (await fetch(`${endpoint.url}/count`, { dispatcher: other })).text();

    // Assess
    expect(reused).toBe(1);
    expect(endpoint.connections).toBe(2);
    await Promise.all([fresh.close(), other.close()]);
  });
});
