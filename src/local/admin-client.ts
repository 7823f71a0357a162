import {
  CoreV1Api,
  createConfiguration,
  KubeConfig,
  RbacAuthorizationV1Api,
  ServerConfiguration,
  type RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';
import { Agent, fetch } from 'undici';
import { renderKubeconfig } from './kubeconfig.ts';

/** Everything needed to talk to a running local cluster as the admin (system:masters). */
export interface ClusterConnection {
  /** `https://127.0.0.1:<port>` */
  server: string;
  /** PEM of the apiserver's certificate chain. */
  caData: string;
  adminToken: string;
}

export interface AdminClients {
  kubeConfig: KubeConfig;
  core: CoreV1Api;
  rbac: RbacAuthorizationV1Api;
}

// One Agent per cluster: client-node 2 otherwise opens a new TLS connection for every call.
const agents = new Map<string, Agent>();

/**
 * The shared undici Agent trusting the cluster's CA (one per server, reused across calls).
 *
 * @example
 * ```ts
 * await fetch(`${conn.server}/version`, { dispatcher: clusterAgent(conn) }); // fetch from 'undici'
 * ```
 */
export function clusterAgent(connection: Pick<ClusterConnection, 'server' | 'caData'>): Agent {
  const key = `${connection.server}\n${connection.caData}`;
  let agent = agents.get(key);
  if (!agent) {
    agent = new Agent({ connect: { ca: connection.caData }, keepAliveTimeout: 30_000 });
    agents.set(key, agent);
  }
  return agent;
}

/**
 * Closes the shared Agent of a cluster (after the cluster stops).
 *
 * @example
 * ```ts
 * await closeClusterAgent(conn);
 * ```
 */
export async function closeClusterAgent(connection: Pick<ClusterConnection, 'server' | 'caData'>): Promise<void> {
  const key = `${connection.server}\n${connection.caData}`;
  const agent = agents.get(key);
  agents.delete(key);
  await agent?.close().catch(() => {});
}

/**
 * Admin CoreV1 / RbacAuthorizationV1 clients over one shared connection pool.
 *
 * @example
 * ```ts
 * const { core } = adminClients(conn);
 * await core.createNamespace({ body: { metadata: { name: 't1' } } });
 * ```
 */
export function adminClients(connection: ClusterConnection): AdminClients {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(
    renderKubeconfig({ server: connection.server, caData: connection.caData, token: connection.adminToken }),
  );
  const agent = clusterAgent(connection);
  const config = createConfiguration({
    baseServer: new ServerConfiguration(connection.server, {}),
    authMethods: { default: kubeConfig },
    promiseMiddleware: [
      {
        // Runs after client-node set its per-request dispatcher, so the shared one wins.
        pre: (context: RequestContext) => {
          context.setDispatcher(agent);
          return Promise.resolve(context);
        },
        post: (context: ResponseContext) => Promise.resolve(context),
      },
    ],
  });
  return { kubeConfig, core: new CoreV1Api(config), rbac: new RbacAuthorizationV1Api(config) };
}

/**
 * GET a path on the apiserver with a bearer token; returns status and body text (never throws on
 * HTTP errors, only on network errors).
 *
 * @example
 * ```ts
 * const { status, body } = await apiserverGet({ connection: conn, path: '/readyz?verbose' });
 * ```
 */
export async function apiserverGet(options: {
  connection: ClusterConnection;
  path: string;
  token?: string;
  signal?: AbortSignal;
}): Promise<{ status: number; body: string }> {
  const { connection, path } = options;
  const response = await fetch(new URL(path, connection.server), {
    dispatcher: clusterAgent(connection),
    headers: { authorization: `Bearer ${options.token ?? connection.adminToken}` },
    signal: options.signal ?? AbortSignal.timeout(10_000),
  });
  return { status: response.status, body: await response.text() };
}
