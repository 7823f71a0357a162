/** Provider errors the engine must tell apart, whatever the provider. */
import { WebhookSecretSyncError } from '../model/errors.ts';

/** The provider says the secret does not exist (webhook: HTTP 404). Drives deletionPolicy. */
export class ProviderSecretNotFoundError extends WebhookSecretSyncError {
  constructor(message = 'Secret does not exist', options?: ErrorOptions) {
    super(message, options);
  }
}

/**
 * The run's time budget ran out before the provider answered (the request was cut at the run's
 * deadline, not at the store's timeout). The engine reports the ExternalSecret as skipped, not failed.
 */
export class ProviderTimeBudgetError extends WebhookSecretSyncError {
  constructor(message = "not finished: the run's time budget ran out while the endpoint was answering", options?: ErrorOptions) {
    super(message, options);
  }
}
