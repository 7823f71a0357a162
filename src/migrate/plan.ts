/**
 * For each migratable ExternalSecret: does its target exist, does ESO manage it, and would our sync
 * change its data? Computed as `sync --dry-run=client` computes, then compared with the Secret's
 * current data in the cluster. Only the verdict leaves this module, never a value.
 */
import type { Config, StoreDef } from '../config/types.ts';
import type { ExistingSecret, KubeGateway } from '../kube/gateway.ts';
import type { SecretsClient } from '../providers/secrets-client.ts';
import { isEsoManaged } from '../sync/adopt-eso.ts';
import { computeSecrets } from '../sync/compute.ts';

export const DATA_VERDICT = {
  same: 'same',
  wouldChange: 'would change',
  wouldCreate: 'would create',
} as const;

export interface TargetPlan {
  readonly externalSecret: string;
  readonly target: string;
  readonly exists: boolean;
  readonly esoManaged: boolean;
  /** `same`, `would change` (keys named, never values), `would create`, or why it cannot be told. */
  readonly data: string;
}

/**
 * @example
 * ```ts
 * const rows = await planTargets({ config, gateway, clientFor: providers.clientFor });
 * ```
 */
export async function planTargets(o: { readonly config: Config; readonly gateway: KubeGateway; readonly clientFor: (store: StoreDef) => SecretsClient }): Promise<TargetPlan[]> {
  const computed = await computeSecrets(o.config, o.config.externalSecrets, { clientFor: o.clientFor, source: 'migrate-plan' });
  return Promise.all(computed.map(async (c): Promise<TargetPlan> => {
    const es = c.es;
    const existing = await o.gateway.getSecret(es.namespace, es.targetName);
    const row = { externalSecret: `${es.namespace}/${es.name}`, target: `${es.namespace}/${es.targetName}`, exists: existing !== undefined, esoManaged: existing ? isEsoManaged(existing) : false };
    if (c.kind === 'failed') return { ...row, data: `unknown: ${c.error.message}` };
    if (c.kind === 'not-started') return { ...row, data: 'unknown: not computed' };
    if (c.kind === 'gone') return { ...row, data: `unknown: the endpoint has no such secret (${c.missing.join(', ')})` };
    if (c.kind === 'retained') return { ...row, data: 'unknown: the endpoint returned no data; the Secret would be kept as it is' };
    if (!existing) return { ...row, data: DATA_VERDICT.wouldCreate };
    const policy = es.spec.target.creationPolicy;
    const changed = changedKeys(existing, c.secret.data, policy === 'Merge' || policy === 'CreateOrMerge');
    return { ...row, data: changed.length === 0 ? DATA_VERDICT.same : `${DATA_VERDICT.wouldChange}: ${changed.join(', ')}` };
  }));
}

/** Keys whose bytes differ, appear or (when not merging) disappear: names only. */
function changedKeys(existing: ExistingSecret, desired: Readonly<Record<string, Buffer>>, merging: boolean): string[] {
  const changed = Object.keys(desired).filter((k) => {
    const have = existing.data[k];
    const want = desired[k];
    return have === undefined || want === undefined || !have.equals(want);
  });
  const removed = merging ? [] : Object.keys(existing.data).filter((k) => !(k in desired)).map((k) => `${k} (removed)`);
  return [...changed, ...removed].sort();
}
