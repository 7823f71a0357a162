/**
 * The HTTPS gateway's own contract against the real kube-apiserver: metadata-only lists with a label
 * selector, one HTTP/2 connection (or at most 4 HTTP/1.1 ones), abort before and during a call, and its errors.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { constants, createSecureServer, type ServerHttp2Session } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayFromKubeconfigText } from '../../src/app/kubeconfig-text.ts';
import { KubeApiError, KubeCallAbortedError, KubeUnreachableError } from '../../src/kube/gateway.ts';
import { HttpsGateway } from '../../src/kube/https-gateway.ts';
import { startHttpsEndpoint } from '../../src/local/https-endpoint.ts';
import { generateTestCa } from '../../src/local/test-ca.ts';
import { admin, freshNamespace, hasCluster, providedCluster } from '../support/cluster.ts';

describe.skipIf(!hasCluster())('HTTPS gateway against the real kube-apiserver', () => {
  let namespace: string;
  let gateway: HttpsGateway;

  beforeAll(async () => {
    namespace = await freshNamespace('gw');
    gateway = await gatewayFromKubeconfigText(readFileSync(providedCluster().adminKubeconfigPath, 'utf8'));
    const { core } = admin();
    for (const [name, team] of [['a', 'blue'], ['b', 'red'], ['c', 'blue']] as const) {
      await core.createNamespacedSecret({ namespace, body: { metadata: { name, labels: { team } }, stringData: { k: `value-${name}` } } });
    }
  });
  afterAll(async () => { await gateway.close(); });

  it('lists Secret metadata only, narrowed by a label selector, and an empty list as []', async () => {
    const blue = await gateway.listSecretMetadata(namespace, { labelSelector: 'team=blue' });
    const all = await gateway.listSecretMetadata(namespace);
    const none = await gateway.listSecretMetadata(namespace, { labelSelector: 'team=green' });

    expect(blue.map((s) => s.name).sort()).toEqual(['a', 'c']);
    expect(all.map((s) => s.name).sort()).toEqual(['a', 'b', 'c']);
    expect(none).toEqual([]);
    for (const s of all) {
      expect(s.data).toEqual({});
      expect(s.type).toBe('');
      expect(s.uid).not.toBe('');
      expect(s.resourceVersion).not.toBe('');
    }
  });

  it('reads full data with getSecret, and undefined for a missing Secret', async () => {
    const a = await gateway.getSecret(namespace, 'a');
    expect(a?.data.k?.toString()).toBe('value-a');
    expect(a?.labels).toEqual({ team: 'blue' });
    expect(await gateway.getSecret(namespace, 'missing')).toBeUndefined();
  });

  it('carries 24 calls at once, and the next 24, on one HTTP/2 connection', async () => {
    let opened = 0;
    const fresh = await gatewayFromKubeconfigText(readFileSync(providedCluster().adminKubeconfigPath, 'utf8'), () => { opened++; });
    try {
      const batch = () => Promise.all(Array.from({ length: 24 }, (_, i) => fresh.getSecret(namespace, ['a', 'b', 'c'][i % 3] ?? 'a')));
      const first = await batch();
      const second = await batch();

      expect(first.map((s) => s?.data.k?.toString())).toEqual(second.map((s) => s?.data.k?.toString()));
      expect(first.filter((s) => s?.name === 'b')).toHaveLength(8);
      expect(opened).toBe(1);
    } finally {
      await fresh.close();
    }
  });

  it('sends nothing once the signal fired: the apply is refused as aborted and nothing is created', async () => {
    const controller = new AbortController();
    controller.abort();
    const error: unknown = await gateway.withSignal(controller.signal)
      .applySecret({ name: 'never', namespace, labels: {}, annotations: {}, data: { k: Buffer.from('v') } }, { force: false })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(KubeCallAbortedError);
    expect((error as Error).message).toBe(`apply Secret ${namespace}/never: not sent: the run was stopped (time budget)`);
    expect(await gateway.getSecret(namespace, 'never')).toBeUndefined();
  });

  it('applies (201 created, then updated) and maps a 422 to KubeApiError without the rejected value', async () => {
    const secret = { name: 'applied', namespace, labels: { team: 'blue' }, annotations: {}, data: { k: Buffer.from('v') } };
    expect(await gateway.applySecret(secret, { force: false })).toBe('created');
    expect(await gateway.applySecret({ ...secret, data: { k: Buffer.from('w') } }, { force: false })).toBe('updated');

    const error: unknown = await gateway.applySecret({ ...secret, labels: { team: 'cnry not/a valid label' } }, { force: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeApiError);
    expect((error as KubeApiError).code).toBe(422);
    expect((error as KubeApiError).reason).toBe('Invalid');
    expect((error as Error).message).toContain(`apply Secret ${namespace}/applied: 422 Invalid`);
    expect((error as Error).message).not.toContain('cnry');
  });
});

describe('HTTPS gateway failures without an apiserver', () => {
  let server: Server;
  let seen: () => void = () => undefined;
  beforeAll(async () => {
    // Accepts requests and never answers: the call stays in flight until it is cut.
    server = createServer(() => { seen(); });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('cuts a call in flight when the signal fires: KubeCallAbortedError', async () => {
    const { port } = server.address() as AddressInfo;
    const gateway = new HttpsGateway({ access: { server: `http://127.0.0.1:${String(port)}` } });
    const controller = new AbortController();
    seen = () => { controller.abort(); };
    try {
      const error: unknown = await gateway.withSignal(controller.signal).getSecret('ns', 'name').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KubeCallAbortedError);
      expect((error as Error).message).toBe('get Secret ns/name: cut: the run was stopped (time budget)');
    } finally {
      await gateway.close();
    }
  });

  it('falls back to at most 4 keep-alive HTTP/1.1 connections when the server does not offer HTTP/2', async () => {
    const endpoint = await startHttpsEndpoint();
    endpoint.on('GET', '/api/v1/namespaces/ns/configmaps/cfg', { body: { metadata: { annotations: { x: 'y' } }, data: { a: 'b' } } });
    let opened = 0;
    const gateway = new HttpsGateway({ access: { server: endpoint.url, ca: Buffer.from(endpoint.caPem) }, onConnect: () => { opened++; } });
    try {
      const first = await Promise.all(Array.from({ length: 12 }, () => gateway.readConfigMapWithMeta('ns', 'cfg')));
      const afterFirst = opened;
      await Promise.all(Array.from({ length: 12 }, () => gateway.readConfigMapWithMeta('ns', 'cfg')));

      expect(first[0]).toEqual({ data: { a: 'b' }, annotations: { x: 'y' } });
      expect(afterFirst).toBeGreaterThanOrEqual(1);
      expect(afterFirst).toBeLessThanOrEqual(4);
      expect(opened).toBe(afterFirst);
      expect(endpoint.requests).toHaveLength(24);
    } finally {
      await gateway.close();
      await endpoint.close();
    }
  });

  it('cuts an HTTP/2 call in flight at the signal, keeps the connection, and reconnects once the server drops it', async () => {
    const ca = await generateTestCa();
    const h2 = createSecureServer({ cert: ca.certPem, key: ca.keyPem });
    const sessions = new Set<ServerHttp2Session>();
    let onHang: () => void = () => undefined;
    h2.on('session', (session) => { sessions.add(session); });
    h2.on('stream', (stream, headers) => {
      // `hang` is never answered: the call stays in flight until the client or the server cuts it.
      if (String(headers[':path']).endsWith('/hang')) { onHang(); return; }
      stream.respond({ ':status': 200, 'content-type': 'application/json' });
      stream.end(JSON.stringify({ data: { a: 'b' } }));
    });
    await new Promise<void>((resolve) => h2.listen(0, '127.0.0.1', resolve));
    let opened = 0;
    const gateway = new HttpsGateway({ access: { server: `https://127.0.0.1:${String((h2.address() as AddressInfo).port)}`, ca: Buffer.from(ca.caPem) }, onConnect: () => { opened++; } });
    try {
      const controller = new AbortController();
      onHang = () => { controller.abort(); };
      const cut: unknown = await gateway.withSignal(controller.signal).readConfigMapWithMeta('ns', 'hang').catch((e: unknown) => e);
      expect(cut).toBeInstanceOf(KubeCallAbortedError);
      expect((cut as Error).message).toBe('get ConfigMap ns/hang: cut: the run was stopped (time budget)');
      expect(await gateway.readConfigMapWithMeta('ns', 'cfg')).toEqual({ data: { a: 'b' }, annotations: {} });
      expect(opened).toBe(1);

      onHang = () => { for (const session of sessions) session.destroy(); };
      const lost: unknown = await gateway.readConfigMapWithMeta('ns', 'hang').catch((e: unknown) => e);
      expect(lost).toBeInstanceOf(KubeUnreachableError);
      expect((lost as Error).message).toMatch(/^get ConfigMap ns\/hang: apiserver unreachable \(/u);
      expect(await gateway.readConfigMapWithMeta('ns', 'cfg')).toEqual({ data: { a: 'b' }, annotations: {} });
      expect(opened).toBe(2);
    } finally {
      await gateway.close();
      for (const session of sessions) session.destroy();
      await new Promise((resolve) => h2.close(resolve));
    }
  });

  it('sends a request the HTTP/2 server refused (never processed) once more, and only once', async () => {
    const ca = await generateTestCa();
    const h2 = createSecureServer({ cert: ca.certPem, key: ca.keyPem });
    let streams = 0;
    h2.on('stream', (stream) => {
      streams++;
      if (streams === 1 || streams === 3 || streams === 4) {
        stream.on('error', () => undefined); // the server's side of the refusal
        stream.close(constants.NGHTTP2_REFUSED_STREAM);
        return;
      }
      stream.respond({ ':status': 200, 'content-type': 'application/json' });
      stream.end(JSON.stringify({ data: { a: 'b' } }));
    });
    await new Promise<void>((resolve) => h2.listen(0, '127.0.0.1', resolve));
    const gateway = new HttpsGateway({ access: { server: `https://127.0.0.1:${String((h2.address() as AddressInfo).port)}`, ca: Buffer.from(ca.caPem) } });
    try {
      expect(await gateway.readConfigMapWithMeta('ns', 'cfg')).toEqual({ data: { a: 'b' }, annotations: {} });
      expect(streams).toBe(2);
      const twice: unknown = await gateway.readConfigMapWithMeta('ns', 'cfg').catch((e: unknown) => e);
      expect(twice).toBeInstanceOf(KubeUnreachableError);
      expect(streams).toBe(4);
    } finally {
      await gateway.close();
      await new Promise((resolve) => h2.close(resolve));
    }
  });

  it('reports a refused connection as KubeUnreachableError with the system error code', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const gateway = new HttpsGateway({ access: { server: `https://127.0.0.1:${String(port)}`, headers: () => Promise.resolve({ Authorization: 'Bearer cnry-token' }) } });
    try {
      const error: unknown = await gateway.listManagedSecrets('ns').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KubeUnreachableError);
      expect((error as Error).message).toBe('list Secrets in ns: apiserver unreachable (ECONNREFUSED)');
    } finally {
      await gateway.close();
    }
  });
});
