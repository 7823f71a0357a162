/**
 * The engine (no cluster): ESO's data assembly end to end against a real HTTPS endpoint, and the
 * "fewer calls" promise: identical requests once per run, bounded concurrency per host.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runProviders } from '../../src/app/providers.ts';
import { startHttpsEndpoint, type HttpsEndpoint } from '../../src/local/https-endpoint.ts';
import type { ReferenceReader } from '../../src/providers/references.ts';
import { EMPTY_REFERENCES } from '../../src/providers/references.ts';
import { NodeHttpTransport } from '../../src/providers/webhook/transport.ts';
import { computeSecrets, type Computation } from '../../src/sync/compute.ts';
import { configFor } from '../support/webhook.ts';

function dataOf(c: Computation | undefined): Record<string, string> {
  if (c?.kind !== 'secret') throw new Error(`expected a secret, got ${c?.kind ?? 'nothing'}${c?.kind === 'failed' ? `: ${c.error.message}` : ''}`);
  return Object.fromEntries(Object.entries(c.secret.data).map(([k, v]) => [k, v.toString()]));
}

describe('engine', () => {
  let endpoint: HttpsEndpoint;
  let http: NodeHttpTransport;
  beforeAll(async () => {
    endpoint = await startHttpsEndpoint();
    http = new NodeHttpTransport({ concurrencyPerHost: 3 });
  });
  afterAll(async () => {
    await http.close();
    await endpoint.close();
  });
  beforeEach(() => {
    endpoint.reset();
  });

  async function compute(config: ReturnType<typeof configFor>, references: ReferenceReader = EMPTY_REFERENCES) {
    const providers = runProviders({ http, references });
    const results = await computeSecrets(config, config.externalSecrets, { clientFor: providers.clientFor, source: 'files' });
    return { results, sent: providers.requests.sent };
  }

  it('merges dataFrom entries in order, each rewritten, later keys winning', async () => {
    endpoint.on('GET', '/map/app', { body: { 'db-user': 'cnry-u', 'db-pass': 'cnry-p', token: 'Y25yeS10b2s=' } });
    endpoint.on('GET', '/map/extra', { body: { 'db-user': 'cnry-override' } });
    const rewrite = [{ regexp: { source: '^db-(.*)$', target: 'db_${1}' } }];
    const config = configFor(endpoint, { url: '/map/{{ .remoteRef.key }}' }, [{
      dataFrom: [{ extract: { key: 'app' }, rewrite }, { extract: { key: 'extra' }, rewrite }],
    }]);
    const { results, sent } = await compute(config);
    expect(dataOf(results[0])).toEqual({ db_user: 'cnry-override', db_pass: 'cnry-p', token: 'Y25yeS10b2s=' });
    expect(sent).toBe(2);
  });

  it('lets data[] override dataFrom and decodes Base64 values', async () => {
    endpoint.on('GET', '/kv/app', { body: { user: 'cnry-from-map', token: 'Y25yeS10b2s=' } });
    const config = configFor(endpoint, { url: '/kv/{{ .remoteRef.key }}', result: { jsonPath: '{{ if .remoteRef.property }}$.{{ .remoteRef.property }}{{ end }}' } }, [{
      dataFrom: [{ extract: { key: 'app' } }],
      data: [{ secretKey: 'user', remoteRef: { key: 'app', property: 'token', decodingStrategy: 'Base64' } }],
    }]);
    const { results, sent } = await compute(config);
    expect(dataOf(results[0])).toEqual({ user: 'cnry-tok', token: 'Y25yeS10b2s=' });
    expect(sent).toBe(1);
  });

  it('sends identical requests once per run (ESO would send one per entry)', async () => {
    endpoint.on('GET', '/shared', { body: { a: 'cnry-a', b: 'cnry-b', c: 'cnry-c' } });
    const config = configFor(endpoint, { url: '/shared', result: { jsonPath: '$' } }, Array.from({ length: 5 }, () => ({
      data: ['a', 'b', 'c'].map((k) => ({ secretKey: k, remoteRef: { key: k } })),
    })));
    const { results, sent } = await compute(config);
    expect(results.map(dataOf)).toEqual(Array(5).fill({ a: 'cnry-a', b: 'cnry-b', c: 'cnry-c' }));
    expect(sent).toBe(1);
    expect(endpoint.requests).toHaveLength(1);
  });

  it('keeps at most the configured number of requests in flight per host', async () => {
    let inFlight = 0;
    let peak = 0;
    endpoint.on('GET', (r) => r.path.startsWith('/slow/'), async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 40));
      inFlight--;
      return { body: 'cnry-slow' };
    });
    const config = configFor(endpoint, { url: '/slow/{{ .remoteRef.key }}' }, Array.from({ length: 12 }, (_, i) => ({
      data: [{ secretKey: 'v', remoteRef: { key: `k${String(i)}` } }],
    })));
    const { sent } = await compute(config);
    expect(sent).toBe(12);
    expect(peak).toBe(3);
    expect(endpoint.connections).toBeLessThanOrEqual(3);
  });

  it('reads caProvider and secrets[] once per run through the reference reader', async () => {
    const reads: string[] = [];
    const refs: ReferenceReader = {
      readSecret: (ns, name) => {
        reads.push(`secret ${ns}/${name}`);
        return Promise.resolve({ labels: { 'external-secrets.io/type': 'webhook' }, data: { token: Buffer.from('cnry-token') } });
      },
      readConfigMap: (ns, name) => {
        reads.push(`configmap ${ns}/${name}`);
        return Promise.resolve({ data: { 'ca.crt': endpoint.caPem } });
      },
    };
    endpoint.on('GET', (r) => r.path.startsWith('/auth/'), (r) => (r.headers.authorization === 'Bearer cnry-token' ? { body: 'cnry-ok' } : { status: 401 }));
    const config = configFor(endpoint, {
      url: '/auth/{{ .remoteRef.key }}',
      caBundle: undefined,
      caProvider: { type: 'ConfigMap', name: 'ca', key: 'ca.crt' },
      headers: { Authorization: 'Bearer {{ .creds.token }}' },
      secrets: [{ name: 'creds', secretRef: { name: 'api' } }],
    }, [{ data: [{ secretKey: 'a', remoteRef: { key: 'a' } }, { secretKey: 'b', remoteRef: { key: 'b' } }] }]);
    const { results } = await compute(config, refs);
    expect(dataOf(results[0])).toEqual({ a: 'cnry-ok', b: 'cnry-ok' });
    expect(reads.sort()).toEqual(['configmap ns/ca', 'secret ns/api']);
  });
});
