/**
 * Splits one cadence's run into shards of at most `shardSize` ExternalSecrets of that cadence, by
 * namespace: whole namespaces are packed together, a namespace bigger than a shard is cut into
 * name ranges. Deterministic (same config, same plan) and balanced (largest first onto the least
 * loaded shard, using as few shards as the size allows).
 */
import type { ExternalSecretDef } from '../config/types.ts';
import type { ShardScope, ShardSlice } from './shard.ts';

export interface PlannedShard extends ShardScope {
  /** ExternalSecrets of the planned cadence in this shard (what it was balanced on). */
  readonly externalSecrets: number;
}

export interface ShardPlanOptions {
  readonly externalSecrets: readonly Pick<ExternalSecretDef, 'namespace' | 'name' | 'cadence'>[];
  /** Namespaces read only for clean-up (the ConfigMap's namespace record): each goes to one shard. */
  readonly extraNamespaces?: readonly string[];
  /** The cadence being planned: its ExternalSecrets are the work being balanced; undefined: every ExternalSecret (a forced refresh of all). */
  readonly cadence: string | undefined;
  /** At most this many of the cadence's ExternalSecrets per shard (a positive integer). */
  readonly shardSize: number;
}

/** A shard size that is not a positive integer. */
export class ShardPlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShardPlanError';
  }
}

interface Item { readonly slice: ShardSlice; readonly weight: number }

/**
 * Every namespace of the config (and each clean-up namespace) is in exactly one shard, or cut into
 * ranges across several; a namespace without ExternalSecrets of the cadence still weighs 1 (its
 * run reads it, syncs what is due there and prunes it).
 *
 * @throws {ShardPlanError} when shardSize is not a positive integer
 * @example
 * ```ts
 * planShards({ externalSecrets: config.externalSecrets, cadence: '1h', shardSize: 5000 });
 * // [{ index: 0, count: 2, externalSecrets: 5000, slices: [{ namespace: 'apps' }, ...] }, ...]
 * ```
 */
export function planShards(o: ShardPlanOptions): PlannedShard[] {
  if (!Number.isInteger(o.shardSize) || o.shardSize < 1) throw new ShardPlanError(`shardSize: expected a positive integer, got ${String(o.shardSize)}`);
  const items = itemsOf(o);
  if (items.length === 0) return [];
  const total = items.reduce((n, i) => n + i.weight, 0);
  for (let count = Math.ceil(total / o.shardSize); ; count++) {
    const bins = packLargestFirst(items, count);
    if (bins.every((b) => b.weight <= o.shardSize)) {
      const shards = bins.filter((b) => b.slices.length > 0).map((b) => ({ ...b, slices: b.slices.sort(bySlice) })).sort((a, b) => bySlice(a.slices[0], b.slices[0]));
      return shards.map((b, index) => ({ index, count: shards.length, externalSecrets: b.weight, slices: b.slices }));
    }
  }
}

/** Whole namespaces, or ranges of `ceil(n / pieces)` names for a namespace above the shard size. */
function itemsOf(o: ShardPlanOptions): Item[] {
  const names = new Map<string, string[]>();
  for (const ns of o.extraNamespaces ?? []) names.set(ns, []);
  for (const es of o.externalSecrets) {
    const list = names.get(es.namespace) ?? [];
    if (o.cadence === undefined || es.cadence === o.cadence) list.push(es.name);
    names.set(es.namespace, list);
  }
  const items: Item[] = [];
  for (const [namespace, list] of names) {
    if (list.length <= o.shardSize) {
      items.push({ slice: { namespace }, weight: Math.max(1, list.length) });
      continue;
    }
    list.sort(byCodeUnit);
    const pieces = Math.ceil(list.length / o.shardSize);
    const per = Math.ceil(list.length / pieces);
    for (let k = 0; k < pieces; k++) {
      const from = k === 0 ? undefined : list[k * per];
      const to = k === pieces - 1 ? undefined : list[(k + 1) * per];
      items.push({ slice: { namespace, ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) }, weight: Math.min(per, list.length - k * per) });
    }
  }
  return items;
}

/** Largest item first onto the least loaded bin (lowest index on a tie): deterministic and balanced. */
function packLargestFirst(items: readonly Item[], count: number): { slices: ShardSlice[]; weight: number }[] {
  const bins = Array.from({ length: count }, () => ({ slices: [] as ShardSlice[], weight: 0 }));
  const sorted = [...items].sort((a, b) => b.weight - a.weight || bySlice(a.slice, b.slice));
  for (const item of sorted) {
    let best = bins[0];
    for (const bin of bins) if (best && bin.weight < best.weight) best = bin;
    best?.slices.push(item.slice);
    if (best) best.weight += item.weight;
  }
  return bins;
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function bySlice(a: ShardSlice | undefined, b: ShardSlice | undefined): number {
  return byCodeUnit(a?.namespace ?? '', b?.namespace ?? '') || byCodeUnit(a?.from ?? '', b?.from ?? '');
}
