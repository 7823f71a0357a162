/**
 * The embedded default behind `npm start`: a local cluster (built on first use), a local HTTPS
 * endpoint serving the seed example, the example pushed to a ConfigMap, one sync as the least-
 * privilege identity, then the resulting Secrets (keys and sizes, never values) and the status.
 */
import { readFile } from 'node:fs/promises';
import { parseAllDocuments, stringify } from 'yaml';
import { loadConfigFromConfigMap } from '../config/load.ts';
import { rbacFor } from '../config/rbac.ts';
import { adminClients } from '../local/admin-client.ts';
import { localClusterUp, type ClusterStateOptions } from '../local/cluster-state.ts';
import { startHttpsEndpoint, type HttpsEndpoint } from '../local/https-endpoint.ts';
import { createRestrictedIdentity, ensureNamespace } from '../local/restricted-identity.ts';
import type { ProgressListener } from '../local/binaries.ts';
import { ensureStateObject } from '../sync/checked.ts';
import { statusRows, type StatusRow } from '../sync/status.ts';
import type { RunSummary } from '../sync/result.ts';
import { DEFAULT_CONFIGMAP, NAMESPACES_ANNOTATION, sourceOf } from './config-source.ts';
import { gatewayFromKubeconfigText } from './kube.ts';
import { runOnce } from './run.ts';

const SEED = new URL('../../examples/seed/', import.meta.url);
/** The seed's placeholder; the demo points it at the local endpoint. */
const PLACEHOLDER = 'https://your-http-endpoint.com';

export interface DemoResult {
  readonly summary: RunSummary;
  readonly secrets: readonly { name: string; namespace: string; type: string; keys: Record<string, number> }[];
  readonly status: readonly StatusRow[];
  readonly adminKubeconfigPath: string;
  readonly endpointRequests: number;
}

/**
 * @example
 * ```ts
 * const result = await runDemo({ onProgress: (l) => process.stderr.write(`${l}\n`) });
 * ```
 */
export async function runDemo(options: ClusterStateOptions & { onProgress?: ProgressListener } = {}): Promise<DemoResult> {
  const say = options.onProgress ?? (() => undefined);
  say('starting the local Kubernetes control plane (the first run builds it from the Go module proxy: about 5-15 minutes)');
  const cluster = await localClusterUp(options);
  say(`control plane ready at ${cluster.server}${cluster.reused ? ' (reused)' : ''}`);
  const endpoint = await seedEndpoint();
  try {
    const ref = DEFAULT_CONFIGMAP;
    const manifests = await seedManifests(endpoint);
    const connection = { server: cluster.server, caData: cluster.caData, adminToken: cluster.adminToken };
    const admin = await gatewayFromKubeconfigText(await readFile(cluster.adminKubeconfigPath, 'utf8'));
    let syncKubeconfig: string;
    try {
      await ensureNamespace({ connection, namespace: ref.namespace });
      const config = loadConfigFromConfigMap(ref, { 'seed.yaml': manifests });
      const namespaces = [...new Set(config.externalSecrets.map((e) => e.namespace))];
      for (const ns of namespaces) await ensureNamespace({ connection, namespace: ns });
      await admin.applyConfigMap(ref.namespace, ref.name, { data: { 'seed.yaml': manifests }, annotations: { [NAMESPACES_ANNOTATION]: namespaces.join(',') } });
      await ensureStateObject(admin, ref);
      say(`pushed the seed example to ConfigMap ${ref.namespace}/${ref.name}`);
      syncKubeconfig = await leastPrivilegeIdentity(connection, cluster.dir, rbacFor(config, { configMap: ref, subject: { kind: 'ServiceAccount', name: 'sync', namespace: ref.namespace } }));
    } finally {
      await admin.close();
    }
    const gateway = await gatewayFromKubeconfigText(syncKubeconfig);
    try {
      say('syncing as the least-privilege ServiceAccount webhook-secret-sync/sync');
      const cm = await gateway.readConfigMapWithMeta(ref.namespace, ref.name);
      const config = loadConfigFromConfigMap(ref, cm?.data ?? {});
      const summary = await runOnce({ gateway, config, source: sourceOf(ref), selection: { all: true } });
      const secrets = [];
      for (const es of config.externalSecrets) {
        const s = await gateway.getSecret(es.namespace, es.targetName);
        if (s) secrets.push({ name: s.name, namespace: s.namespace, type: s.type, keys: Object.fromEntries(Object.entries(s.data).map(([k, v]) => [k, v.length])) });
      }
      const status = await statusRows(config, gateway);
      return { summary, secrets, status, adminKubeconfigPath: cluster.adminKubeconfigPath, endpointRequests: endpoint.requests.length };
    } finally {
      await gateway.close();
    }
  } finally {
    await endpoint.close();
  }
}

async function seedEndpoint(): Promise<HttpsEndpoint> {
  const body = await readFile(new URL('response.json', SEED), 'utf8');
  const endpoint = await startHttpsEndpoint();
  endpoint.on('GET', '/secrets', (req) =>
    req.headers.authorization === 'Bearer <your-token-here>' ? { body, headers: { 'content-type': 'application/json' } } : { status: 401, body: 'unauthorized' });
  return endpoint;
}

/** The seed verbatim, except its placeholder url and the local endpoint's CA. */
async function seedManifests(endpoint: HttpsEndpoint): Promise<string> {
  const texts = await Promise.all(['secretstore.yaml', 'externalsecret.yaml'].map((f) => readFile(new URL(f, SEED), 'utf8')));
  return texts
    .flatMap((t) => parseAllDocuments(t).map((d) => d.toJS() as Record<string, unknown>))
    .map((doc) => {
      if (doc.kind !== 'SecretStore') return stringify(doc);
      const text = stringify(doc).replace(PLACEHOLDER, endpoint.url);
      const store = parseAllDocuments(text)[0]?.toJS() as { spec: { provider: { webhook: Record<string, unknown> } } };
      store.spec.provider.webhook.caBundle = Buffer.from(endpoint.caPem).toString('base64');
      return stringify(store);
    })
    .join('---\n');
}

async function leastPrivilegeIdentity(connection: { server: string; caData: string; adminToken: string }, dir: string, docs: Record<string, unknown>[]): Promise<string> {
  const { rbac } = adminClients(connection);
  for (const doc of docs) {
    const ns = (doc.metadata as { namespace: string }).namespace;
    const name = (doc.metadata as { name: string }).name;
    // Replace, so a re-run with a changed config gets exactly the new rules.
    if (doc.kind === 'Role') {
      await rbac.deleteNamespacedRole({ name, namespace: ns }).catch(() => undefined);
      await rbac.createNamespacedRole({ namespace: ns, body: doc });
    } else {
      await rbac.deleteNamespacedRoleBinding({ name, namespace: ns }).catch(() => undefined);
      await rbac.createNamespacedRoleBinding({ namespace: ns, body: doc as never });
    }
  }
  const id = await createRestrictedIdentity({ connection, dir, name: 'sync', namespace: DEFAULT_CONFIGMAP.namespace, expirationSeconds: 3600 });
  return id.kubeconfigYaml;
}

