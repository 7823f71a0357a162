/**
 * The sync function: one handler for every cadence. Thin by design: parse the input, open (and keep
 * warm) the cluster gateway and endpoint transport, run the same engine as the CLI, then report.
 * Per-ExternalSecret failures and invalid documents are in the returned report; only systemic
 * failures throw, so Lambda's retry and the failure destination mean "the run did not happen".
 * A sharded cadence's state machine also sends its plan, shard and report steps here (shard-*.ts).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { DEFAULT_CONFIGMAP, loadFromConfigMap, parseConfigMapRef } from '../../src/app/config-source.ts';
import { runOnce } from '../../src/app/run.ts';
import type { RunSummary } from '../../src/sync/result.ts';
import { putEvents } from '../../src/aws/events.ts';
import type { HttpsGateway } from '../../src/kube/https-gateway.ts';
import { NodeHttpTransport } from '../../src/providers/webhook/transport.ts';
import { openClusterGateway } from './cluster.ts';
import { parseEvent, type Trigger } from './event.ts';
import { abandonedSummary, idleSummary, routeFor, withUnserved } from './owned.ts';
import { METRICS } from './contract.ts';
import { recordMetrics, reportOf, resultEntry, type RunReport } from './report.ts';
import { readSettings, type Settings } from './settings.ts';
import { parseShardStep, type ShardResult, type ShardStep } from './shard-event.ts';
import { compactShardResult } from './shard-report.ts';
import { shardedTrigger } from './shard-trigger.ts';
import { planStep, reportStep, type PlannedItem, type ReportOutcome } from './shard-steps.ts';
import { shardPruneLimit } from '../../src/sync/shard.ts';

const logger = new Logger({ serviceName: 'webhook-secret-sync' });
const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'WebhookSecretSync', serviceName: 'webhook-secret-sync' });

/** Kept across warm invocations: the apiserver and endpoint connections are the expensive part. */
interface Wiring {
  readonly settings: Settings;
  readonly gateway: HttpsGateway;
  readonly http: NodeHttpTransport;
  readonly events: EventBridgeClient | undefined;
}
let warm: Promise<Wiring> | undefined;

async function wire(): Promise<Wiring> {
  const settings = readSettings(process.env);
  const gateway = await openClusterGateway(settings.cluster);
  return { settings, gateway, http: new NodeHttpTransport(), events: settings.eventBusName ? new EventBridgeClient({}) : undefined };
}

/** Forget the wiring after a systemic failure: the next invocation re-reads the kubeconfig or token. */
async function dropWiring(): Promise<void> {
  const stale = warm;
  warm = undefined;
  const w = await stale?.catch(() => undefined);
  await Promise.allSettled([w?.gateway.close(), w?.http.close()]);
}

/** middy rejects this long before Lambda's own timeout; the report must be back before that. */
const EARLY_TIMEOUT_MS = 2_000;

type Answer = RunReport | ShardResult | { shards: PlannedItem[] } | ReportOutcome;

async function sync(event: unknown, context: Context, { signal }: { signal: AbortSignal }): Promise<Answer> {
  // A sharded cadence's state machine sends plan, shard and report steps; anything else is a run.
  const step = parseShardStep(event);
  if (step && step.kind !== 'shard') return sharedStep(step, context);
  const shard = step?.shard;
  const { trigger, selection } = shard
    ? { trigger: shardedTrigger(shard), selection: shard.all ? { all: true, shard } : { cadence: shard.cadence, shard } }
    : parseEvent(event);
  logger.appendKeys({ trigger: trigger.kind, ...(shard ? { shard: `${String(shard.index + 1)}/${String(shard.count)}` } : {}) });
  warm ??= wire();
  // This invocation's work: aborted when it returns, so nothing of it (a write, an Event, a request)
  // runs during the next warm invocation.
  const invocation = new AbortController();
  const stop = AbortSignal.any([signal, invocation.signal]);
  let w: Wiring | undefined;
  try {
    w = await warm;
    const wiring = w;
    metrics.addDimension('cadence', wiring.settings.cadence ?? 'any');
    const remaining = context.getRemainingTimeInMillis();
    const deadline = Date.now() + remaining - wiring.settings.deadlineMarginMs;
    // The run stops itself at the deadline; if something still holds it, the report goes out anyway
    // halfway between the deadline and middy's early timeout.
    const giveUpAt = deadline + Math.max(0, (wiring.settings.deadlineMarginMs - EARLY_TIMEOUT_MS) / 2);
    const work = runInvocation(wiring, trigger, selection, deadline, stop);
    work.catch(() => undefined); // a late rejection after giving up must not be unhandled
    const done = await raceUntil(work, giveUpAt);
    const report = done ? withUnserved(reportOf(done.summary, trigger), done.unserved, done.source) : reportOf(abandonedSummary(wiring.settings.cadence ?? ''), trigger);
    // A shard answers the state machine; its report step emits the run's metrics and one event.
    if (shard) {
      logger.info('sync shard finished', { counts: report.counts, durationMs: report.durationMs });
      return compactShardResult(report, shard);
    }
    recordMetrics(report, { addMetric: (name, unit, value) => { metrics.addMetric(name, MetricUnit[unit], value); } });
    logger.info('sync run finished', { report });
    await publish(wiring, { report }, context);
    return report;
  } catch (e) {
    const error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    metrics.addMetric(METRICS.runFailed, MetricUnit.Count, 1);
    logger.error('sync run failed', { error, trigger });
    if (w && !shard) await publish(w, { trigger, error }, context);
    await dropWiring();
    throw e;
  } finally {
    invocation.abort(new Error('invocation returned'));
  }
}

interface InvocationResult { readonly summary: RunSummary; readonly unserved: readonly string[]; readonly source: string }

/** Loads the config and runs the sync, every apiserver call and endpoint request bound to `stop`. */
async function runInvocation(w: Wiring, trigger: Trigger, selection: ReturnType<typeof parseEvent>['selection'], deadline: number, stop: AbortSignal): Promise<InvocationResult> {
  const ref = w.settings.configMap ? parseConfigMapRef(w.settings.configMap) : DEFAULT_CONFIGMAP;
  // Every apiserver call of this run, writes and Events included, stops at the deadline.
  const gateway = w.gateway.withSignal(AbortSignal.any([stop, AbortSignal.timeout(Math.max(0, deadline - Date.now()))]));
  // An invalid document fails alone: it is in the report (SyncRunHadFailures), the invocation
  // succeeds, so Lambda does not retry a config that will not change by itself.
  const loaded = await loadFromConfigMap(gateway, ref, w.settings.defaultNamespace, { partial: true });
  // ForceRefresh reaches every function; each keeps what it owns in the current config, or does nothing.
  const route = routeFor(trigger, selection, loaded.config, w.settings);
  const summary = route.selection ? await runOnce({
    gateway,
    config: loaded.config,
    source: loaded.source,
    extraNamespaces: loaded.extraNamespaces,
    invalid: loaded.invalid,
    selection: { ...route.selection, scheduledCadences: w.settings.scheduledCadences },
    deadline,
    signal: stop,
    http: w.http,
    // A shard's share of a prune count (see shardPruneLimit); a percentage applies per shard.
    maxPrune: selection.shard ? shardPruneLimit(w.settings.maxPrune, selection.shard) : w.settings.maxPrune,
  }) : idleSummary();
  return { summary, unserved: route.unserved, source: loaded.source };
}

/** The work's result, or undefined if it is still running at `at` (epoch ms). */
async function raceUntil<T>(work: Promise<T>, at: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => { timer = setTimeout(resolve, Math.max(0, at - Date.now()), undefined); });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The plan and report steps of a sharded run (a systemic failure throws: the state machine retries it). */
async function sharedStep(step: Exclude<ShardStep, { kind: 'shard' }>, context: Context): Promise<Answer> {
  const all = step.kind === 'plan' ? step.all : step.report.all === true;
  logger.appendKeys({ trigger: all ? 'force-refresh' : 'schedule', step: step.kind });
  warm ??= wire();
  try {
    const w = await warm;
    if (step.kind === 'plan') return await planStep(w.gateway, w.settings, step.cadence, step.all);
    metrics.addDimension('cadence', step.report.cadence);
    const outcome = await reportStep(step.report, {
      publish: (o, extra) => publish(w, o, context, extra),
      recordReport: (report) => { recordMetrics(report, { addMetric: (name, unit, value) => { metrics.addMetric(name, MetricUnit[unit], value); } }); },
      recordRunFailed: () => { metrics.addMetric(METRICS.runFailed, MetricUnit.Count, 1); },
    }, Date.now());
    logger.info('sharded sync run finished', { outcome });
    return outcome;
  } catch (e) {
    logger.error('sharded run step failed', { error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
    await dropWiring();
    throw e;
  }
}

/** Puts the run's one result event; a rejected entry is logged and counted, it does not undo the run. */
async function publish(w: Wiring, outcome: { report: RunReport } | { trigger: Trigger; error: string }, context: Context, extra: Record<string, unknown> = {}): Promise<void> {
  if (!w.events || !w.settings.eventBusName) return;
  try {
    await putEvents(w.events, [resultEntry(w.settings.eventBusName, outcome, context.functionName, extra)]);
  } catch (e) {
    metrics.addMetric(METRICS.resultEventFailed, MetricUnit.Count, 1);
    logger.error('result event not delivered', { error: (e as Error).message });
  }
}

/**
 * @example
 * ```ts
 * // Scheduler input, manual invoke and an EventBridge ForceRefresh event all reach this handler:
 * await handler({ cadence: '1h' }, context);
 * ```
 */
export const handler = middy<unknown, Answer>({ timeoutEarlyInMillis: EARLY_TIMEOUT_MS })
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics, { captureColdStartMetric: true }))
  .handler(sync);
