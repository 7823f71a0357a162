/** Runs syncs as exactly the identity `rbac` prints for a config, against the local cluster. */
import { join } from 'node:path';
import { stringify } from 'yaml';
import { gatewayFromKubeconfigText } from '../../src/app/kube.ts';
import { rbacFor } from '../../src/config/rbac.ts';
import type { Config, ConfigMapRef } from '../../src/config/types.ts';
import type { HttpsGateway } from '../../src/kube/https-gateway.ts';
import { readAuditEvents, WRITE_VERBS, type AuditEvent } from '../../src/local/audit.ts';
import { adminClients } from '../../src/local/admin-client.ts';
import { createRestrictedIdentity, ensureNamespace } from '../../src/local/restricted-identity.ts';
import { providedCluster } from './cluster.ts';

export interface SyncIdentity {
  readonly kubeconfigYaml: string;
  readonly kubeconfigPath: string;
  /** `system:serviceaccount:<ns>:<name>`, as the audit log names it. */
  readonly user: string;
  gateway(): Promise<HttpsGateway>;
}

/**
 * A ServiceAccount bound by the Roles `rbacFor(config)` prints (and nothing else).
 */
export async function syncIdentityFor(config: Config, options: { home: string; configMap?: ConfigMapRef; name?: string }): Promise<SyncIdentity> {
  const cluster = providedCluster();
  const name = options.name ?? 'sync';
  const docs = rbacFor(config, { subject: { kind: 'ServiceAccount', name, namespace: options.home }, ...(options.configMap ? { configMap: options.configMap } : {}) });
  const { rbac } = adminClients(cluster);
  for (const doc of docs) {
    const ns = (doc.metadata as { namespace: string }).namespace;
    await ensureNamespace({ connection: cluster, namespace: ns });
    if (doc.kind === 'Role') await rbac.createNamespacedRole({ namespace: ns, body: doc });
    else await rbac.createNamespacedRoleBinding({ namespace: ns, body: doc as never });
  }
  const id = await createRestrictedIdentity({ connection: cluster, dir: cluster.dir, name, namespace: options.home });
  return {
    kubeconfigYaml: id.kubeconfigYaml,
    kubeconfigPath: id.kubeconfigPath,
    user: `system:serviceaccount:${options.home}:${name}`,
    gateway: () => gatewayFromKubeconfigText(id.kubeconfigYaml),
  };
}

/** What `user` asked of the apiserver, from the audit log (reads and writes, by verb). */
export async function auditOf(user: string): Promise<AuditEvent[]> {
  return readAuditEvents(join(providedCluster().dir, 'audit.log'), { user });
}

export function writesIn(events: readonly AuditEvent[]): AuditEvent[] {
  return events.filter((e) => (WRITE_VERBS as readonly string[]).includes(e.verb));
}

export function manifestsYaml(docs: readonly Record<string, unknown>[]): string {
  return docs.map((d) => stringify(d)).join('---\n');
}
