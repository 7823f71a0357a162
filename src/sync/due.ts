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
}

export type Due = { readonly due: true; readonly why: string } | { readonly due: false; readonly why: string };

/**
 * @example
 * ```ts
 * isDue(es, existingSecret, { cadence: '1h' }, Date.now()); // { due: true, why: 'cadence 1h' }
 * ```
 */
export function isDue(es: ExternalSecretDef, existing: ExistingSecret | undefined, selection: Selection, now: number): Due {
  const id = `${es.namespace}/${es.name}`;
  if (selection.all) return { due: true, why: 'forced (all)' };
  if (selection.externalSecrets?.includes(id)) return { due: true, why: 'forced' };
  if (selection.externalSecrets && selection.externalSecrets.length > 0 && selection.cadence === undefined) {
    return { due: false, why: 'not selected' };
  }
  const ours = existing?.annotations[MANAGED.externalSecretAnnotation] === id;
  if (!existing || !ours) return { due: true, why: 'target Secret missing or not yet managed' };
  // ESO resyncs an invalid target whatever the refreshPolicy; for Orphan targets it never checks.
  const owner = existing.annotations[MANAGED.creationPolicyAnnotation] === 'Owner';
  if (owner && existing.annotations[MANAGED.dataHashAnnotation] !== dataHash(existing.data)) {
    return { due: true, why: 'Secret data drifted from what was synced' };
  }
  const policy = es.spec.refreshPolicy ?? 'Periodic';
  const specChanged = existing.annotations[MANAGED.specHashAnnotation] !== es.specHash;
  if (policy === 'CreatedOnce') return { due: false, why: 'refreshPolicy CreatedOnce: already created' };
  if (policy === 'OnChange') return specChanged ? { due: true, why: 'ExternalSecret changed' } : { due: false, why: 'refreshPolicy OnChange: unchanged' };
  if (specChanged) return { due: true, why: 'ExternalSecret changed' };
  if (es.refreshMs <= 0) return { due: false, why: 'refreshInterval 0: no periodic refresh' };
  if (selection.cadence === es.cadence) return { due: true, why: `cadence ${es.cadence}` };
  if (selection.scheduledCadences?.includes(es.cadence)) return { due: false, why: `served by the ${es.cadence} schedule` };
  const last = Date.parse(existing.annotations[MANAGED.lastSyncAnnotation] ?? '');
  if (Number.isNaN(last)) return { due: true, why: 'no recorded last sync' };
  const age = now - last;
  if (age >= es.refreshMs) return { due: true, why: `overdue: last sync ${formatDuration(Math.round(age / 1000) * 1000)} ago, refreshInterval ${es.cadence}` };
  return { due: false, why: `not due: last sync ${formatDuration(Math.round(age / 1000) * 1000)} ago, refreshInterval ${es.cadence}` };
}
