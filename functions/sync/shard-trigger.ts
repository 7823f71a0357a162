/** The trigger a sharded run's result event names: its schedule, or a forced refresh of all. */
import type { Trigger } from './event.ts';

/**
 * @example
 * ```ts
 * shardedTrigger({ cadence: '1h', executionId: 'arn:...:run-1' }); // { kind: 'schedule', cadence: '1h', executionId: 'arn:...:run-1' }
 * ```
 */
export function shardedTrigger(input: { readonly cadence: string; readonly all?: boolean | undefined; readonly executionId?: string | undefined }): Trigger {
  return input.all === true ? { kind: 'force-refresh', eventId: input.executionId } : { kind: 'schedule', cadence: input.cadence, executionId: input.executionId };
}
