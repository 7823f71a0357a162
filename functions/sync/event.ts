/**
 * The three inputs one function accepts, parsed into a sync Selection:
 * - the schedule's payload `{"cadence": "1h"}` (due ExternalSecrets of that cadence, plus overdue);
 * - a manual invoke `{"externalSecrets": ["ns/name"]}` or `{"all": true}` (always forced);
 * - an EventBridge event with detail-type ForceRefresh whose detail has the same shape.
 */
import * as z from '../../src/model/zod.ts';
import type { Selection } from '../../src/sync/due.ts';
import { DETAIL_TYPES } from '../../src/aws/events.ts';
import { canonicalCadence } from '../../src/model/duration.ts';
import { EXTERNAL_SECRET_REF } from '../../src/model/managed.ts';

const EsRef = z.string().check(z.regex(EXTERNAL_SECRET_REF, 'expected NAMESPACE/NAME'));
/** True when `text` is a cadence (canonicalCadence accepts it). */
function isCadence(text: string): boolean {
  try {
    canonicalCadence(text);
    return true;
  } catch {
    return false;
  }
}
// Compared in canonical form everywhere: `{"cadence":"60m"}` is the 1h schedule.
// The message does not repeat the input (an event could carry anything).
export const Cadence = z.pipe(
  z.string().check(z.refine(isCadence, 'expected a positive Go duration such as 15m, 1h or 1h30m')),
  z.transform((text: string) => canonicalCadence(text)),
);

const Scheduled = z.strictObject({ cadence: Cadence, executionId: z.optional(z.string()), scheduledTime: z.optional(z.string()) });
const Forced = z.union([
  z.strictObject({ externalSecrets: z.array(EsRef).check(z.minLength(1)) }),
  z.strictObject({ all: z.literal(true) }),
]);
const ForceRefreshEvent = z.object({
  'detail-type': z.literal(DETAIL_TYPES.forceRefresh),
  source: z.string(),
  id: z.string(),
  detail: Forced,
});

export type Trigger =
  | { readonly kind: 'schedule'; readonly cadence: string; readonly executionId?: string | undefined }
  | { readonly kind: 'manual' | 'force-refresh'; readonly eventId?: string | undefined };

export interface ParsedEvent {
  readonly trigger: Trigger;
  readonly selection: Selection;
}

/** The input is not one of the three shapes (the invocation fails: retrying will not help, but it is visible). */
export class InvalidEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidEventError';
  }
}

/**
 * @example
 * ```ts
 * parseEvent({ cadence: '1h' }); // { trigger: { kind: 'schedule', cadence: '1h' }, selection: { cadence: '1h' } }
 * ```
 */
export function parseEvent(input: unknown): ParsedEvent {
  const event = ForceRefreshEvent.safeParse(input);
  if (event.success) return { trigger: { kind: 'force-refresh', eventId: event.data.id }, selection: selectionOf(event.data.detail) };
  const scheduled = Scheduled.safeParse(input);
  if (scheduled.success) {
    return { trigger: { kind: 'schedule', cadence: scheduled.data.cadence, executionId: scheduled.data.executionId }, selection: { cadence: scheduled.data.cadence } };
  }
  const forced = Forced.safeParse(input);
  if (forced.success) return { trigger: { kind: 'manual' }, selection: selectionOf(forced.data) };
  throw new InvalidEventError(describe(input));
}

function selectionOf(detail: z.infer<typeof Forced>): Selection {
  return 'all' in detail ? { all: true } : { externalSecrets: detail.externalSecrets };
}

/** Says which shape was closest without echoing the input (it could carry anything). */
function describe(input: unknown): string {
  const expected = 'expected {"cadence":"1h"}, {"externalSecrets":["ns/name"]}, {"all":true} or an EventBridge ForceRefresh event';
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return `event: not an object; ${expected}`;
  const o = input as Record<string, unknown>;
  const attempt = 'detail-type' in o ? ForceRefreshEvent.safeParse(o) : 'cadence' in o ? Scheduled.safeParse(o) : Forced.safeParse(o);
  const issue = attempt.error?.issues[0];
  const where = issue ? `${issue.path.join('.') || '(event)'}: ${issue.message}` : 'unrecognised';
  return `event: ${where}; ${expected}`;
}
