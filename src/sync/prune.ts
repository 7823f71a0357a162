/**
 * Owner garbage collection: delete Owner Secrets of this source whose ExternalSecret left the
 * config, never one that a current ExternalSecret targets (whoever recorded it), never one of
 * another source, and never more than the prune limit in one run.
 */
import type { Config } from '../config/types.ts';
import type { ExistingSecret, KubeGateway } from '../kube/gateway.ts';
import { MANAGED } from '../model/managed.ts';
import { allowedPrunes, formatPruneLimit, type PruneLimit } from './prune-limit.ts';
import { REASONS, type Outcome } from './result.ts';
import { deleteOwned, outOfTime } from './write.ts';

export interface PruneOptions {
  readonly gateway: KubeGateway;
  readonly config: Config;
  readonly source: string;
  readonly limit: PruneLimit;
  /** Managed Secrets the run read (all namespaces whose LIST succeeded), or at least every orphan among them. */
  readonly existing: Iterable<ExistingSecret>;
  /** Owner Secrets of this source the run read, when `existing` holds only the orphans (default: counted in `existing`). */
  readonly ownedCount?: number;
}

export interface PruneResult {
  readonly outcomes: Outcome[];
  /** `ns/name` of the Secrets this run deleted. */
  readonly deleted: ReadonlySet<string>;
}

/** True for Secrets this source would prune one day: Owner Secrets it recorded. */
export function isOwnerSecretOf(s: ExistingSecret, source: string): boolean {
  return s.annotations[MANAGED.externalSecretAnnotation] !== undefined
    && s.annotations[MANAGED.sourceAnnotation] === source
    && s.annotations[MANAGED.creationPolicyAnnotation] === 'Owner';
}

/**
 * @example
 * ```ts
 * const { outcomes } = await pruneOrphans({ gateway, config, source, limit: DEFAULT_PRUNE_LIMIT, existing: state.secrets.values() });
 * ```
 */
export async function pruneOrphans(o: PruneOptions): Promise<PruneResult> {
  // A target of the current config is never an orphan, even while another ExternalSecret is recorded
  // on it (a rename takes it over in this run).
  const targets = new Set(o.config.externalSecrets.map((es) => `${es.namespace}/${es.targetName}`));
  const owned = [...o.existing].filter((s) => isOwnerSecretOf(s, o.source));
  const orphans = owned.filter((s) => !targets.has(`${s.namespace}/${s.name}`));
  const deleted = new Set<string>();
  if (orphans.length === 0) return { outcomes: [], deleted };
  const ownedCount = o.ownedCount ?? owned.length;
  const allowed = allowedPrunes(o.limit, ownedCount);
  if (orphans.length > allowed) {
    const message = `prune refused: ${String(orphans.length)} of the ${String(ownedCount)} Owner Secret(s) of ${o.source} would be deleted, `
      + `above the prune limit ${formatPruneLimit(o.limit)} (${String(allowed)} per run); nothing was deleted. `
      + `If the config is right, run once with a higher limit (sync --max-prune=${String(orphans.length)}, or WSS_MAX_PRUNE / the maxPrune construct prop)`;
    return { outcomes: [{ externalSecret: `(clean-up of ${o.source})`, target: `${String(orphans.length)} Secret(s)`, cadence: '', result: 'failed', reason: REASONS.updateFailed, message }], deleted };
  }
  const outcomes: Outcome[] = [];
  for (const s of orphans) {
    const owner = s.annotations[MANAGED.externalSecretAnnotation] ?? '';
    const base = { externalSecret: owner, target: `${s.namespace}/${s.name}`, cadence: s.annotations[MANAGED.cadenceAnnotation] ?? '' };
    try {
      if (!(await deleteOwned(o.gateway, s, owner))) {
        outcomes.push({ ...base, result: 'skipped', reason: REASONS.synced, message: 'orphaned secret kept: it changed owner or source during the run' });
        continue;
      }
      deleted.add(`${s.namespace}/${s.name}`);
      await o.gateway.recordEvent({ namespace: s.namespace, secretName: s.name, type: 'Normal', reason: REASONS.deleted, message: 'secret deleted because it was orphaned', externalSecret: owner }).catch(() => undefined);
      outcomes.push({ ...base, result: 'deleted', reason: REASONS.deleted, message: 'secret deleted because it was orphaned (its ExternalSecret left the config)' });
    } catch (e) {
      // Stopped by the run's time budget: nothing was deleted, the next run tries again.
      if (outOfTime(e)) outcomes.push({ ...base, result: 'skipped', reason: REASONS.deadline, message: `time budget: orphaned secret not deleted yet: ${(e as Error).message}` });
      else outcomes.push({ ...base, result: 'failed', reason: REASONS.updateFailed, message: `could not delete orphaned secret: ${(e as Error).message}` });
    }
  }
  return { outcomes, deleted };
}
