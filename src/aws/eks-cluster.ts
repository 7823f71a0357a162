/** Endpoint and CA of an EKS cluster from its name (eks:DescribeCluster), once per cold start. */
import { DescribeClusterCommand, type EKSClient } from '@aws-sdk/client-eks';
import { ClusterAuthConfigError } from './errors.ts';

export interface EksClusterInfo {
  readonly endpoint: string;
  /** Base64 PEM. */
  readonly caData: string;
}

/**
 * @example
 * ```ts
 * const { endpoint, caData } = await describeEksCluster({ client: new EKSClient({}), clusterName: 'prod' });
 * ```
 */
export async function describeEksCluster(o: { readonly client: EKSClient; readonly clusterName: string }): Promise<EksClusterInfo> {
  let out;
  try {
    out = await o.client.send(new DescribeClusterCommand({ name: o.clusterName }));
  } catch (e) {
    throw new ClusterAuthConfigError(`EKS DescribeCluster ${o.clusterName}: ${(e as Error).name}: ${(e as Error).message}`, { cause: e });
  }
  const endpoint = out.cluster?.endpoint;
  const caData = out.cluster?.certificateAuthority?.data;
  if (!endpoint || !caData) throw new ClusterAuthConfigError(`EKS DescribeCluster ${o.clusterName}: no endpoint or certificate authority (cluster status ${out.cluster?.status ?? 'unknown'})`);
  return { endpoint, caData };
}
