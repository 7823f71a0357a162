import { WebhookSecretSyncError } from '../model/errors.ts';

/** Reading ESO's objects from the cluster failed (discovery, a LIST); the message names the call. */
export class MigrateError extends WebhookSecretSyncError {}
