/**
 * The EventBridge contract: one run-result event per run from the function, and the ForceRefresh
 * event the CLI (or anyone) puts. The CDK rule pattern is built from the same constants.
 */
import { PutEventsCommand, type EventBridgeClient, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { PutEventsError } from './errors.ts';

export const EVENT_SOURCES = { function: 'webhook-secret-sync', cli: 'webhook-secret-sync.cli' } as const;
export const DETAIL_TYPES = { forceRefresh: 'ForceRefresh', runSucceeded: 'SyncRunCompleted', runHadFailures: 'SyncRunHadFailures', runFailed: 'SyncRunFailed' } as const;

/** `detail` of a ForceRefresh event. */
export interface ForceRefreshDetail {
  readonly externalSecrets?: readonly string[];
  readonly all?: boolean;
}

/**
 * @example
 * ```ts
 * await putEvent(eb, forceRefreshEntry('webhook-secret-sync', { externalSecrets: ['apps/db'] }));
 * ```
 */
export function forceRefreshEntry(busName: string, detail: ForceRefreshDetail): PutEventsRequestEntry {
  return { EventBusName: busName, Source: EVENT_SOURCES.cli, DetailType: DETAIL_TYPES.forceRefresh, Detail: JSON.stringify(detail) };
}

/**
 * Puts entries and fails when EventBridge rejected any: PutEvents reports per-entry failures in
 * its answer (`FailedEntryCount`), it does not throw for them.
 *
 * @example
 * ```ts
 * const ids = await putEvents(new EventBridgeClient({}), [entry]);
 * ```
 */
export async function putEvents(client: EventBridgeClient, entries: readonly PutEventsRequestEntry[]): Promise<string[]> {
  let out;
  try {
    out = await client.send(new PutEventsCommand({ Entries: [...entries] }));
  } catch (e) {
    throw new PutEventsError(`EventBridge PutEvents: ${(e as Error).name}: ${(e as Error).message}`, { cause: e });
  }
  if (out.FailedEntryCount) {
    const why = (out.Entries ?? []).filter((e) => e.ErrorCode).map((e) => `${e.ErrorCode ?? ''}: ${e.ErrorMessage ?? ''}`);
    throw new PutEventsError(`EventBridge PutEvents: ${String(out.FailedEntryCount)} of ${String(entries.length)} entries rejected (${why.join('; ')})`);
  }
  return (out.Entries ?? []).map((e) => e.EventId ?? '');
}
