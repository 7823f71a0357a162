/**
 * Which ExternalSecrets a run syncs, derived from what is recorded on their Secrets (not from
 * memory, so any run anywhere decides the same): ESO's refreshPolicy rules, plus "overdue" so a
 * cadence without its own schedule is still served.
 */
import type { ExternalSecretDef } from '../config/types.ts';
import type { ExistingSecret } from '../kube/gateway.ts';
import { formatDuration } from '../model/duration.ts';
import { dataHash } from './desired-secret.ts';
import { MANAGED } from '../model/managed.ts';
import type { ShardScope } from './shard.ts';

export interface Selection {
  /** The cadence this run serves (`1h`); ExternalSecrets with that refreshInterval are due. */
  readonly cadence?: string | undefined;
  /** `ns/name` of ExternalSecrets to sync now whatever their state (forced). */
  readonly externalSecrets?: readonly string[] | undefined;
  /** Force every ExternalSecret. */
  readonly all?: boolean | undefined;
  /**
   * Cadences that have a schedule of their own (the deployed functions, the `run --local` timers).
   * Their ExternalSecrets are refreshed by that schedule only; the "overdue" rule serves the others.
   * Unset (a one-off CLI run): every overdue ExternalSecret is synced.
   */
  readonly scheduledCadences?: readonly string[] | undefined;
  /**
   * One shard of a sharded run (see shard-plan.ts): only the ExternalSecrets, namespaces and Owner
   * Secrets in its slices are read, synced and pruned; the rest of the config is another shard's.
   */
  readonly shard?: ShardScope | undefined;
}

export type Due = { readonly due: true; readonly why: string } | { readonly due: false; readonly why: string };

/**
 * @example
 * ```ts
 * isDue(es, existingSecret, { cadence: '1h' }, Date.now()); // { due: true, why: 'cadence 1h' }
 * isDue(es, undefined, { cadence: '1m' }, Date.now(), lastCheck); // None/Merge without a target: from the last check
 * ```
 * `driftRuledOut`: `existing` was read as metadata only and its managed fields show that nobody else
 * changed its data (see reads.ts), so the data hash is not checked.
 */
export function isDue(es: ExternalSecretDef, existing: ExistingSecret | undefined, selection: Selection, now: number, checkedAt?: number, driftRuledOut = false): Due {
  const id = `${es.namespace}/${es.name}`;
  if (selection.all) return { due: true, why: 'forced (all)' };
  if (selection.externalSecrets?.includes(id)) return { due: true, why: 'forced' };
  if (selection.externalSecrets && selection.externalSecrets.length > 0 && selection.cadence === undefined) {
    return { due: false, why: 'not selected' };
  }
  const ours = existing?.annotations[MANAGED.externalSecretAnnotation] === id;
  if (!existing || !ours) {
    // None writes nothing and a Merge does not create its target: no Secret records their last
    // sync, so the last check does (ESO requeues both after refreshInterval).
    const creation = es.spec.target.creationPolicy;
    if ((creation === 'None' || creation === 'Merge') && checkedAt !== undefined) return periodic(es, selection, now, checkedAt, 'last check');
    return { due: true, why: 'target Secret missing or not yet managed' };
  }
  // ESO resyncs an invalid target whatever the refreshPolicy; for Orphan targets it never checks.
  const owner = existing.annotations[MANAGED.creationPolicyAnnotation] === 'Owner';
  if (owner && !driftRuledOut && existing.annotations[MANAGED.dataHashAnnotation] !== dataHash(existing.data)) {
    return { due: true, why: 'Secret data drifted from what was synced' };
  }
  const policy = es.spec.refreshPolicy ?? 'Periodic';
  const specChanged = existing.annotations[MANAGED.specHashAnnotation] !== es.specHash;
  if (policy === 'CreatedOnce') return { due: false, why: 'refreshPolicy CreatedOnce: already created' };
  if (policy === 'OnChange') return specChanged ? { due: true, why: 'ExternalSecret changed' } : { due: false, why: 'refreshPolicy OnChange: unchanged' };
  if (specChanged) return { due: true, why: 'ExternalSecret changed' };
  const synced = Date.parse(existing.annotations[MANAGED.lastSyncAnnotation] ?? '');
  // A run that changed nothing records its check beside the config, not on the Secret.
  const checked = checkedAt !== undefined && (Number.isNaN(synced) || checkedAt > synced);
  return periodic(es, selection, now, checked ? checkedAt : synced, checked ? 'last check' : 'last sync');
}

/** Periodic refresh from the last sync or check: its own cadence's run, or overdue when no schedule serves it. */
function periodic(es: ExternalSecretDef, selection: Selection, now: number, last: number, what: string): Due {
  const policy = es.spec.refreshPolicy ?? 'Periodic';
  if (policy !== 'Periodic') return { due: false, why: `refreshPolicy ${policy}: already checked` };
  if (es.refreshMs <= 0) return { due: false, why: 'refreshInterval 0: no periodic refresh' };
  if (selection.cadence === es.cadence) return { due: true, why: `cadence ${es.cadence}` };
  if (selection.scheduledCadences?.includes(es.cadence)) return { due: false, why: `served by the ${es.cadence} schedule` };
  if (Number.isNaN(last)) return { due: true, why: `no recorded ${what}` };
  const age = now - last;
  if (age >= es.refreshMs) return { due: true, why: `overdue: ${what} ${formatDuration(Math.round(age / 1000) * 1000)} ago, refreshInterval ${es.cadence}` };
  return { due: false, why: `not due: ${what} ${formatDuration(Math.round(age / 1000) * 1000)} ago, refreshInterval ${es.cadence}` };
}

/** Due in this run whatever its Secret records: forced, or a Periodic ExternalSecret of the cadence being served. */
export function certainlyDue(es: ExternalSecretDef, selection: Selection): boolean {
  if (selection.all || selection.externalSecrets?.includes(`${es.namespace}/${es.name}`)) return true;
  return selection.cadence === es.cadence && (es.spec.refreshPolicy ?? 'Periodic') === 'Periodic' && es.refreshMs > 0;
}
