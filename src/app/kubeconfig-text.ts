/** A gateway from an in-memory kubeconfig (Secrets Manager, the benchmark, tests), read by our own reader. */
import { HttpsGateway } from '../kube/https-gateway.ts';
import { clusterAccessFromKubeconfig } from '../kube/kubeconfig.ts';

/**
 * Supports static kubeconfigs (token, token file, client certificate, basic auth); exec and
 * auth-provider users are refused with what to use instead (see src/kube/kubeconfig.ts).
 *
 * @example
 * ```ts
 * const gateway = await gatewayFromKubeconfigText(yamlText);
 * ```
 */
export function gatewayFromKubeconfigText(text: string, onConnect?: () => void, source?: string): Promise<HttpsGateway> {
  const access = clusterAccessFromKubeconfig(text, { source });
  return Promise.resolve(new HttpsGateway({ access, ...(onConnect ? { onConnect } : {}) }));
}
