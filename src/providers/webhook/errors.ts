import { WebhookSecretSyncError } from '../../model/errors.ts';

/**
 * Base class of the errors raised by the webhook provider. Messages name paths, keys and types,
 * never a value from a response body (it could be a secret).
 *
 * @example
 * ```ts
 * try { getSecret(ref); } catch (e) { if (e instanceof WebhookError) markFailed(e.message); }
 * ```
 */
export class WebhookError extends WebhookSecretSyncError {}

/**
 * A JSONPath that does not parse, uses unsupported syntax, or does not match a definite path
 * (`unknown key <k>`).
 *
 * @example
 * ```ts
 * throw new JsonPathError('unknown key thesecret');
 * ```
 */
export class JsonPathError extends WebhookError {}

/**
 * A JSONPath result that cannot become a Secret value (wrong type, empty filter result, bad JSON).
 *
 * @example
 * ```ts
 * throw new ValueError("filter worked but didn't get any result");
 * ```
 */
export class ValueError extends WebhookError {}
