import { randomBytes } from 'node:crypto';
import { KubeConfig, CoreV1Api, type V1PolicyRule } from '@kubernetes/client-node';
import { inject } from 'vitest';
import { adminClients, type AdminClients } from '../../src/local/admin-client.ts';
import {
  apiserverRequestCounts as fetchRequestCounts,
  type ApiserverRequestCount,
  type RequestCountFilter,
} from '../../src/local/apiserver-metrics.ts';
import { createRestrictedIdentity, ensureNamespace, type RestrictedIdentity } from '../../src/local/restricted-identity.ts';
import type { ProvidedCluster } from './provided.d.ts';

/** True when the global setup started a cluster (use with `describe.skipIf(!hasCluster())`). */
export function hasCluster(): boolean {
  return inject('cluster') !== undefined;
}

/** The cluster of this test run; throws a clear error when the run skipped it. */
export function providedCluster(): ProvidedCluster {
  const cluster = inject('cluster');
  if (!cluster) throw new Error('no local cluster in this run (WSS_SKIP_CLUSTER=1?); guard the suite with hasCluster()');
  return cluster;
}

/** A KubeConfig for the admin (system:masters), loaded from the written kubeconfig file. */
export function adminKubeConfig(): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(providedCluster().adminKubeconfigPath);
  return kubeConfig;
}

/** Admin CoreV1 / RBAC clients sharing one connection pool. */
export function admin(): AdminClients {
  return adminClients(providedCluster());
}

/** Creates a namespace `<prefix>-<random>` as admin and returns its name (never deleted: no namespace controller). */
export async function freshNamespace(prefix = 't'): Promise<string> {
  const namespace = `${prefix}-${randomBytes(4).toString('hex')}`.toLowerCase().slice(0, 63);
  await ensureNamespace({ connection: providedCluster(), namespace });
  return namespace;
}

export interface TestIdentity extends RestrictedIdentity {
  kubeConfig: KubeConfig;
  core: CoreV1Api;
}

/**
 * A ServiceAccount in `namespace` allowed exactly `rules` (and optional cluster-wide `clusterRules`),
 * with a token, kubeconfig file and ready clients.
 */
export async function restrictedIdentity(
  namespace: string,
  rules: V1PolicyRule[],
  options: { name?: string; clusterRules?: V1PolicyRule[] } = {},
): Promise<TestIdentity> {
  const cluster = providedCluster();
  const identity = await createRestrictedIdentity({
    connection: cluster,
    dir: cluster.dir,
    name: options.name ?? 'app',
    namespace,
    rules,
    clusterRules: options.clusterRules,
  });
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(identity.kubeconfigYaml);
  return { ...identity, kubeConfig, core: kubeConfig.makeApiClient(CoreV1Api) };
}

/** `apiserver_request_total` series of the run's cluster (e.g. `{ verb: 'PATCH', resource: 'secrets' }`). */
export function apiserverRequestCounts(filter?: RequestCountFilter): Promise<ApiserverRequestCount[]> {
  return fetchRequestCounts({ connection: providedCluster(), filter });
}
