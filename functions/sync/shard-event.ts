/**
 * The three inputs the sharded state machine gives the function (see infra/sharded-cadence.ts):
 * - `{"shardPlan": {"cadence": "1h"}}`: read the ConfigMap, answer this cadence's shards;
 * - `{"shard": {cadence, index, count, slices}}`: run the engine on one shard, answer its result;
 * - `{"shardReport": {cadence, executionId, startedAt, results, failure}}`: merge, one result event.
 * Anything else is not a step input (undefined): the handler then parses the usual three shapes.
 */
import { z } from 'zod';
import { canonicalCadence } from '../../src/model/duration.ts';

const Cadence = z.string().transform((text, ctx) => {
  try {
    return canonicalCadence(text);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'expected a positive Go duration such as 15m, 1h or 1h30m' });
    return z.NEVER;
  }
});
const Name = z.string().min(1).max(253);
const Slice = z.strictObject({ namespace: Name, from: Name.optional(), to: Name.optional() });
const Index = z.number().int().min(0);
export const ShardItem = z.strictObject({
  cadence: Cadence,
  index: Index,
  count: z.number().int().min(1),
  externalSecrets: z.number().int().min(0).optional(),
  /** A forced refresh of every ExternalSecret, sharded. */
  all: z.literal(true).optional(),
  slices: z.array(Slice),
}).refine((s) => s.index < s.count, { error: 'index must be below count', path: ['index'] });

const Counts = z.strictObject({ created: Index, updated: Index, unchanged: Index, deleted: Index, skipped: Index, failed: Index });
const Item = z.strictObject({ externalSecret: z.string(), target: z.string(), cadence: z.string(), result: z.enum(['created', 'updated', 'unchanged', 'deleted', 'skipped', 'failed']), reason: z.string(), message: z.string() });
export const ShardResultSchema = z.strictObject({
  shard: z.strictObject({ index: Index, count: z.number().int().min(1) }),
  counts: Counts,
  synced: z.array(z.string()),
  failed: z.array(Item),
  runLevel: z.array(Item),
  endpointRequests: Index,
  durationMs: z.number().min(0),
});
/** What the state machine's catch puts in place of a shard that failed after its retries. */
const ShardFailed = z.strictObject({ failedShard: z.strictObject({ index: Index, count: z.number().int().min(1), error: z.string().nullish(), cause: z.string().nullish() }) });
const Failure = z.object({ Error: z.string().nullish(), Cause: z.string().nullish() }).nullish();

const Plan = z.strictObject({ shardPlan: z.strictObject({ cadence: Cadence, all: z.boolean().optional() }) });
const Shard = z.strictObject({ shard: ShardItem });
const Report = z.strictObject({
  shardReport: z.strictObject({
    cadence: Cadence,
    all: z.boolean().optional(),
    executionId: z.string().optional(),
    startedAt: z.string().optional(),
    shards: z.number().int().min(0).optional(),
    results: z.array(z.union([ShardResultSchema, ShardFailed])),
    failure: Failure,
  }),
});

export type ShardResult = z.infer<typeof ShardResultSchema>;
export type ShardStep =
  | { readonly kind: 'plan'; readonly cadence: string; readonly all: boolean }
  | { readonly kind: 'shard'; readonly shard: z.infer<typeof ShardItem> }
  | { readonly kind: 'report'; readonly report: z.infer<typeof Report>['shardReport'] };

/** A step input that does not have its shape (the invocation fails: the state machine shows where). */
export class InvalidShardStepError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidShardStepError';
  }
}

const STEPS = { shardPlan: Plan, shard: Shard, shardReport: Report } as const;

/**
 * @example
 * ```ts
 * parseShardStep({ shardPlan: { cadence: '1h' } }); // { kind: 'plan', cadence: '1h' }
 * parseShardStep({ cadence: '1h' }); // undefined: a schedule's input, not a step
 * ```
 * @throws {InvalidShardStepError} naming the field, never echoing the input
 */
export function parseShardStep(input: unknown): ShardStep | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const key = Object.keys(STEPS).find((k) => k in input) as keyof typeof STEPS | undefined;
  if (!key) return undefined;
  const parsed = STEPS[key].safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidShardStepError(`${key} step input: ${issue ? `${issue.path.join('.') || '(input)'}: ${issue.message}` : 'unrecognised'}`);
  }
  const data = parsed.data;
  if ('shardPlan' in data) return { kind: 'plan', cadence: data.shardPlan.cadence, all: data.shardPlan.all === true };
  if ('shard' in data) return { kind: 'shard', shard: data.shard };
  return { kind: 'report', report: data.shardReport };
}
