/** Opens the cluster gateway from a kubeconfig (file, $KUBECONFIG, ~/.kube/config) or in-cluster. */
import { KubeConfig } from '@kubernetes/client-node';
import { ClientNodeGateway } from '../kube/client-node-gateway.ts';

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
export async function openGateway(target: KubeTarget = {}): Promise<ClientNodeGateway> {
  const kc = new KubeConfig();
  if (target.kubeconfig) kc.loadFromFile(target.kubeconfig);
  else kc.loadFromDefault();
  if (target.context) kc.setCurrentContext(target.context);
  return ClientNodeGateway.create({ kubeConfig: kc, ...(target.onConnect ? { onConnect: target.onConnect } : {}) });
}

/** A gateway from an in-memory kubeconfig (Secrets Manager, tests). */
export async function gatewayFromKubeconfigText(text: string, onConnect?: () => void): Promise<ClientNodeGateway> {
  const kc = new KubeConfig();
  kc.loadFromString(text);
  return ClientNodeGateway.create({ kubeConfig: kc, ...(onConnect ? { onConnect } : {}) });
}
