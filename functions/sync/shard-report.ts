/**
 * A shard's result, kept small (Step Functions passes at most 256 KB between states, all shards'
 * results together), and the merge of a run's shard results into the one report of the run.
 * Counts stay exact; lists are cut, as in the result event.
 */
import { INVALID_MANIFEST } from '../../src/app/invalid-documents.ts';
import type { RunSummary } from '../../src/sync/result.ts';
import type { ShardScope } from '../../src/sync/shard.ts';
import type { ReportItem, RunReport } from './report.ts';
import type { ShardResult, ShardStep } from './shard-event.ts';
import { shardedTrigger } from './shard-trigger.ts';

/** Names listed by all shards together (the result event lists 200). */
const LISTED = 200;
const MESSAGE_CHARS = 300;
/** Run-level lines (state object, clean-up, prune refused) per shard: a handful in practice. */
const RUN_LEVEL = 20;
/** All shard results together stay below this (Step Functions: 256 KiB per state output). */
const RESULTS_BYTES = 200_000;
/** With this many shards, each result's fixed part (counts, ids) alone reaches the budget. */
export const MAX_SHARDS = 500;
export const SHARD_FAILED = 'ShardFailed';

type Counts = { -readonly [K in keyof RunSummary['counts']]: number };
type ReportInput = Extract<ShardStep, { kind: 'report' }>['report'];

/** Lines about the run rather than one ExternalSecret are named `(…)`; every shard may repeat them. */
const runLevel = (i: ReportItem): boolean => i.externalSecret.startsWith('(');
const short = (i: ReportItem): ReportItem => ({ ...i, message: i.message.slice(0, MESSAGE_CHARS) });

/**
 * Invalid documents are the same in every shard (each loads the whole ConfigMap): the first shard
 * alone reports them, so the merged counts are exact.
 *
 * @example
 * ```ts
 * const result = compactShardResult(reportOf(summary, trigger), shard);
 * ```
 */
export function compactShardResult(report: RunReport, shard: Pick<ShardScope, 'index' | 'count'>): ShardResult {
  const keep = (i: ReportItem): boolean => shard.index === 0 || i.reason !== INVALID_MANIFEST;
  const dropped = [...report.failed, ...report.skipped].filter((i) => !keep(i));
  const counts = { ...report.counts };
  for (const i of dropped) counts[i.result]--;
  const cap = Math.max(1, Math.floor(LISTED / shard.count));
  const result = {
    shard: { index: shard.index, count: shard.count },
    counts,
    synced: report.synced.slice(0, cap).map((i) => i.externalSecret),
    failed: report.failed.filter((i) => keep(i) && !runLevel(i)).slice(0, cap).map(short),
    runLevel: [...report.failed, ...report.skipped, ...report.synced].filter((i) => keep(i) && runLevel(i)).slice(0, RUN_LEVEL).map(short),
    endpointRequests: report.endpointRequests,
    durationMs: report.durationMs,
  };
  // Its share of the budget: names go first, then failures; run-level lines, counts and one failure stay.
  const budget = RESULTS_BYTES / shard.count;
  const size = (): number => Buffer.byteLength(JSON.stringify(result));
  while (size() > budget && (result.synced.length > 0 || result.failed.length > 1 || result.runLevel.length > 1)) {
    if (result.synced.length > 0) result.synced.pop();
    else if (result.failed.length > 1) result.failed.pop();
    else result.runLevel.pop();
  }
  return result;
}

export type MergedRun =
  | { readonly kind: 'report'; readonly report: RunReport; readonly shards: { readonly count: number; readonly failed: number } }
  | { readonly kind: 'failed'; readonly error: string };

/**
 * One report for the run: counts summed (run-level lines said by several shards counted once), a
 * failed shard as one failed line (`ShardFailed`), and a plan or map that failed as a failed run.
 *
 * @example
 * ```ts
 * mergeShardResults(step.report, Date.now()); // { kind: 'report', report, shards: { count: 4, failed: 0 } }
 * ```
 */
export function mergeShardResults(input: ReportInput, now: number): MergedRun {
  const trigger = shardedTrigger(input);
  if (input.failure) {
    return { kind: 'failed', error: `${input.failure.Error ?? 'Error'}: ${(input.failure.Cause ?? '').slice(0, 1000)}` };
  }
  const counts: Counts = { created: 0, updated: 0, unchanged: 0, deleted: 0, skipped: 0, failed: 0 };
  const synced: ReportItem[] = [];
  const failed: ReportItem[] = [];
  const skipped: ReportItem[] = [];
  const seen = new Set<string>();
  let endpointRequests = 0;
  let longest = 0;
  let failedShards = 0;
  for (const r of input.results) {
    if ('failedShard' in r) {
      const f = r.failedShard;
      failedShards++;
      counts.failed++;
      const what = `shard ${String(f.index + 1)} of ${String(f.count)}`;
      failed.push({ externalSecret: `(${what})`, target: '', cadence: input.cadence, result: 'failed', reason: SHARD_FAILED, message: `${what} failed after its retries (${f.error ?? 'Error'}: ${(f.cause ?? '').slice(0, MESSAGE_CHARS)}); its ExternalSecrets were not synced and its namespaces not pruned in this run` });
      continue;
    }
    for (const k of Object.keys(counts) as (keyof Counts)[]) counts[k] += r.counts[k];
    for (const line of r.runLevel) {
      const key = JSON.stringify([line.externalSecret, line.result, line.reason, line.message]);
      if (seen.has(key)) {
        counts[line.result]--;
        continue;
      }
      seen.add(key);
      (line.result === 'failed' ? failed : line.result === 'skipped' ? skipped : synced).push(line);
    }
    synced.push(...r.synced.map((externalSecret): ReportItem => ({ externalSecret, target: '', cadence: input.cadence, result: 'updated', reason: '', message: '' })));
    failed.push(...r.failed);
    endpointRequests += r.endpointRequests;
    longest = Math.max(longest, r.durationMs);
  }
  const started = Date.parse(input.startedAt ?? '');
  const report: RunReport = {
    trigger,
    counts,
    synced: synced.slice(0, LISTED),
    unchanged: [],
    failed: failed.slice(0, LISTED),
    skipped,
    endpointRequests,
    durationMs: Number.isNaN(started) ? longest : Math.max(0, now - started),
  };
  return { kind: 'report', report, shards: { count: input.results.length, failed: failedShards } };
}
