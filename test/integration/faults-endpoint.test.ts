/**
 * Endpoint faults against the real cluster: each fails only the affected ExternalSecret with a
 * specific error; the other still syncs; no existing Secret loses or blanks data.
 */
import { EMPTY_REFERENCES } from '../../src/providers/references.ts';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHttpsEndpoint, type EndpointResponse, type HttpsEndpoint } from '../../src/local/https-endpoint.ts';
import { ConfigValidationError } from '../../src/config/issues.ts';
import { scenario, type Scenario } from '../support/scenario.ts';

const STORE = { url: '/secrets/{{ .remoteRef.key }}', result: { jsonPath: '$.value' }, timeout: '500ms' };
const SPECS = [
  { data: [{ secretKey: 'value', remoteRef: { key: 'bad' } }] },
  { data: [{ secretKey: 'value', remoteRef: { key: 'good' } }] },
];

describe('endpoint faults', () => {
  let endpoint: HttpsEndpoint;
  let other: HttpsEndpoint;
  let s: Scenario;
  beforeAll(async () => {
    endpoint = await startHttpsEndpoint();
    other = await startHttpsEndpoint();
  });
  afterAll(async () => {
    await endpoint.close();
    await other.close();
  });
  beforeEach(async (ctx) => {
    endpoint.reset();
    s = await scenario(endpoint, 'fe');
    ctx.onTestFinished(() => s.close());
  });

  /** Both Secrets exist with good data; then /secrets/bad misbehaves. */
  async function withFault(fault: EndpointResponse | ((n: number) => EndpointResponse), store: Record<string, unknown> = STORE) {
    endpoint.on('GET', '/secrets/good', { body: { value: 'cnry-good' } });
    endpoint.on('GET', '/secrets/bad', { body: { value: 'cnry-before' } });
    const config = s.config(store, SPECS);
    expect((await s.sync(config)).counts.created).toBe(2);
    endpoint.on('GET', '/secrets/good', { body: { value: 'cnry-good2' } });
    let n = 0;
    endpoint.on('GET', '/secrets/bad', () => (typeof fault === 'function' ? fault(n++) : fault));
    const started = Date.now();
    const summary = await s.sync(config, { all: true });
    const bad = summary.outcomes.find((o) => o.externalSecret.endsWith('/es-0'));
    const good = summary.outcomes.find((o) => o.externalSecret.endsWith('/es-1'));
    expect(good?.result).toBe('updated');
    expect((await s.secret('es-1'))?.data).toEqual({ value: 'cnry-good2' });
    return { bad, elapsed: Date.now() - started, badRequests: endpoint.requests.filter((r) => r.path === '/secrets/bad').length - 1 };
  }

  async function expectKept(): Promise<void> {
    expect((await s.secret('es-0'))?.data).toEqual({ value: 'cnry-before' });
  }

  it.each<[string, EndpointResponse, RegExp, number]>([
    ['a timeout', { delayMs: 2000, body: { value: 'late' } }, /spec\.data\[0\] \(key: bad\): failed to call endpoint: context deadline exceeded \(timeout 500ms\)/u, 1],
    ['a connection reset (retried, then failed)', { destroy: true }, /failed to call endpoint: (ECONNRESET|UND_ERR_SOCKET)/u, 3],
    ['a 500 (retried, then failed)', { status: 500, body: 'boom' }, /endpoint gave error 500 Internal Server Error/u, 3],
    ['a non-JSON body', { body: '<html>oops</html>' }, /failed to parse response json: invalid character/u, 1],
    ['a 10 MB body (capped)', { body: 'x'.repeat(10 * 1024 * 1024) }, /body larger than 4194304 bytes \(the response size cap\)/u, 1],
  ])('%s fails only its ExternalSecret and keeps its data', async (_name, fault, message, requests) => {
    const { bad, badRequests } = await withFault(fault);
    expect(bad).toMatchObject({ result: 'failed', message: expect.stringMatching(message) });
    expect(badRequests).toBe(requests);
    await expectKept();
  });

  it('retries a 503 and succeeds', async () => {
    const { bad, badRequests } = await withFault((n) => (n === 0 ? { status: 503 } : { body: { value: 'cnry-after' } }));
    expect(bad?.result).toBe('updated');
    expect(badRequests).toBe(2);
  });

  it('honours Retry-After on a 429, then succeeds', async () => {
    const { bad, elapsed, badRequests } = await withFault((n) => (n === 0 ? { status: 429, headers: { 'retry-after': '1' } } : { body: { value: 'cnry-after' } }));
    expect(bad?.result).toBe('updated');
    expect(badRequests).toBe(2);
    expect(elapsed).toBeGreaterThanOrEqual(950);
  });

  it('refuses a redirect to another host (credentials stay with the endpoint)', async () => {
    const elsewhere = endpoint.url.replace('127.0.0.1', 'localhost');
    const { bad } = await withFault({ status: 302, headers: { location: `${elsewhere}/steal` } });
    expect(bad?.message).toContain('redirect to another host (localhost:');
    expect(endpoint.requests.some((r) => r.path === '/steal')).toBe(false);
    await expectKept();
  });

  it('follows a redirect on the same host', async () => {
    endpoint.on('GET', '/moved', { body: { value: 'cnry-moved' } });
    const { bad } = await withFault({ status: 301, headers: { location: '/moved' } });
    expect(bad?.result).toBe('updated');
    expect((await s.secret('es-0'))?.data).toEqual({ value: 'cnry-moved' });
  });

  it('names the CA problem when the endpoint presents a certificate the store does not trust', async () => {
    endpoint.on('GET', '/secrets/good', { body: { value: 'cnry-good' } });
    const config = s.config(STORE, SPECS);
    const wrongCa = { ...config, stores: config.stores.map((st) => ({ ...st, webhook: { ...st.webhook, caBundle: Buffer.from(other.caPem).toString('base64') } })) };
    const summary = await s.sync(wrongCa);
    expect(summary.counts.failed).toBe(2);
    expect(summary.outcomes[0]?.message).toMatch(/TLS certificate not trusted \(.+\): set caBundle or caProvider on the store/u);
  });
});

describe('endpoint policy', () => {
  it('refuses plain http at load time unless the store opts in by annotation', async () => {
    const { loadConfig } = await import('../../src/config/load.ts');
    const doc = (annotations: string) => `apiVersion: external-secrets.io/v1
kind: SecretStore
metadata:
  name: plain
${annotations}
spec: { provider: { webhook: { url: "http://127.0.0.1:1/x" } } }`;
    expect(() => loadConfig([{ source: 's.yaml', text: doc('') }])).toThrow(ConfigValidationError);
    expect(() => loadConfig([{ source: 's.yaml', text: doc('') }])).toThrow(/plain http is refused: use https, or annotate the store webhook-secret-sync.io\/allow-http: "true"/u);
    expect(loadConfig([{ source: 's.yaml', text: doc('  annotations: { webhook-secret-sync.io/allow-http: "true" }') }]).stores[0]?.policy.allowHttp).toBe(true);
  });

  it('syncs over plain http once the store opts in', async () => {
    const server = createServer((_req, res) => res.end(JSON.stringify({ value: 'cnry-plain' })));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const { runProviders } = await import('../../src/app/providers.ts');
    const { NodeHttpTransport } = await import('../../src/providers/webhook/transport.ts');
    const { loadConfig } = await import('../../src/config/load.ts');
    const config = loadConfig([{ source: 's.yaml', text: `apiVersion: external-secrets.io/v1
kind: SecretStore
metadata: { name: plain, annotations: { webhook-secret-sync.io/allow-http: "true" } }
spec: { provider: { webhook: { url: "http://127.0.0.1:${String(port)}/x", result: { jsonPath: "$.value" } } } }` }]);
    const http = new NodeHttpTransport();
    try {
      const client = runProviders({ http, references: EMPTY_REFERENCES }).clientFor(config.stores[0]!);
      expect((await client.getSecret({ key: 'k' }, 'default')).toString()).toBe('cnry-plain');
    } finally {
      await http.close();
      server.close();
    }
  });

  it.each(['https://169.254.169.254/latest/meta-data', 'https://[fd00:ec2::254]/latest', 'https://[fd00:ec2::23]/v1/credentials', 'https://[::ffff:169.254.169.254]/latest', 'https://[64:ff9b::a9fe:a9fe]/latest'])('refuses the metadata address %s before connecting', async (url) => {
    const { runProviders } = await import('../../src/app/providers.ts');
    const { NodeHttpTransport } = await import('../../src/providers/webhook/transport.ts');
    const { loadConfig } = await import('../../src/config/load.ts');
    const config = loadConfig([{ source: 's.yaml', text: `apiVersion: external-secrets.io/v1\nkind: SecretStore\nmetadata: { name: meta }\nspec: { provider: { webhook: { url: "${url}" } } }` }]);
    const http = new NodeHttpTransport();
    try {
      const client = runProviders({ http, references: EMPTY_REFERENCES }).clientFor(config.stores[0]!);
      await expect(client.getSecret({ key: 'k' }, 'default')).rejects.toThrow(/is a link-local or metadata address \(annotate the store webhook-secret-sync.io\/allow-link-local: "true" to opt in\)/u);
    } finally {
      await http.close();
    }
  });
});
