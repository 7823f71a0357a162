/** Provider errors the engine must tell apart, whatever the provider. */
import { WebhookSecretSyncError } from '../model/errors.ts';

/** The provider says the secret does not exist (webhook: HTTP 404). Drives deletionPolicy. */
export class ProviderSecretNotFoundError extends WebhookSecretSyncError {
  constructor(message = 'Secret does not exist', options?: ErrorOptions) {
    super(message, options);
  }
}
