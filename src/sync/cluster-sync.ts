/**
 * One run against a cluster, namespace by namespace (namespace-sync.ts): read the current state,
 * data only for what may be written (reads.ts), decide what is due, fetch, write only what changed;
 * then garbage-collect Owner Secrets whose ExternalSecret left the config. Per-ExternalSecret
 * failures are outcomes; only an unreachable cluster fails the run.
 */
import pLimit from 'p-limit';
import type { Config, ExternalSecretDef, StoreDef } from '../config/types.ts';
import { KubeUnreachableError, type ExistingSecret, type KubeGateway } from '../kube/gateway.ts';
import { MANAGED } from '../model/managed.ts';
import type { SecretsClient } from '../providers/secrets-client.ts';
import type { EsoTakeOverGate } from './adopt-eso.ts';
import { readChecked, recordChecked, stateObjectOf, type CheckedState } from './checked.ts';
import type { Selection } from './due.ts';
import { configMapOfSource, forgetEmptyNamespaces } from './namespace-record.ts';
import { syncNamespace, type NamespaceRunContext } from './namespace-sync.ts';
import { pruneOrphans } from './prune.ts';
import { DEFAULT_PRUNE_LIMIT, type PruneLimit } from './prune-limit.ts';
import { inShard, shardNamespaces } from './shard.ts';
import { countOutcomes, REASONS, type Outcome, type RunSummary } from './result.ts';

export interface ClusterSyncOptions {
  readonly config: Config;
  readonly gateway: KubeGateway;
  readonly selection: Selection;
  readonly clientFor: (store: StoreDef) => SecretsClient;
  /** Requests sent to endpoints so far in this run (from the provider's request cache). */
  readonly endpointRequests: () => number;
  /** Recorded on each Secret; Owner garbage collection only touches Secrets of the same source. */
  readonly source: string;
  /** Namespaces that may still hold our Secrets although no ExternalSecret names them any more. */
  readonly extraNamespaces?: readonly string[];
  /**
   * Delete Owner Secrets whose ExternalSecret left this source's config. Default: on for a
   * ConfigMap source, off for files (two file sets would otherwise prune each other).
   */
  readonly prune?: boolean;
  /** At most this many of this source's Owner Secrets are pruned in one run (default 50%); above it, none. */
  readonly maxPrune?: PruneLimit;
  /** Epoch ms after which no new ExternalSecret starts. */
  readonly deadline?: number;
  readonly now?: () => Date;
  readonly writeConcurrency?: number;
  /** May ESO-managed targets be adopted (asked once per run at most)? Default: never. */
  readonly esoTakeOver?: EsoTakeOverGate;
}

/**
 * Namespaces processed at once. Each holds its Secrets only while in flight; the fetch and write
 * limits are shared, so the next namespace's reads overlap the previous one's fetches.
 */
const NAMESPACE_WINDOW = 3;

/**
 * @example
 * ```ts
 * const summary = await syncCluster({ config, gateway, selection: { cadence: '1h' }, clientFor, endpointRequests, source });
 * ```
 */
export async function syncCluster(o: ClusterSyncOptions): Promise<RunSummary> {
  const started = Date.now();
  const now = o.now ?? (() => new Date());
  // Written as last-sync: the data is as fresh as the moment this run began fetching.
  const runStart = now();
  const shard = o.selection.shard;
  // A shard reads, syncs and prunes its own slices only; every other rule sees the whole config.
  const byNamespace = new Map<string, ExternalSecretDef[]>();
  for (const es of o.config.externalSecrets) {
    if (shard && !inShard(shard, es.namespace, es.name)) continue;
    const list = byNamespace.get(es.namespace);
    if (list) list.push(es);
    else byNamespace.set(es.namespace, [es]);
  }
  const used = new Set(o.config.externalSecrets.map((es) => es.namespace));
  const namespaces = shard ? shardNamespaces(shard) : [...new Set([...used, ...(o.extraNamespaces ?? [])])].sort();
  const stateRef = stateObjectOf(o.source);
  const checked = stateRef ? readChecked(o.gateway, stateRef) : Promise.resolve<CheckedState>({ at: new Map() });
  const pruning = o.prune ?? o.source.startsWith('configmap:');
  const own = { source: o.source, current: new Set(o.config.externalSecrets.map((es) => `${es.namespace}/${es.name}`)) };
  let entriesFetched = 0;
  const context: NamespaceRunContext = {
    gateway: o.gateway,
    selection: o.selection,
    runStart,
    checked,
    source: o.source,
    targets: new Set(o.config.externalSecrets.map((es) => `${es.namespace}/${es.targetName}`)),
    dueTargetsOnly: !pruning && configMapOfSource(o.source) === undefined && namesOnly(o.selection),
    fetchLimit: pLimit(64),
    writeLimit: pLimit(o.writeConcurrency ?? 16),
    compute: { stores: o.config.stores, clientFor: o.clientFor, source: o.source, mayStart: () => o.deadline === undefined || Date.now() < o.deadline },
    write: { gateway: o.gateway, now: runStart, own, ...(o.esoTakeOver ? { esoTakeOver: once(o.esoTakeOver) } : {}) },
    onFetched: (entries) => { entriesFetched += entries; },
    // A shard counts and prunes the Owner Secrets recorded for ExternalSecrets of its slices, never another's.
    ...(shard ? { inScope: (s: ExistingSecret) => inShard(shard, s.namespace, recordedName(s)) } : {}),
  };
  const window = pLimit(NAMESPACE_WINDOW);
  const results = await Promise.all(namespaces.map((ns) => window(() => syncNamespace(ns, byNamespace.get(ns) ?? [], context))));
  const unreachable = results.find((r) => r.readError instanceof KubeUnreachableError)?.readError;
  if (unreachable && results.every((r) => r.readError)) throw unreachable;

  const outcomes: Outcome[] = results.flatMap((r) => r.outcomes);
  if (stateRef) {
    const state = await checked;
    const checks = new Map(results.flatMap((r) => [...r.checks]));
    const error = await recordChecked(o.gateway, stateRef, state, checks, own.current);
    // A state object not pushed or not granted since the upgrade is a notice (runs work as before); a failed write is a failure.
    const notice = state.missing === true || state.error !== undefined;
    if (error) outcomes.push({ externalSecret: '(last-checked state)', target: `${stateRef.namespace}/${stateRef.name}`, cadence: '', result: notice ? 'skipped' : 'failed', reason: notice ? REASONS.stateMissing : REASONS.updateFailed, message: error });
  }

  let deleted: ReadonlySet<string> = new Set();
  if (pruning) {
    const owned = results.reduce((n, r) => n + r.owned, 0);
    const pruned = await pruneOrphans({ gateway: o.gateway, config: o.config, source: o.source, limit: o.maxPrune ?? DEFAULT_PRUNE_LIMIT, existing: results.flatMap((r) => r.orphans), ownedCount: owned });
    outcomes.push(...pruned.outcomes);
    deleted = pruned.deleted;
  }
  // A namespace still holds an Owner Secret of this source unless every one it held was deleted now.
  const holding = new Set(namespaces.filter((ns, i) => {
    const r = results[i];
    return r !== undefined && r.owned > r.orphans.filter((s) => deleted.has(`${s.namespace}/${s.name}`)).length;
  }));
  outcomes.push(...(await forgetEmptyNamespaces({
    gateway: o.gateway, config: o.config, source: o.source, cleanupNamespaces: namespaces.filter((ns) => !used.has(ns)),
    holding, unread: new Set(namespaces.filter((_, i) => results[i]?.readError !== undefined)),
  })));
  return {
    outcomes,
    counts: countOutcomes(outcomes),
    endpointRequests: o.endpointRequests(),
    entriesFetched,
    durationMs: Date.now() - started,
  };
}

/** A selection of named ExternalSecrets only: no other one can be due (see isDue). */
function namesOnly(selection: Selection): boolean {
  return !selection.all && selection.cadence === undefined && (selection.externalSecrets?.length ?? 0) > 0;
}

/** The name of the ExternalSecret recorded on a Secret (`ns/name`), '' when none is. */
function recordedName(s: ExistingSecret): string {
  const id = s.annotations[MANAGED.externalSecretAnnotation] ?? '';
  return id.slice(id.indexOf('/') + 1);
}

/** The gate is asked at most once per run (it may LIST Deployments cluster-wide). */
function once(gate: EsoTakeOverGate): EsoTakeOverGate {
  let answer: Promise<string | undefined> | undefined;
  return () => (answer ??= gate());
}
