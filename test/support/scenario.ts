/** A namespace, an HTTPS endpoint and a restricted sync identity, ready for one cluster test. */
import type { Config } from '../../src/config/types.ts';
import type { HttpsGateway } from '../../src/kube/https-gateway.ts';
import { startHttpsEndpoint, type HttpsEndpoint } from '../../src/local/https-endpoint.ts';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { runOnce } from '../../src/app/run.ts';
import type { Selection } from '../../src/sync/due.ts';
import type { RunSummary } from '../../src/sync/result.ts';
import { admin, freshNamespace } from './cluster.ts';
import { syncIdentityFor, type SyncIdentity } from './sync.ts';
import { recordOutput } from './leak.ts';
import { configFor } from './webhook.ts';

export interface Scenario {
  readonly namespace: string;
  readonly identity: SyncIdentity;
  readonly gateway: HttpsGateway;
  /** Runs one sync of `config` as the restricted identity (source `files` unless given). */
  sync(config: Config, selection?: Selection, source?: string): Promise<RunSummary>;
  /** The Secret as the admin sees it, data decoded. */
  secret(name: string): Promise<{ data: Record<string, string>; labels: Record<string, string>; annotations: Record<string, string>; type: string; immutable: boolean } | undefined>;
  events(): Promise<{ reason: string; type: string; message: string; object: string }[]>;
  config(webhook: Record<string, unknown>, externalSecrets: Record<string, unknown>[]): Config;
  close(): Promise<void>;
}

/** With `configMapName`, the identity also gets what `rbac --configmap <namespace>/<configMapName>` adds. */
export async function scenario(endpoint: HttpsEndpoint, prefix: string, rbacConfig?: (namespace: string) => Config, configMapName?: string): Promise<Scenario> {
  const namespace = await freshNamespace(prefix);
  const configOf = (webhook: Record<string, unknown>, list: Record<string, unknown>[]): Config => configFor(endpoint, webhook, list, { namespace });
  // The identity gets exactly what `rbac` prints for a config in this namespace.
  const rbacBase = rbacConfig?.(namespace) ?? configOf({ url: '/x' }, [{ data: [{ secretKey: 'k', remoteRef: { key: 'k' } }] }]);
  const identity = await syncIdentityFor(rbacBase, { home: namespace, ...(configMapName ? { configMap: { namespace, name: configMapName } } : {}) });
  const gateway = await identity.gateway();
  const { core } = admin();
  return {
    namespace,
    identity,
    gateway,
    config: configOf,
    async sync(config, selection = { all: false }, source = 'files') {
      const summary = await runOnce({ gateway, config, source, selection, retry: { baseDelayMs: 10, maxDelayMs: 2000 } });
      recordOutput('run summary', JSON.stringify(summary));
      return summary;
    },
    async secret(name) {
      try {
        const s = await core.readNamespacedSecret({ name, namespace });
        return {
          data: Object.fromEntries(Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()])),
          labels: s.metadata?.labels ?? {},
          annotations: s.metadata?.annotations ?? {},
          type: s.type ?? '',
          immutable: s.immutable ?? false,
        };
      } catch (e) {
        if ((e as { code?: number }).code === 404) return undefined;
        throw e;
      }
    },
    async events() {
      const list = await core.listNamespacedEvent({ namespace });
      return list.items.map((e) => ({ reason: e.reason ?? '', type: e.type ?? '', message: e.message ?? '', object: e.involvedObject.name ?? '' }));
    },
    close: () => gateway.close(),
  };
}

/**
 * The usual hooks of a cluster test file: one HTTPS endpoint for the file, reset before each test
 * (then `prepare` adds routes), and a fresh scenario per test, closed after it.
 */
export function useScenario(prefix: string, prepare?: (endpoint: HttpsEndpoint) => void): { readonly endpoint: HttpsEndpoint; readonly s: Scenario } {
  let endpoint: HttpsEndpoint | undefined;
  let current: Scenario | undefined;
  beforeAll(async () => {
    endpoint = await startHttpsEndpoint();
  });
  afterAll(async () => {
    await endpoint?.close();
  });
  beforeEach(async (ctx) => {
    const e = ready(endpoint, 'endpoint');
    e.reset();
    prepare?.(e);
    const s = await scenario(e, prefix);
    current = s;
    ctx.onTestFinished(() => s.close());
  });
  return {
    get endpoint() { return ready(endpoint, 'endpoint'); },
    get s() { return ready(current, 'scenario'); },
  };
}

function ready<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`the ${what} is made in beforeAll/beforeEach; use it inside a test`);
  return value;
}
