/**
 * Base class of every error this product raises on purpose. Subclasses end in `Error`, keep the
 * original `cause`, and carry messages that say what, where and what was expected. Messages never
 * contain a secret value or a header value.
 *
 * @example
 * ```ts
 * throw new ConfigError('manifests/es.yaml: document 2 (ExternalSecret default/app): spec.data[0].secretKey: expected a string');
 * ```
 */
export class WebhookSecretSyncError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A problem in the manifests (files, ConfigMap data): reported before anything is fetched or written. */
export class ConfigError extends WebhookSecretSyncError {}

/** A usage problem on the command line (exit code 2). */
export class UsageError extends WebhookSecretSyncError {}
