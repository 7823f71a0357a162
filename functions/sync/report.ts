/**
 * What a run reports: the summary the handler returns and logs, the EMF metrics, and the one result
 * event per run. Names, results and reasons only: never a secret value.
 */
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { DETAIL_TYPES, EVENT_SOURCES } from '../../src/aws/events.ts';
import type { Outcome, RunSummary } from '../../src/sync/result.ts';
import { METRICS } from './contract.ts';
import type { Trigger } from './event.ts';

export interface ReportItem {
  readonly externalSecret: string;
  readonly target: string;
  readonly cadence: string;
  readonly result: Outcome['result'];
  readonly reason: string;
  readonly message: string;
}

export interface RunReport {
  readonly trigger: Trigger;
  readonly counts: RunSummary['counts'];
  /** created + updated + deleted. */
  readonly synced: readonly ReportItem[];
  readonly unchanged: readonly ReportItem[];
  readonly failed: readonly ReportItem[];
  readonly skipped: readonly ReportItem[];
  readonly endpointRequests: number;
  readonly durationMs: number;
}

const SYNCED: readonly Outcome['result'][] = ['created', 'updated', 'deleted'];

/**
 * @example
 * ```ts
 * const report = reportOf(summary, { kind: 'schedule', cadence: '1h' });
 * ```
 */
export function reportOf(summary: RunSummary, trigger: Trigger): RunReport {
  const item = (o: Outcome): ReportItem => ({ externalSecret: o.externalSecret, target: o.target, cadence: o.cadence, result: o.result, reason: o.reason, message: o.message });
  const pick = (results: readonly Outcome['result'][]): ReportItem[] => summary.outcomes.filter((o) => results.includes(o.result)).map(item);
  return {
    trigger,
    counts: summary.counts,
    synced: pick(SYNCED),
    unchanged: pick(['unchanged']),
    failed: pick(['failed']),
    skipped: pick(['skipped']),
    endpointRequests: summary.endpointRequests,
    durationMs: summary.durationMs,
  };
}


export interface MetricSink {
  addMetric(name: string, unit: 'Count' | 'Milliseconds', value: number): void;
}

/** From the counts, which stay exact when the lists are cut (a sharded run's merged report). */
export function recordMetrics(report: RunReport, sink: MetricSink): void {
  const c = report.counts;
  sink.addMetric(METRICS.synced, 'Count', c.created + c.updated + c.deleted);
  sink.addMetric(METRICS.failed, 'Count', c.failed);
  sink.addMetric(METRICS.unchanged, 'Count', c.unchanged);
  sink.addMetric(METRICS.skipped, 'Count', c.skipped);
  sink.addMetric(METRICS.duration, 'Milliseconds', report.durationMs);
  sink.addMetric(METRICS.endpointRequests, 'Count', report.endpointRequests);
}

/** EventBridge limits one entry to 256 KB: lists are cut, counts stay exact. */
const MAX_LISTED = 200;

/**
 * The one result event of a run (or of a run that failed as a whole). `extra` adds fields to the
 * detail (a sharded run adds `shards: { count, failed }`).
 */
export function resultEntry(
  busName: string,
  outcome: { readonly report: RunReport } | { readonly trigger: Trigger; readonly error: string },
  functionName: string,
  extra: Readonly<Record<string, unknown>> = {},
): PutEventsRequestEntry {
  if ('error' in outcome) {
    return { EventBusName: busName, Source: EVENT_SOURCES.function, DetailType: DETAIL_TYPES.runFailed, Detail: JSON.stringify({ function: functionName, trigger: outcome.trigger, error: outcome.error, ...extra }) };
  }
  const r = outcome.report;
  const names = (items: readonly ReportItem[]): string[] => items.slice(0, MAX_LISTED).map((i) => i.externalSecret);
  const detail = {
    function: functionName,
    trigger: r.trigger,
    counts: r.counts,
    synced: names(r.synced),
    failed: r.failed.slice(0, MAX_LISTED).map((i) => ({ externalSecret: i.externalSecret, reason: i.reason, message: i.message.slice(0, 500) })),
    // Named in a ForceRefresh or invoke, but defined nowhere in the config (see owned.ts).
    notServed: names(r.skipped.filter((i) => i.reason === 'NotServed')),
    endpointRequests: r.endpointRequests,
    durationMs: r.durationMs,
    ...extra,
  };
  return {
    EventBusName: busName,
    Source: EVENT_SOURCES.function,
    DetailType: r.counts.failed > 0 ? DETAIL_TYPES.runHadFailures : DETAIL_TYPES.runSucceeded,
    Resources: [],
    Detail: JSON.stringify(detail),
  };
}
