/**
 * The ClusterAccess of an EKS cluster from its endpoint and CA (given by the stack, or from
 * eks:DescribeCluster) whose bearer token comes from a token source before every request.
 */
import type { ClusterAccess } from '../kube/cluster-access.ts';

export interface EksAccessOptions {
  readonly endpoint: string;
  /** Base64 PEM, as EKS DescribeCluster and CDK's `clusterCertificateAuthorityData` give it. */
  readonly caData: string;
  /** Called before each request; return a cached token (see EksTokenCache). */
  readonly token: () => Promise<string>;
}

/**
 * @example
 * ```ts
 * const gateway = new HttpsGateway({ access: eksClusterAccess({ endpoint, caData, token: () => tokens.get() }) });
 * ```
 */
export function eksClusterAccess(o: EksAccessOptions): ClusterAccess {
  return {
    server: o.endpoint,
    ca: Buffer.from(o.caData, 'base64'),
    headers: async () => ({ Authorization: `Bearer ${await o.token()}` }),
  };
}
