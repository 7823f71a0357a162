/**
 * What the sync engine needs from a provider (ESO's SecretsClient, reads only). The engine depends on
 * this interface, never on the webhook implementation.
 */
export interface RemoteRefInput {
  readonly key: string;
  readonly property?: string | undefined;
  readonly version?: string | undefined;
}

export interface SecretsClient {
  /** One value; rejects with ProviderSecretNotFoundError (src/providers/errors.ts) when the provider says the secret does not exist. */
  getSecret(ref: RemoteRefInput, namespace: string): Promise<Buffer>;
  /** A map of values; same not-found rule. */
  getSecretMap(ref: RemoteRefInput, namespace: string): Promise<Record<string, Buffer>>;
}
