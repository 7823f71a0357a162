/**
 * How to reach one apiserver: its URL, the TLS material and the credentials of each request. The
 * HTTPS gateway needs nothing else, so the CLI (client-node's KubeConfig), the Lambda's EKS mode and
 * our own kubeconfig reader all hand it the same small object.
 */
import { WebhookSecretSyncError } from '../model/errors.ts';

export interface ClusterAccess {
  /** `https://host:port`, optionally with a path prefix (a proxying front end); `http://` too. */
  readonly server: string;
  /** PEM of the CA(s) to trust instead of the system roots. */
  readonly ca?: Buffer | undefined;
  /** PEM client certificate and key (mutual TLS). */
  readonly cert?: Buffer | undefined;
  readonly key?: Buffer | undefined;
  /** Skip server certificate verification (kubeconfig `insecure-skip-tls-verify`). */
  readonly insecure?: boolean | undefined;
  /** The name the server certificate is checked against (kubeconfig `tls-server-name`). */
  readonly tlsServerName?: string | undefined;
  /**
   * Headers to add to each request (Authorization, Impersonate-User), asked for before every
   * request so a token that expires is renewed by its source. Values are secrets: never logged.
   */
  readonly headers?: (() => Promise<Readonly<Record<string, string>>>) | undefined;
}

/** A kubeconfig that cannot be used: names the context, cluster or user entry and what to do instead. */
export class KubeconfigError extends WebhookSecretSyncError {}
