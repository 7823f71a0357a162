/**
 * One run against a cluster: read the current state in one LIST per namespace, decide what is due,
 * fetch, write only what changed, and garbage-collect Owner Secrets whose ExternalSecret left the
 * config. Per-ExternalSecret failures are outcomes; only an unreachable cluster fails the run.
 */
import pLimit from 'p-limit';
import type { Config, ExternalSecretDef, StoreDef } from '../config/types.ts';
import type { ExistingSecret, KubeGateway } from '../kube/gateway.ts';
import { MANAGED } from '../model/managed.ts';
import type { SecretsClient } from '../providers/secrets-client.ts';
import type { EsoTakeOverGate } from './adopt-eso.ts';
import { computeOne } from './compute.ts';
import { readChecked, recordChecked, stateObjectOf, type CheckedState } from './checked.ts';
import { isDue, type Selection } from './due.ts';
import { forgetEmptyNamespaces } from './namespace-record.ts';
import { fromOtherSource } from './ownership.ts';
import { pruneOrphans } from './prune.ts';
import { DEFAULT_PRUNE_LIMIT, type PruneLimit } from './prune-limit.ts';
import { inShard, shardNamespaces } from './shard.ts';
import { countOutcomes, REASONS, type Outcome, type RunSummary } from './result.ts';
import { readManagedState } from './state.ts';
import { writeResult } from './write.ts';

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
  const mine = shard ? o.config.externalSecrets.filter((es) => inShard(shard, es.namespace, es.name)) : o.config.externalSecrets;
  const namespaces = shard ? shardNamespaces(shard) : [...new Set([...o.config.externalSecrets.map((es) => es.namespace), ...(o.extraNamespaces ?? [])])].sort();
  const stateRef = stateObjectOf(o.source);
  const [state, checked] = await Promise.all([
    readManagedState(o.gateway, namespaces),
    stateRef ? readChecked(o.gateway, stateRef) : Promise.resolve<CheckedState>({ at: new Map() }),
  ]);
  const outcomes: Outcome[] = [];

  // A namespace listed only for clean-up that cannot be read must not fail silently.
  const used = new Set(o.config.externalSecrets.map((es) => es.namespace));
  for (const [ns, error] of state.errors) {
    if (!used.has(ns)) outcomes.push({ externalSecret: `(clean-up of namespace ${ns})`, target: `${ns}/*`, cadence: '', result: 'failed', reason: REASONS.updateFailed, message: error });
  }

  const due: ExternalSecretDef[] = [];
  for (const es of mine) {
    const listError = state.errors.get(es.namespace);
    if (listError) {
      outcomes.push(outcomeOf(es, 'failed', REASONS.updateFailed, listError));
      continue;
    }
    const recorded = state.secrets.get(`${es.namespace}/${es.targetName}`);
    // Another source's Secret is never "ours and up to date": the write step reports why it is refused.
    const d = isDue(es, recorded && fromOtherSource(recorded, o.source) ? undefined : recorded, o.selection, runStart.getTime(), checked.at.get(`${es.namespace}/${es.name}`));
    if (d.due) due.push(es);
    else outcomes.push(outcomeOf(es, 'skipped', REASONS.notDue, d.why));
  }

  const targets = resolveTargets(o.gateway, state.secrets);
  // One pipeline per ExternalSecret: its Secret is written as soon as its data arrives, so fetches
  // and writes overlap instead of running as two phases.
  const fetchLimit = pLimit(64);
  const writeLimit = pLimit(o.writeConcurrency ?? 16);
  const own = { source: o.source, current: new Set(o.config.externalSecrets.map((es) => `${es.namespace}/${es.name}`)) };
  const ctx = { gateway: o.gateway, now: runStart, own, ...(o.esoTakeOver ? { esoTakeOver: once(o.esoTakeOver) } : {}) };
  const deps = { stores: o.config.stores, clientFor: o.clientFor, source: o.source, mayStart: () => o.deadline === undefined || Date.now() < o.deadline };
  let entriesFetched = 0;
  const fetched = await Promise.all(due.map((es) => fetchLimit(async () => {
    const [c, existing] = await Promise.all([computeOne(es, deps), targets.get(es).catch((e: unknown) => e as Error)]);
    if (c.kind !== 'not-started') entriesFetched += (es.spec.data?.length ?? 0) + (es.spec.dataFrom?.length ?? 0);
    // Without the target's state we cannot tell ours from someone else's: fail, never guess "missing".
    if (existing instanceof Error) return writeLimit(() => writeResult({ es, kind: 'failed', error: existing }, undefined, ctx));
    return writeLimit(() => writeResult(c, existing, ctx));
  })));
  outcomes.push(...fetched);
  if (stateRef) {
    const error = await recordChecked(o.gateway, stateRef, checked, checksToRecord(due, fetched, o.selection, runStart), own.current);
    // A state object not pushed or not granted since the upgrade is a notice (runs work as before); a failed write is a failure.
    const notice = checked.missing === true || checked.error !== undefined;
    if (error) outcomes.push({ externalSecret: '(last-checked state)', target: `${stateRef.namespace}/${stateRef.name}`, cadence: '', result: notice ? 'skipped' : 'failed', reason: notice ? REASONS.stateMissing : REASONS.updateFailed, message: error });
  }

  let deleted: ReadonlySet<string> = new Set();
  if (o.prune ?? o.source.startsWith('configmap:')) {
    // A shard prunes the Owner Secrets recorded for ExternalSecrets of its slices, never another's.
    const existing = shard ? [...state.secrets.values()].filter((s) => inShard(shard, s.namespace, recordedName(s))) : state.secrets.values();
    const pruned = await pruneOrphans({ gateway: o.gateway, config: o.config, source: o.source, limit: o.maxPrune ?? DEFAULT_PRUNE_LIMIT, existing });
    outcomes.push(...pruned.outcomes);
    deleted = pruned.deleted;
  }
  outcomes.push(...(await forgetEmptyNamespaces({
    gateway: o.gateway, config: o.config, source: o.source, cleanupNamespaces: namespaces.filter((ns) => !used.has(ns)),
    existing: state.secrets.values(), listErrors: state.errors, deleted,
  })));
  return {
    outcomes,
    counts: countOutcomes(outcomes),
    endpointRequests: o.endpointRequests(),
    entriesFetched,
    durationMs: Date.now() - started,
  };
}

/**
 * The current state of every due target we do not manage yet: one metadata-only LIST per namespace
 * (instead of a GET per target) tells "missing" from "someone else's Secret"; a full GET only for
 * existing targets being merged into or adopted (Merge, CreateOrMerge, Orphan), whose data we need.
 */
function resolveTargets(gateway: KubeGateway, managed: ReadonlyMap<string, ExistingSecret>) {
  const key = (es: ExternalSecretDef): string => `${es.namespace}/${es.targetName}`;
  const byNamespace = new Map<string, Promise<Map<string, ExistingSecret> | undefined>>();
  const metadataOf = (ns: string): Promise<Map<string, ExistingSecret> | undefined> => {
    let p = byNamespace.get(ns);
    if (!p) {
      p = gateway.listSecretMetadata(ns).then((list) => new Map(list.map((s) => [s.name, s])), () => undefined);
      byNamespace.set(ns, p);
    }
    return p;
  };
  return {
    async get(es: ExternalSecretDef): Promise<ExistingSecret | undefined> {
      const known = managed.get(key(es));
      if (known) return known;
      // getSecret answers undefined only for a 404; any other failure propagates.
      const names = await metadataOf(es.namespace);
      const meta = names ? names.get(es.targetName) : await gateway.getSecret(es.namespace, es.targetName);
      if (!meta) return undefined;
      // Merge/CreateOrMerge merge with the data; Orphan adopts it and must drop the keys it does not
      // write in this same run. Owner never writes a Secret it did not create, None writes nothing.
      const writesInto = ['Merge', 'CreateOrMerge', 'Orphan'].includes(es.spec.target.creationPolicy);
      return writesInto && names ? ((await gateway.getSecret(es.namespace, es.targetName)) ?? meta) : meta;
    },
  };
}

/**
 * The checks no Secret records: a fetch that changed nothing for a cadence without its own schedule
 * (its last-sync stays, so the Secret is not written), creationPolicy None, a Merge whose target is missing.
 */
function checksToRecord(due: readonly ExternalSecretDef[], fetched: readonly Outcome[], selection: Selection, at: Date): Map<string, Date> {
  const out = new Map<string, Date>();
  due.forEach((es, i) => {
    const r = fetched[i];
    const unscheduled = selection.scheduledCadences === undefined || !selection.scheduledCadences.includes(es.cadence);
    const noSecret = r?.reason === REASONS.none || r?.reason === REASONS.secretMissing;
    if (noSecret || (r?.result === 'unchanged' && unscheduled && es.cadence !== selection.cadence)) out.set(`${es.namespace}/${es.name}`, at);
  });
  return out;
}

/** The gate is asked at most once per run (it may LIST Deployments cluster-wide). */
function once(gate: EsoTakeOverGate): EsoTakeOverGate {
  let answer: Promise<string | undefined> | undefined;
  return () => (answer ??= gate());
}

/** The name of the ExternalSecret recorded on a Secret (`ns/name`), '' when none is. */
function recordedName(s: ExistingSecret): string {
  const id = s.annotations[MANAGED.externalSecretAnnotation] ?? '';
  return id.slice(id.indexOf('/') + 1);
}

function outcomeOf(es: ExternalSecretDef, result: Outcome['result'], reason: string, message: string): Outcome {
  return { externalSecret: `${es.namespace}/${es.name}`, target: `${es.namespace}/${es.targetName}`, cadence: es.cadence, result, reason, message };
}
