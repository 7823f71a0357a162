/**
 * Opens the cluster gateway from a kubeconfig (file, $KUBECONFIG, ~/.kube/config) or in-cluster.
 * client-node's KubeConfig loads and authenticates (exec plugins, OIDC, token files, in-cluster), so
 * every kubeconfig kubectl accepts works; the requests themselves go through our HTTPS gateway.
 */
import { KubeConfig } from '@kubernetes/client-node';
import type { Agent } from 'node:http';
import type { RequestOptions } from 'node:https';
import { KubeconfigError, type ClusterAccess } from '../kube/cluster-access.ts';
import { HttpsGateway } from '../kube/https-gateway.ts';

export { gatewayFromKubeconfigText } from './kubeconfig-text.ts';

export interface KubeTarget {
  readonly kubeconfig?: string | undefined;
  readonly context?: string | undefined;
  readonly onConnect?: () => void;
}

/**
 * @example
 * ```ts
 * const gateway = await openGateway({ kubeconfig: '/tmp/kubeconfig' });
 * ```
 */
export async function openGateway(target: KubeTarget = {}): Promise<HttpsGateway> {
  const kc = new KubeConfig();
  if (target.kubeconfig) kc.loadFromFile(target.kubeconfig);
  else kc.loadFromDefault();
  if (target.context) kc.setCurrentContext(target.context);
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new KubeconfigError(`kubeconfig: no cluster for context "${kc.getCurrentContext()}"`);
  // TLS material once (as client-node does for its agent); headers before every request, so
  // exec plugins, OIDC and token files renew what expires.
  const tls: RequestOptions = {};
  await kc.applyToHTTPSOptions(tls);
  const access: ClusterAccess = {
    server: cluster.server,
    ca: asBuffer(tls.ca),
    cert: asBuffer(tls.cert),
    key: asBuffer(tls.key),
    insecure: tls.rejectUnauthorized === false,
    tlsServerName: tls.servername ?? undefined,
    headers: async () => {
      const opts: RequestOptions = {};
      await kc.applyToHTTPSOptions(opts);
      return headersOf(opts);
    },
  };
  // A proxy-url cluster: client-node's proxy agent carries the requests (it has no connection hook).
  const agent = cluster.proxyUrl ? tls.agent as Agent | undefined : undefined;
  return new HttpsGateway({ access, ...(agent ? { agent } : {}), ...(target.onConnect ? { onConnect: target.onConnect } : {}) });
}

/** The Authorization (bearer, or basic from `opts.auth`) and Impersonate-* headers client-node set. */
function headersOf(opts: RequestOptions): Record<string, string> {
  const out: Record<string, string> = {};
  if (opts.auth) out.Authorization = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
  const given = opts.headers;
  if (given && !Array.isArray(given)) {
    for (const [k, v] of Object.entries(given)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : String(v);
  }
  return out;
}

function asBuffer(v: unknown): Buffer | undefined {
  if (v === undefined || v === null) return undefined;
  if (Buffer.isBuffer(v)) return v;
  if (typeof v === 'string') return Buffer.from(v);
  throw new KubeconfigError('kubeconfig: TLS material in an unexpected form (a list of certificates)');
}
