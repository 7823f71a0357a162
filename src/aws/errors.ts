/** Errors of the AWS adapters. Messages name the AWS call and resource, never a token or secret value. */
import { WebhookSecretSyncError } from '../model/errors.ts';

/** A kubeconfig could not be read from Secrets Manager (systemic: the run cannot reach the cluster). */
export class KubeconfigSecretError extends WebhookSecretSyncError {}

/** EventBridge accepted the request but rejected entries (`FailedEntryCount` > 0), or the call failed. */
export class PutEventsError extends WebhookSecretSyncError {}

/** The function's cluster settings are missing or contradictory. */
export class ClusterAuthConfigError extends WebhookSecretSyncError {}
