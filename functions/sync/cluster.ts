/** Opens the cluster gateway the settings ask for: EKS (in-process token) or a kubeconfig in Secrets Manager. */
import { EKSClient } from '@aws-sdk/client-eks';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { gatewayFromKubeconfigText } from '../../src/app/kubeconfig-text.ts';
import { describeEksCluster } from '../../src/aws/eks-cluster.ts';
import { eksClusterAccess } from '../../src/aws/eks-access.ts';
import { EksTokenCache, presignEksToken } from '../../src/aws/eks-token.ts';
import { readKubeconfigSecret } from '../../src/aws/kubeconfig-secret.ts';
import { HttpsGateway } from '../../src/kube/https-gateway.ts';
import type { ClusterAuth } from './settings.ts';

/**
 * @example
 * ```ts
 * const gateway = await openClusterGateway({ mode: 'kubeconfig-secret', secretId: arn });
 * ```
 */
export async function openClusterGateway(auth: ClusterAuth): Promise<HttpsGateway> {
  if (auth.mode === 'kubeconfig-secret') {
    const text = await readKubeconfigSecret({ client: new SecretsManagerClient({}), secretId: auth.secretId });
    return gatewayFromKubeconfigText(text, undefined, `Secrets Manager secret ${auth.secretId}`);
  }
  const { endpoint, caData } = auth.endpoint && auth.caData
    ? { endpoint: auth.endpoint, caData: auth.caData }
    : await describeEksCluster({ client: new EKSClient({ region: auth.region }), clusterName: auth.clusterName });
  const credentials = fromNodeProviderChain();
  const tokens = new EksTokenCache({ mint: () => presignEksToken({ clusterName: auth.clusterName, region: auth.region, credentials }) });
  return new HttpsGateway({ access: eksClusterAccess({ endpoint, caData, token: () => tokens.get() }) });
}
