 
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiException, type V1PolicyRule } from '@kubernetes/client-node';
import { adminClients, type ClusterConnection } from './admin-client.ts';
import { writeKubeconfig } from './kubeconfig.ts';

export interface RestrictedIdentityOptions {
  /** Name of the ServiceAccount, Role and RoleBinding. */
  name: string;
  /** Namespace of the ServiceAccount (created if missing) and of the Role. */
  namespace: string;
  /** Namespaced rules (Role + RoleBinding in `namespace`). */
  rules?: V1PolicyRule[];
  /** Cluster-wide rules (ClusterRole + ClusterRoleBinding named `<namespace>.<name>`). */
  clusterRules?: V1PolicyRule[];
  /** Token lifetime; default 24 h. */
  expirationSeconds?: number;
}

export interface RestrictedIdentity {
  /** A ServiceAccount token from the TokenRequest API. Never print it. */
  token: string;
  kubeconfigPath: string;
  kubeconfigYaml: string;
}

/** Creates an object, treating 409 AlreadyExists as success (setup is idempotent). */
async function createIgnoringConflict(create: () => Promise<unknown>): Promise<void> {
  try {
    await create();
  } catch (error) {
    if (!(error instanceof ApiException && error.code === 409)) throw error;
  }
}

/**
 * Ensures a namespace exists (as admin).
 *
 * @example
 * ```ts
 * await ensureNamespace({ connection: conn, namespace: 't1' });
 * ```
 */
export async function ensureNamespace(options: { connection: ClusterConnection; namespace: string }): Promise<void> {
  const { core } = adminClients(options.connection);
  await createIgnoringConflict(() => core.createNamespace({ body: { metadata: { name: options.namespace } } }));
}

/**
 * Creates a least-privilege identity: a ServiceAccount bound to a Role (and/or ClusterRole) with
 * exactly `rules`, and a token for it via the TokenRequest API. Writes a kubeconfig for it into
 * `<dir>/identities/`. Works from plain connection info, so tests and the CLI can call it without
 * the object that started the cluster.
 *
 * @example
 * ```ts
 * const app = await createRestrictedIdentity({
 *   connection: conn, dir: clusterDir, name: 'app', namespace: 't1',
 *   rules: [{ apiGroups: [''], resources: ['secrets'], resourceNames: ['app-secret'], verbs: ['get', 'patch'] }],
 * });
 * new KubeConfig().loadFromString(app.kubeconfigYaml);
 * ```
 */
export async function createRestrictedIdentity(
  options: RestrictedIdentityOptions & { connection: ClusterConnection; dir: string },
): Promise<RestrictedIdentity> {
  const { connection, name, namespace } = options;
  const { core, rbac } = adminClients(connection);
  const subject = { kind: 'ServiceAccount', name, namespace };

  await ensureNamespace({ connection, namespace });
  await createIgnoringConflict(() =>
    core.createNamespacedServiceAccount({ namespace, body: { metadata: { name, namespace } } }),
  );
  if (options.rules) {
    const rules = options.rules;
    await createIgnoringConflict(() =>
      rbac.createNamespacedRole({ namespace, body: { metadata: { name, namespace }, rules } }),
    );
    await createIgnoringConflict(() =>
      rbac.createNamespacedRoleBinding({
        namespace,
        body: {
          metadata: { name, namespace },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
          subjects: [subject],
        },
      }),
    );
  }
  if (options.clusterRules) {
    const clusterName = `${namespace}.${name}`;
    const rules = options.clusterRules;
    await createIgnoringConflict(() => rbac.createClusterRole({ body: { metadata: { name: clusterName }, rules } }));
    await createIgnoringConflict(() =>
      rbac.createClusterRoleBinding({
        body: {
          metadata: { name: clusterName },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterName },
          subjects: [subject],
        },
      }),
    );
  }

  const tokenRequest = await core.createNamespacedServiceAccountToken({
    name,
    namespace,
    body: { spec: { audiences: [], expirationSeconds: options.expirationSeconds ?? 86_400 } },
  });
  const token = tokenRequest.status?.token;
  if (!token) throw new Error(`TokenRequest for serviceaccount ${namespace}/${name} returned no token`);

  const identityDir = join(options.dir, 'identities');
  await mkdir(identityDir, { recursive: true });
  const kubeconfigPath = join(identityDir, `${namespace}.${name}.kubeconfig`);
  const identity = { server: connection.server, caData: connection.caData, token, user: name, namespace };
  const kubeconfigYaml = await writeKubeconfig({ path: kubeconfigPath, identity });
  return { token, kubeconfigPath, kubeconfigYaml };
}
