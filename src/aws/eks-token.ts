/**
 * EKS bearer tokens made in-process: a presigned STS GetCallerIdentity URL with the cluster name as
 * a signed `x-k8s-aws-id` header, base64url-encoded behind `k8s-aws-v1.` (the aws-iam-authenticator
 * format). Presigning is local HMAC: the function never calls STS, EKS does.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { formatUrl } from '@aws-sdk/util-format-url';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

export const EKS_TOKEN_PREFIX = 'k8s-aws-v1.';
/** EKS accepts a token for 15 minutes from X-Amz-Date; refresh well before (the reference client uses 14). */
export const EKS_TOKEN_REUSE_MS = 10 * 60_000;

export interface EksTokenOptions {
  readonly clusterName: string;
  readonly region: string;
  readonly credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Signing time (tests); default now. */
  readonly signingDate?: Date;
}

/**
 * @example
 * ```ts
 * const token = await presignEksToken({ clusterName: 'prod', region: 'eu-west-1', credentials: fromEnv() });
 * ```
 */
export async function presignEksToken(o: EksTokenOptions): Promise<string> {
  const hostname = `sts.${o.region}.amazonaws.com`;
  const signer = new SignatureV4({ service: 'sts', region: o.region, credentials: o.credentials, sha256: Sha256 });
  const request = new HttpRequest({
    method: 'GET',
    protocol: 'https:',
    hostname,
    path: '/',
    query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
    headers: { host: hostname, 'x-k8s-aws-id': o.clusterName },
  });
  // X-Amz-Expires=60 is what aws-iam-authenticator sends; EKS ignores it and allows 15 minutes.
  const signed = await signer.presign(request, { expiresIn: 60, ...(o.signingDate ? { signingDate: o.signingDate } : {}) });
  return EKS_TOKEN_PREFIX + Buffer.from(formatUrl(signed)).toString('base64url');
}

export interface EksTokenCacheOptions {
  /** Makes a fresh token (normally `() => presignEksToken(...)`). */
  readonly mint: () => Promise<string>;
  readonly reuseMs?: number;
  readonly now?: () => number;
}

/**
 * Keeps one token across warm invocations and re-mints it before EKS would reject it.
 *
 * @example
 * ```ts
 * const tokens = new EksTokenCache({ mint: () => presignEksToken(opts) });
 * const token = await tokens.get();
 * ```
 */
export class EksTokenCache {
  readonly #mint: () => Promise<string>;
  readonly #reuseMs: number;
  readonly #now: () => number;
  #current: { token: Promise<string>; at: number } | undefined;

  constructor(options: EksTokenCacheOptions) {
    this.#mint = options.mint;
    this.#reuseMs = options.reuseMs ?? EKS_TOKEN_REUSE_MS;
    this.#now = options.now ?? Date.now;
  }

  get(): Promise<string> {
    const now = this.#now();
    if (!this.#current || now - this.#current.at >= this.#reuseMs) {
      const token = this.#mint();
      this.#current = { token, at: now };
      // A failed mint must not be cached.
      token.catch(() => {
        if (this.#current?.token === token) this.#current = undefined;
      });
    }
    return this.#current.token;
  }
}
