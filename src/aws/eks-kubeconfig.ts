/**
 * A KubeConfig for an EKS cluster from its endpoint and CA (given by the stack, so no
 * eks:DescribeCluster call) whose bearer token comes from a token source on every request.
 */
import { KubeConfig, type User } from '@kubernetes/client-node';
import type { OutgoingHttpHeaders } from 'node:http';
import type { RequestOptions } from 'node:https';

export const EKS_USER = 'webhook-secret-sync-eks';

export interface EksKubeConfigOptions {
  readonly endpoint: string;
  /** Base64 PEM, as EKS DescribeCluster and CDK's `clusterCertificateAuthorityData` give it. */
  readonly caData: string;
  /** Called before each request; return a cached token (see EksTokenCache). */
  readonly token: () => Promise<string>;
}

/**
 * @example
 * ```ts
 * const kc = eksKubeConfig({ endpoint, caData, token: () => tokens.get() });
 * const gateway = await ClientNodeGateway.create({ kubeConfig: kc });
 * ```
 */
export function eksKubeConfig(o: EksKubeConfigOptions): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'eks', server: o.endpoint, caData: o.caData, skipTLSVerify: false }],
    // No static token: client-node would write it over the header the authenticator sets.
    users: [{ name: EKS_USER }],
    contexts: [{ name: 'eks', cluster: 'eks', user: EKS_USER }],
    currentContext: 'eks',
  });
  kc.addAuthenticator({
    isAuthProvider: (user: User) => user.name === EKS_USER,
    applyAuthentication: async (_user: User, opts: RequestOptions) => {
      // client-node always passes a header object here (never the raw array form).
      opts.headers = { ...(opts.headers as OutgoingHttpHeaders | undefined), Authorization: `Bearer ${await o.token()}` };
    },
  });
  return kc;
}
