/** A kubeconfig kept in Secrets Manager (any cluster: k3s, GKE, on-prem, EKS with a static identity). */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { KubeconfigSecretError } from './errors.ts';

/**
 * Reads the kubeconfig text from a SecretString (or SecretBinary). Errors name the secret, never its value.
 *
 * @example
 * ```ts
 * const yaml = await readKubeconfigSecret({ client: new SecretsManagerClient({}), secretId: arn });
 * ```
 */
export async function readKubeconfigSecret(o: { readonly client: SecretsManagerClient; readonly secretId: string }): Promise<string> {
  let text: string | undefined;
  try {
    const out = await o.client.send(new GetSecretValueCommand({ SecretId: o.secretId }));
    text = out.SecretString ?? (out.SecretBinary ? Buffer.from(out.SecretBinary).toString('utf8') : undefined);
  } catch (e) {
    throw new KubeconfigSecretError(`Secrets Manager GetSecretValue ${o.secretId}: ${(e as Error).name}: ${(e as Error).message}`, { cause: e });
  }
  if (!text?.trim()) throw new KubeconfigSecretError(`Secrets Manager secret ${o.secretId}: empty; expected a kubeconfig (YAML)`);
  return text;
}
