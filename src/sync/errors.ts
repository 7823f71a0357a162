import { WebhookSecretSyncError } from '../model/errors.ts';

/** One ExternalSecret could not be synced; the message says where (`spec.data[1] (key: x): …`). */
export class SyncError extends WebhookSecretSyncError {}

/**
 * A run asked for a cadence that no ExternalSecret has and no schedule serves: it would refresh
 * nothing, so it is an error rather than a silent no-op.
 */
export class UnknownCadenceError extends WebhookSecretSyncError {}
