/**
 * The webhook provider, table-driven against a real local HTTPS endpoint. The first table ports
 * ESO's own provider cases (providers/v1/webhook/webhook_test.go) to our harness.
 */
import { EMPTY_REFERENCES } from '../../src/providers/references.ts';
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runProviders } from '../../src/app/providers.ts';
import { startHttpsEndpoint, type HttpsEndpoint } from '../../src/local/https-endpoint.ts';
import { NodeHttpTransport } from '../../src/providers/webhook/transport.ts';
import { configFor } from '../support/webhook.ts';

interface Case {
  case: string;
  url: string;
  body?: string;
  method?: string;
  timeout?: string;
  key?: string;
  property?: string;
  version?: string;
  jsonPath?: string;
  response?: string;
  status?: number;
  want: { path?: string; method?: string; body?: string; err?: string; result?: string; map?: Record<string, string> };
}

const U = '/api/getsecret?id={{ .remoteRef.key }}&version={{ .remoteRef.version }}';
const P = '/api/getsecret?id=testkey&version=1';
const FILTER = '{"secrets": [{"name": "thesecret", "value": "secret-value"}, {"name": "alsosecret", "value": "another-value"}]}';

const esoCases: Case[] = [
  { case: 'error url', url: '/api/getsecret?id={{ .unclosed.template', want: { err: 'bad template' } },
  { case: 'error no secret err', url: U, key: 'testkey', version: '1', status: 404, response: 'not found', want: { path: P, err: 'Secret does not exist' } },
  { case: 'error server error', url: U, key: 'testkey', version: '1', status: 500, response: 'server error', want: { path: P, err: 'endpoint gave error 500 Internal Server Error' } },
  { case: 'error 304 is not modified', url: U, key: 'testkey', version: '1', status: 304, want: { path: P, err: 'not modified' } },
  { case: 'error bad json', url: U, key: 'testkey', version: '1', jsonPath: '$.result.thesecret', response: '{"result":{"thesecret":"secret-value"}', want: { path: P, err: 'failed to parse response json' } },
  { case: 'error bad jsonpath', url: U, key: 'testkey', version: '1', jsonPath: '$.result.thesecret', response: '{"result":{"nosecret":"secret-value"}}', want: { path: P, err: 'failed to get response path $.result.thesecret: unknown key thesecret' } },
  { case: 'pull data out of map', url: U, key: 'testkey', version: '1', jsonPath: '$.result.thesecret', response: '{"result":{"thesecret":{"one":"secret-value"}}}', want: { path: P, result: '{"one":"secret-value"}' } },
  { case: 'error timeout', url: U, key: 'testkey', version: '1', response: 'secret-value', timeout: '0.01ms', want: { err: 'context deadline exceeded' } },
  { case: 'good plaintext', url: U, key: 'testkey', version: '1', response: 'secret-value', want: { path: P, result: 'secret-value' } },
  { case: 'good json', url: U, key: 'testkey', version: '1', jsonPath: '$.result.thesecret', response: '{"result":{"thesecret":"secret-value"}}', want: { path: P, result: 'secret-value' } },
  { case: 'good json map', url: U, key: 'testkey', version: '1', jsonPath: '$.result', response: '{"result":{"thesecret":"secret-value","alsosecret":"another-value"}}', want: { path: P, map: { thesecret: 'secret-value', alsosecret: 'another-value' } } },
  { case: 'templated jsonpath good json map', url: U, key: 'testkey', version: '1', jsonPath: '$.{{printf "result" }}', response: '{"result":{"thesecret":"secret-value","alsosecret":"another-value"}}', want: { map: { thesecret: 'secret-value', alsosecret: 'another-value' } } },
  { case: 'good json map string', url: U, key: 'testkey', version: '1', response: '{"thesecret":"secret-value","alsosecret":"another-value"}', want: { map: { thesecret: 'secret-value', alsosecret: 'another-value' } } },
  { case: 'error json map string', url: U, key: 'testkey', version: '1', response: 'some simple string', want: { err: 'failed to parse response json: invalid character', map: {} } },
  { case: 'error json map', url: U, key: 'testkey', version: '1', jsonPath: '$.result.thesecret', response: '{"result":{"thesecret":"secret-value","alsosecret":"another-value"}}', want: { err: 'failed to parse response json from jsonpath', map: {} } },
  { case: 'good json with good templated jsonpath', url: U, key: 'testkey', property: 'thesecret', version: '1', jsonPath: '$.result.{{ .remoteRef.property }}', response: '{"result":{"thesecret":"secret-value"}}', want: { path: P, result: 'secret-value' } },
  { case: 'good json with jsonpath filter', url: U, key: 'testkey', version: '1', jsonPath: '$.secrets[?@.name=="thesecret"].value', response: FILTER, want: { result: 'secret-value' } },
  { case: 'error with jsonpath filter empty results', url: U, key: 'testkey', version: '1', jsonPath: '$.secrets[?@.name=="thebadsecret"].value', response: FILTER, want: { err: "filter worked but didn't get any result" } },
  { case: 'success with jsonpath filter and result array', url: U, key: 'testkey', version: '1', jsonPath: '$..name', response: FILTER, want: { result: 'thesecret' } },
  { case: 'success with jsonpath filter and result array of ints', url: U, key: 'testkey', version: '1', jsonPath: '$..name', response: '{"secrets": [{"name": 123, "value": "a"}, {"name": 456, "value": "b"}]}', want: { result: '123' } },
  { case: 'support backslash', url: U, key: 'testkey', version: '1', jsonPath: '$.refresh_token', response: '{"access_token":"REDACTED","refresh_token":"RE\\/DACTED=="}', want: { result: 'RE/DACTED==' } },
  { case: 'good json with mixed fields to map', url: U, key: 'testkey', version: '1', jsonPath: '$.result', response: '{"result":{"thesecret":"secret-value","alsosecret":"another-value", "id": 1234, "weight": 1.5}}', want: { map: { thesecret: 'secret-value', alsosecret: 'another-value', id: '1234', weight: '1.5' } } },
  { case: 'only url encoding for url templates', url: '/api/getsecrets?folder={{ .remoteRef.key }}', body: '{"folder": "{{ .remoteRef.key }}"}', key: '/myapp/secrets', response: 'x', want: { path: '/api/getsecrets?folder=%2Fmyapp%2Fsecrets', body: '{"folder": "/myapp/secrets"}', result: 'x' } },
  { case: 'namespace template in url', url: '/api/getsecret?id={{ .remoteRef.key }}&namespace={{ .remoteRef.namespace }}', key: 'testkey', response: 'secret-value', want: { path: '/api/getsecret?id=testkey&namespace=ns', result: 'secret-value' } },
];

const ourCases: Case[] = [
  { case: 'a missing template key renders <no value>', url: '/x?v={{ .remoteRef.nothing }}', key: 'k', response: 'ok', want: { path: '/x?v=%3Cno%20value%3E', result: 'ok' } },
  { case: 'space in a key is query-escaped as +', url: '/x?k={{ .remoteRef.key }}', key: 'a b&c', response: 'ok', want: { path: '/x?k=a+b%26c', result: 'ok' } },
  { case: 'numbers in a single value round like Go FormatFloat(f, 0)', url: '/n?{{ .remoteRef.key }}', key: 'k', jsonPath: '$.n', response: '{"n": 2.5}', want: { result: '2' } },
  { case: 'booleans and null become text', url: '/b?{{ .remoteRef.key }}', key: 'k', jsonPath: '$.b', response: '{"b": true}', want: { result: 'true' } },
  { case: 'null becomes an empty value', url: '/z?{{ .remoteRef.key }}', key: 'k', jsonPath: '$.z', response: '{"z": null}', want: { result: '' } },
  { case: 'objects are marshalled with sorted keys', url: '/o?{{ .remoteRef.key }}', key: 'k', jsonPath: '$.o', response: '{"o": {"b": 1, "a": "<x>"}}', want: { result: '{"a":"\\u003cx\\u003e","b":1}' } },
  { case: 'a map rejects arrays', url: '/m?{{ .remoteRef.key }}', key: 'k', jsonPath: '$.list', response: '{"list": [1, 2]}', want: { err: 'wrong type', map: {} } },
  { case: 'a body is sent on reads with the default GET, as ESO does', url: '/p?{{ .remoteRef.key }}', body: '{"id":"{{ .remoteRef.key }}"}', key: 'k', response: 'ok', want: { method: 'GET', body: '{"id":"k"}', result: 'ok' } },
  { case: 'a body is sent with the given method', url: '/p?{{ .remoteRef.key }}', body: '{"id":"{{ .remoteRef.key }}"}', method: 'POST', key: 'k', response: 'ok', want: { method: 'POST', body: '{"id":"k"}', result: 'ok' } },
];

describe('webhook provider against a real HTTPS endpoint', () => {
  let endpoint: HttpsEndpoint;
  let http: NodeHttpTransport;
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
  });

  it.each([...esoCases, ...ourCases].map((c) => [c.case, c] as const))('%s', async (_name, c) => {
    // Prepare
    endpoint.on('*', () => true, { status: c.status ?? 200, body: c.response ?? '' });
    const webhook: Record<string, unknown> = { url: c.url };
    if (c.body) webhook.body = c.body;
    if (c.timeout) webhook.timeout = c.timeout;
    if (c.jsonPath) webhook.result = { jsonPath: c.jsonPath };
    if (c.method) webhook.method = c.method;
    let config;
    try {
      config = configFor(endpoint, webhook, [{ data: [{ secretKey: 'x', remoteRef: { key: c.key ?? 'k' } }] }]);
    } catch (e) {
      // Template syntax errors surface at load time, before any request (better than ESO).
      expect(c.want.err).toBeDefined();
      expect((e as Error).message).toContain(c.want.err);
      expect(endpoint.requests).toHaveLength(0);
      return;
    }
    const store = config.stores[0];
    if (!store) throw new Error('no store');
    const client = runProviders({ http, references: EMPTY_REFERENCES }).clientFor(store);
    const ref = { key: c.key ?? '', property: c.property, version: c.version };
    // Act
    const act = c.want.map !== undefined
      ? client.getSecretMap(ref, 'ns').then((m) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.toString()])))
      : client.getSecret(ref, 'ns').then((v) => v.toString());
    // Assess
    if (c.want.err) {
      await expect(act).rejects.toThrow(c.want.err);
    } else {
      await expect(act).resolves.toEqual(c.want.map ?? c.want.result);
    }
    if (c.want.path) expect(endpoint.requests[0]?.path).toBe(c.want.path);
    if (c.want.body !== undefined) expect(endpoint.requests[0]?.body).toBe(c.want.body);
    if (c.want.method) expect(endpoint.requests[0]?.method).toBe(c.want.method);
  });

  it('sends a binary secrets[] value through the body template byte for byte (Go strings are bytes)', async () => {
    // Prepare: bytes that are not UTF-8 (a DER header); Go's text/template copies them unchanged.
    const blob = Buffer.from([0x30, 0x82, 0xff, 0x00, 0x80, 0xc3]);
    endpoint.on('POST', '/bin', { body: 'ok' });
    const config = configFor(endpoint, { url: '/bin', method: 'POST', body: '{{ .auth.blob }}', secrets: [{ name: 'auth', secretRef: { name: 'auth' } }] }, [{ data: [{ secretKey: 'x', remoteRef: { key: 'k' } }] }]);
    const references = { ...EMPTY_REFERENCES, readSecret: () => Promise.resolve({ labels: { 'external-secrets.io/type': 'webhook' }, data: { blob } }) };
    const client = runProviders({ http, references }).clientFor(config.stores[0]!);
    // Act
    await client.getSecret({ key: 'k' }, 'ns');
    // Assess
    expect([...(endpoint.requests[0]?.bodyBytes ?? [])]).toEqual([...blob]);
  });

  it('fails with a connection error naming the cause, not the URL', async () => {
    const config = configFor(endpoint, { url: '/x' }, [{ data: [{ secretKey: 'x', remoteRef: { key: 'k' } }] }]);
    const closed = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const { port } = srv.address() as AddressInfo;
        srv.close(() => { resolve(port); });
      });
    });
    const store = { ...config.stores[0]!, webhook: { ...config.stores[0]!.webhook, url: `https://127.0.0.1:${String(closed)}/x` } };
    const client = runProviders({ http, references: EMPTY_REFERENCES }).clientFor(store);
    await expect(client.getSecret({ key: 'k' }, 'ns')).rejects.toThrow(/failed to call endpoint: ECONNREFUSED/u);
  });
});
