/**
 * The plan and report steps of a sharded run (infra/sharded-cadence.ts). The shard step itself is
 * the handler's ordinary run, restricted by the shard's selection.
 */
import { DEFAULT_CONFIGMAP, loadFromConfigMap, parseConfigMapRef } from '../../src/app/config-source.ts';
import type { KubeGateway } from '../../src/kube/gateway.ts';
import { planShards } from '../../src/sync/shard-plan.ts';
import type { Settings } from './settings.ts';
import type { RunReport } from './report.ts';
import type { ShardStep } from './shard-event.ts';
import { MAX_SHARDS, mergeShardResults } from './shard-report.ts';
import { shardedTrigger } from './shard-trigger.ts';

/** Step Functions passes at most 256 KiB between states; the plan must leave room for the input. */
const MAX_PLAN_BYTES = 200_000;

/** A plan the state machine cannot carry, or a function deployed without a shard size. */
export class ShardStepError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShardStepError';
  }
}

export interface PlannedItem {
  readonly cadence: string;
  readonly index: number;
  readonly count: number;
  readonly externalSecrets: number;
  readonly all?: true;
  readonly slices: readonly { readonly namespace: string; readonly from?: string | undefined; readonly to?: string | undefined }[];
}

/**
 * Reads the ConfigMap and answers the cadence's shards; always at least one, so a config of invalid
 * documents only still has a shard that reports them.
 *
 * @throws {ShardStepError} without WSS_SHARD_SIZE, or when the plan is too large to pass on
 * @example
 * ```ts
 * const { shards } = await planStep(gateway, settings, '1h');
 * ```
 */
export async function planStep(gateway: KubeGateway, settings: Settings, cadence: string, all = false): Promise<{ shards: PlannedItem[] }> {
  if (settings.shardSize === undefined) throw new ShardStepError('shardPlan step: the function has no WSS_SHARD_SIZE (deploy it with the shardSize prop or -c shardSize=N)');
  const ref = settings.configMap ? parseConfigMapRef(settings.configMap) : DEFAULT_CONFIGMAP;
  const loaded = await loadFromConfigMap(gateway, ref, settings.defaultNamespace, { partial: true });
  // A forced refresh of all balances every ExternalSecret; a scheduled run its cadence's.
  const planned = planShards({ externalSecrets: loaded.config.externalSecrets, extraNamespaces: loaded.extraNamespaces, cadence: all ? undefined : cadence, shardSize: settings.shardSize });
  const flag = all ? { all: true as const } : {};
  const shards = planned.length > 0
    ? planned.map((s) => ({ cadence, ...flag, ...s }))
    : [{ cadence, ...flag, index: 0, count: 1, externalSecrets: 0, slices: [] }];
  if (shards.length > MAX_SHARDS) {
    throw new ShardStepError(`shardPlan step: ${String(shards.length)} shards of at most ${String(settings.shardSize)} ExternalSecrets of cadence ${cadence}; at most ${String(MAX_SHARDS)} shard results fit what Step Functions passes to the report step: raise shardSize to at least ${String(Math.ceil(planned.reduce((n, s) => n + s.externalSecrets, 0) / MAX_SHARDS))}`);
  }
  const bytes = Buffer.byteLength(JSON.stringify({ shards }));
  if (bytes > MAX_PLAN_BYTES) {
    const namespaces = new Set(shards.flatMap((s) => s.slices.map((x) => x.namespace))).size;
    throw new ShardStepError(`shardPlan step: the plan of ${String(shards.length)} shards over ${String(namespaces)} namespaces is ${String(Math.round(bytes / 1024))} KiB, above the ${String(MAX_PLAN_BYTES / 1000)} kB Step Functions can pass between states; split the config into several ConfigMaps (one stack each)`);
  }
  return { shards };
}

export interface ReportDeps {
  /** Puts the run's one result event (and counts a rejected one). */
  readonly publish: (outcome: { report: RunReport } | { trigger: RunReport['trigger']; error: string }, extra: Record<string, unknown>) => Promise<void>;
  readonly recordReport: (report: RunReport) => void;
  readonly recordRunFailed: () => void;
}

/** What the report step answers; the state machine fails the execution when `runFailed`. */
export interface ReportOutcome {
  readonly runFailed: boolean;
  readonly counts?: RunReport['counts'];
  readonly shards?: { readonly count: number; readonly failed: number };
}

/**
 * @example
 * ```ts
 * await reportStep(step.report, deps, Date.now()); // { runFailed: false, counts, shards }
 * ```
 */
export async function reportStep(input: Extract<ShardStep, { kind: 'report' }>['report'], deps: ReportDeps, now: number): Promise<ReportOutcome> {
  const merged = mergeShardResults(input, now);
  const trigger = shardedTrigger(input);
  if (merged.kind === 'failed') {
    deps.recordRunFailed();
    await deps.publish({ trigger, error: merged.error }, { shards: { count: input.shards ?? 0, failed: input.shards ?? 0 } });
    return { runFailed: true };
  }
  deps.recordReport(merged.report);
  await deps.publish({ report: merged.report }, { shards: merged.shards });
  return { runFailed: false, counts: merged.report.counts, shards: merged.shards };
}
