import { WebhookSecretSyncError } from '../model/errors.ts';

/**
 * A template failed to parse or execute. The message follows Go's `text/template` wording, e.g.
 * `template: webhooktemplate:1: unexpected "}" in operand`; the original error stays in `cause`.
 *
 * @example
 * ```ts
 * throw new TemplateError('template: webhooktemplate:1: unclosed action');
 * ```
 */
export class TemplateError extends WebhookSecretSyncError {}
