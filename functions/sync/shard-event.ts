/**
 * The three inputs the sharded state machine gives the function (see infra/sharded-cadence.ts):
 * - `{"shardPlan": {"cadence": "1h"}}`: read the ConfigMap, answer this cadence's shards;
 * - `{"shard": {cadence, index, count, slices}}`: run the engine on one shard, answer its result;
 * - `{"shardReport": {cadence, executionId, startedAt, results, failure}}`: merge, one result event.
 * Anything else is not a step input (undefined): the handler then parses the usual three shapes.
 */
import * as z from '../../src/model/zod.ts';
import { Cadence } from './event.ts';

const Name = z.string().check(z.minLength(1), z.maxLength(253));
const Slice = z.strictObject({ namespace: Name, from: z.optional(Name), to: z.optional(Name) });
const Index = z.int().check(z.minimum(0));
const Count = z.int().check(z.minimum(1));
export const ShardItem = z.strictObject({
  cadence: Cadence,
  index: Index,
  count: Count,
  externalSecrets: z.optional(Index),
  /** A forced refresh of every ExternalSecret, sharded. */
  all: z.optional(z.literal(true)),
  slices: z.array(Slice),
}).check(z.refine((s) => s.index < s.count, { error: 'index must be below count', path: ['index'] }));

const Counts = z.strictObject({ created: Index, updated: Index, unchanged: Index, deleted: Index, skipped: Index, failed: Index });
const Item = z.strictObject({ externalSecret: z.string(), target: z.string(), cadence: z.string(), result: z.enum(['created', 'updated', 'unchanged', 'deleted', 'skipped', 'failed']), reason: z.string(), message: z.string() });
export const ShardResultSchema = z.strictObject({
  shard: z.strictObject({ index: Index, count: Count }),
  counts: Counts,
  synced: z.array(z.string()),
  failed: z.array(Item),
  runLevel: z.array(Item),
  endpointRequests: Index,
  durationMs: z.number().check(z.minimum(0)),
});
/** What the state machine's catch puts in place of a shard that failed after its retries. */
const ShardFailed = z.strictObject({ failedShard: z.strictObject({ index: Index, count: Count, error: z.nullish(z.string()), cause: z.nullish(z.string()) }) });
const Failure = z.nullish(z.object({ Error: z.nullish(z.string()), Cause: z.nullish(z.string()) }));

const Plan = z.strictObject({ shardPlan: z.strictObject({ cadence: Cadence, all: z.optional(z.boolean()) }) });
const Shard = z.strictObject({ shard: ShardItem });
const Report = z.strictObject({
  shardReport: z.strictObject({
    cadence: Cadence,
    all: z.optional(z.boolean()),
    executionId: z.optional(z.string()),
    startedAt: z.optional(z.string()),
    shards: z.optional(Index),
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
