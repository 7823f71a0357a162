/**
 * What the whole-run benchmark (run.ts) and the sharded one (shards.ts) share: the sync's
 * least-privilege identity, and the worker bundled as the Lambda runs it.
 */
import { join } from 'node:path';
import { ApiException } from '@kubernetes/client-node';
import { build } from 'esbuild';
import { loadConfig } from '../src/config/load.ts';
import { rbacFor } from '../src/config/rbac.ts';
import { adminClients } from '../src/local/admin-client.ts';
import type { LocalCluster } from '../src/local/cluster.ts';
import type { HttpsEndpoint } from '../src/local/https-endpoint.ts';
import { createRestrictedIdentity, ensureNamespace } from '../src/local/restricted-identity.ts';
import { manifestsFor, type ScenarioShape } from './scenario.ts';

/**
 * ServiceAccount bound by exactly the Roles `rbacFor` prints for this scenario; returns its kubeconfig.
 *
 * @example
 * ```ts
 * const { kubeconfig, user } = await syncIdentity(cluster, shape, endpoint);
 * ```
 */
export async function syncIdentity(cluster: LocalCluster, shape: ScenarioShape, endpoint: HttpsEndpoint): Promise<{ kubeconfig: string; user: string }> {
  // RBAC depends only on the namespaces and stores: one ExternalSecret per namespace gives the same Roles.
  const small = loadConfig([{ source: 'rbac.yaml', text: manifestsFor({ ...shape, externalSecrets: shape.namespaces }, endpoint) }]);
  const home = `${shape.prefix}-sync`;
  const { rbac } = adminClients(cluster);
  for (const doc of rbacFor(small, { subject: { kind: 'ServiceAccount', name: 'sync', namespace: home } })) {
    const ns = (doc.metadata as { namespace: string }).namespace;
    await ensureNamespace({ connection: cluster, namespace: ns });
    try {
      if (doc.kind === 'Role') await rbac.createNamespacedRole({ namespace: ns, body: doc });
      else await rbac.createNamespacedRoleBinding({ namespace: ns, body: doc as never });
    } catch (error) {
      if (!(error instanceof ApiException && error.code === 409)) throw error;
    }
  }
  const id = await createRestrictedIdentity({ connection: cluster, dir: cluster.dir, name: 'sync', namespace: home });
  return { kubeconfig: id.kubeconfigYaml, user: `system:serviceaccount:${home}:sync` };
}

/**
 * Bundles bench/worker.ts into `outfile` as the Lambda runs it (one file, esbuild, minified).
 *
 * @example
 * ```ts
 * const script = await bundleWorker(root, join(root, '.tmp', 'bench-worker.mjs'));
 * ```
 */
export async function bundleWorker(root: string, outfile: string): Promise<string> {
  await build({
    entryPoints: [join(root, 'bench', 'worker.ts')], outfile, bundle: true, platform: 'node', target: 'node24', format: 'esm',
    mainFields: ['module', 'main'], minify: true, keepNames: true, logLevel: 'silent',
    banner: { js: "import { createRequire as __wssCreateRequire } from 'node:module'; const require = __wssCreateRequire(import.meta.url);" },
  });
  return outfile;
}
