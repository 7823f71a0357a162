import { WebhookSecretSyncError } from '../model/errors.ts';

/** One ExternalSecret could not be synced; the message says where (`spec.data[1] (key: x): …`). */
export class SyncError extends WebhookSecretSyncError {}
