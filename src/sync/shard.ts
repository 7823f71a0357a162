/**
 * A shard of one run: the namespaces (or name ranges of one namespace) a run restricted to part of
 * the config reads, syncs and prunes. The shards of a plan cover every namespace exactly once and
 * the ranges of a split namespace are contiguous and open at both ends, so an ExternalSecret added
 * between the plan and the shard's run still falls into exactly one shard.
 */
import { allowedPrunes, type PruneLimit } from './prune-limit.ts';

/** One namespace, whole, or the ExternalSecret names `from <= name < to` in it (either bound open). */
export interface ShardSlice {
  readonly namespace: string;
  /** Inclusive lower bound of the ExternalSecret name (code-unit order); absent: from the first. */
  readonly from?: string | undefined;
  /** Exclusive upper bound; absent: to the last. */
  readonly to?: string | undefined;
}

export interface ShardScope {
  /** 0-based position of this shard in its plan. */
  readonly index: number;
  /** How many shards the plan has. */
  readonly count: number;
  readonly slices: readonly ShardSlice[];
}

/**
 * Is the ExternalSecret `namespace/name` in the shard?
 *
 * @example
 * ```ts
 * inShard({ index: 0, count: 2, slices: [{ namespace: 'apps', to: 'm' }] }, 'apps', 'db'); // true
 * ```
 */
export function inShard(scope: ShardScope, namespace: string, name: string): boolean {
  return scope.slices.some((s) => s.namespace === namespace && (s.from === undefined || name >= s.from) && (s.to === undefined || name < s.to));
}

/** The namespaces a shard reads (a split namespace is listed by each of its shards). */
export function shardNamespaces(scope: ShardScope): string[] {
  return [...new Set(scope.slices.map((s) => s.namespace))].sort();
}

/**
 * The prune limit one shard applies. A count N is divided among the shards (their shares add up to
 * N), so a run never deletes more than N in total. A share P% is applied by each shard to the Owner
 * Secrets of its own slices: a loss concentrated in a few namespaces is refused earlier than
 * unsharded, and the run's total stays within P% of the source's Owner Secrets plus at most one
 * Secret per shard (each shard rounds up, and one Secret can always go).
 *
 * @example
 * ```ts
 * shardPruneLimit({ count: 5 }, { index: 0, count: 2, slices: [] }); // { count: 3 }
 * ```
 */
export function shardPruneLimit(limit: PruneLimit, scope: ShardScope): PruneLimit {
  if (!('count' in limit)) return limit;
  const base = Math.floor(limit.count / scope.count);
  return { count: base + (scope.index < limit.count % scope.count ? 1 : 0) };
}

/** Prunes allowed by a whole run of `shards` shards with `owned` Owner Secrets each (for documentation and tests). */
export function runPruneBound(limit: PruneLimit, owned: readonly number[]): number {
  return owned.reduce((sum, n, index) => sum + allowedPrunes(shardPruneLimit(limit, { index, count: owned.length, slices: [] }), n), 0);
}
