/** Invokes a sync function synchronously and returns its answer (the run report) or its error. */
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { WebhookSecretSyncError } from '../model/errors.ts';

/** The function ran and threw (a systemic failure): its error type and message. */
export class FunctionError extends WebhookSecretSyncError {
  readonly errorType: string;
  constructor(functionName: string, errorType: string, errorMessage: string) {
    super(`function ${functionName} failed: ${errorType}: ${errorMessage}`);
    this.errorType = errorType;
  }
}

/**
 * @example
 * ```ts
 * const report = await invokeFunction({ client: new LambdaClient({}), functionName: 'sync-1h', payload: { all: true } });
 * ```
 */
export async function invokeFunction(o: { readonly client: LambdaClient; readonly functionName: string; readonly payload: unknown }): Promise<unknown> {
  const out = await o.client.send(new InvokeCommand({ FunctionName: o.functionName, InvocationType: 'RequestResponse', Payload: Buffer.from(JSON.stringify(o.payload)) }));
  const text = out.Payload ? Buffer.from(out.Payload).toString('utf8') : 'null';
  const body: unknown = JSON.parse(text);
  if (out.FunctionError) {
    const e = (body ?? {}) as { errorType?: string; errorMessage?: string };
    throw new FunctionError(o.functionName, e.errorType ?? out.FunctionError, e.errorMessage ?? '');
  }
  return body;
}
