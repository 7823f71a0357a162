/**
 * The run's time budget bounds work already in flight: an endpoint request is cut at the run's
 * deadline (not at the store's 30 s timeout), none is sent after it, and an apiserver call bound to an
 * aborted run signal is never sent. Real HTTPS endpoint, real node:https transport, real kube-apiserver.
 * The held endpoint answers only when the test releases it, so no outcome depends on the clock.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { gatewayFromKubeconfigText } from '../../src/app/kube.ts';
import { DEFAULT_POLICY } from '../../src/config/types.ts';
import { KubeCallAbortedError } from '../../src/kube/gateway.ts';
import { MANAGED } from '../../src/model/managed.ts';
import { pruneOrphans } from '../../src/sync/prune.ts';
import type { HttpsGateway } from '../../src/kube/https-gateway.ts';
import { startHttpsEndpoint, type HttpsEndpoint } from '../../src/local/https-endpoint.ts';
import { ProviderTimeBudgetError } from '../../src/providers/errors.ts';
import { RetryingTransport } from '../../src/providers/webhook/retry.ts';
import { NodeHttpTransport, type WebhookRequest } from '../../src/providers/webhook/transport.ts';
import { admin, freshNamespace, hasCluster, providedCluster } from '../support/cluster.ts';

describe('endpoint requests within the run deadline (real HTTPS endpoint)', () => {
  let endpoint: HttpsEndpoint;
  let transport: NodeHttpTransport;
  let release: () => void = () => undefined;
  const get = (path: string): WebhookRequest => ({
    method: 'GET', url: `${endpoint.url}${path}`, headers: [], body: undefined, caPem: endpoint.caPem, timeoutMs: 30_000, policy: DEFAULT_POLICY,
  });

  beforeAll(async () => {
    endpoint = await startHttpsEndpoint();
    transport = new NodeHttpTransport();
  });
  afterAll(async () => {
    release();
    await transport.close();
    await endpoint.close();
  });
  beforeEach(() => {
    endpoint.reset();
    const held = new Promise<void>((resolve) => { release = resolve; });
    endpoint.on('GET', '/held', async () => {
      await held;
      return { body: 'late' };
    });
  });

  it('cuts a request in flight at the run deadline, long before the store timeout, as a time-budget error (not retried)', async () => {
    // Prepare: 2 s is ample for the request to reach the endpoint even on a busy machine.
    const http = new RetryingTransport(transport, { deadline: Date.now() + 2_000, retries: 2 });
    // Act
    const outcome = await http.send(get('/held')).then(() => undefined, (e: unknown) => e);
    release();
    // Assess
    expect(outcome).toBeInstanceOf(ProviderTimeBudgetError);
    expect((outcome as Error).message).toBe("not finished: the run's time budget ran out while the endpoint was answering");
    expect(endpoint.requests.filter((r) => r.path === '/held')).toHaveLength(1);
  });

  it('sends nothing once the run deadline has passed', async () => {
    // Prepare
    const http = new RetryingTransport(transport, { deadline: Date.now() - 1 });
    // Act
    const outcome = await http.send(get('/held')).then(() => undefined, (e: unknown) => e);
    // Assess
    expect(outcome).toBeInstanceOf(ProviderTimeBudgetError);
    expect((outcome as Error).message).toBe("not sent: the run's time budget is spent");
    expect(endpoint.requests).toHaveLength(0);
  });

  it('keeps the store timeout when the run has more time left than it', async () => {
    // Prepare
    endpoint.on('GET', '/quick', { body: 'ok' });
    const http = new RetryingTransport(transport, { deadline: Date.now() + 3_600_000 });
    // Act
    const res = await http.send(get('/quick'));
    // Assess
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('ok');
  });
});

describe.skipIf(!hasCluster())('apiserver calls bound to the run signal (real kube-apiserver)', () => {
  let gateway: HttpsGateway;
  let namespace: string;
  beforeAll(async () => {
    gateway = await gatewayFromKubeconfigText(readFileSync(providedCluster().adminKubeconfigPath, 'utf8'));
    namespace = await freshNamespace('budget');
  });
  afterAll(async () => {
    await gateway.close();
  });

  const secret = (name: string) => ({ name, namespace, type: 'Opaque', labels: {}, annotations: {}, data: { k: Buffer.from('v') }, immutable: false });

  it('sends no write once the run is aborted: the Secret is not created and the error says why', async () => {
    // Prepare
    const stopped = new AbortController();
    stopped.abort();
    // Act
    const outcome = await gateway.withSignal(stopped.signal).applySecret(secret('after-deadline'), { force: true }).then(() => undefined, (e: unknown) => e);
    // Assess
    expect(outcome).toBeInstanceOf(KubeCallAbortedError);
    expect((outcome as Error).message).toBe(`apply Secret ${namespace}/after-deadline: not sent: the run was stopped (time budget)`);
    await expect(admin().core.readNamespacedSecret({ name: 'after-deadline', namespace })).rejects.toMatchObject({ code: 404 });
  });

  it('a prune stopped by the time budget deletes nothing and is skipped, not failed', async () => {
    // Prepare: an Owner Secret of source `configmap:x/y` whose ExternalSecret left the config.
    const owned = { ...secret('orphan-late'), labels: { [MANAGED.label]: 'true' }, annotations: { [MANAGED.externalSecretAnnotation]: `${namespace}/gone`, [MANAGED.sourceAnnotation]: 'configmap:x/y', [MANAGED.creationPolicyAnnotation]: 'Owner' } };
    await gateway.applySecret(owned, { force: true });
    const existing = (await gateway.listManagedSecrets(namespace)).filter((x) => x.name === 'orphan-late');
    const stopped = new AbortController();
    stopped.abort();
    // Act
    const { outcomes, deleted } = await pruneOrphans({ gateway: gateway.withSignal(stopped.signal), config: { stores: [], externalSecrets: [] }, source: 'configmap:x/y', limit: { percent: 100 }, existing });
    // Assess
    expect(deleted.size).toBe(0);
    expect(outcomes).toEqual([expect.objectContaining({ target: `${namespace}/orphan-late`, result: 'skipped', reason: 'DeadlineReached' })]);
    expect((await admin().core.readNamespacedSecret({ name: 'orphan-late', namespace })).metadata?.name).toBe('orphan-late');
  });

  it('a view with a live signal works as the gateway does, sharing its connections', async () => {
    // Act
    const result = await gateway.withSignal(new AbortController().signal).applySecret(secret('in-time'), { force: true });
    // Assess
    expect(result).toBe('created');
    const read = await admin().core.readNamespacedSecret({ name: 'in-time', namespace });
    expect(read.data?.k).toBe(Buffer.from('v').toString('base64'));
  });
});
