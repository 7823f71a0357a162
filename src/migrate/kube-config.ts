/** Loads a kubeconfig as the CLI does: `--kubeconfig FILE`, else $KUBECONFIG or ~/.kube/config, then `--context`. */
import { KubeConfig } from '@kubernetes/client-node';

/**
 * @example
 * ```ts
 * const kc = loadKubeConfig({ kubeconfig: opts.kubeconfig, context: opts.context });
 * ```
 */
export function loadKubeConfig(target: { readonly kubeconfig?: string | undefined; readonly context?: string | undefined }): KubeConfig {
  const kc = new KubeConfig();
  if (target.kubeconfig) kc.loadFromFile(target.kubeconfig);
  else kc.loadFromDefault();
  if (target.context) kc.setCurrentContext(target.context);
  return kc;
}
