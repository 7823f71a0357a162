/**
 * Adoption of a Secret that the External Secrets Operator (ESO) created: the first sync of a migrated
 * ExternalSecret takes it over in place, in one write, so nothing is deleted, emptied or rewritten.
 * ESO's ownerReference goes (else Kubernetes' garbage collector deletes the Secret with ESO's
 * ExternalSecret), ESO's `reconcile.external-secrets.io/*` labels and annotations go, ours come, and
 * the data is written only if it differs.
 */
import type { ExternalSecretDef } from '../config/types.ts';
import type { ExistingSecret, KubeGateway, SecretOwnerReference } from '../kube/gateway.ts';
import { MANAGED } from '../model/managed.ts';
import type { DesiredSecret } from './desired-secret.ts';

/** ESO's API group and the prefix of its bookkeeping labels and annotations on a target Secret. */
export const ESO = {
  group: 'external-secrets.io',
  reconcilePrefix: 'reconcile.external-secrets.io/',
} as const;

/**
 * Asked before an ESO-managed Secret is adopted: undefined allows it, a string says why not (ESO's
 * controller may still be running, and the two must never take turns on one Secret).
 */
export type EsoTakeOverGate = () => Promise<string | undefined>;

/** Without a gate (the Lambda, `run --local`) nothing is adopted: adoption is a step of the migration runbook. */
export const NO_ESO_TAKE_OVER: EsoTakeOverGate = () =>
  Promise.resolve('adopting a Secret from External Secrets Operator is a migration step: stop ESO\'s controller, then run `webhook-secret-sync sync --take-over-from-eso` (README "Migrating from ESO")');

function isEsoOwner(o: SecretOwnerReference): boolean {
  return o.kind === 'ExternalSecret' && o.apiVersion.startsWith(`${ESO.group}/`);
}

/** True when ESO manages the Secret: an ExternalSecret owns it, or it carries ESO's reconcile labels or annotations. */
export function isEsoManaged(s: ExistingSecret): boolean {
  if ((s.ownerReferences ?? []).some(isEsoOwner)) return true;
  return [...Object.keys(s.labels), ...Object.keys(s.annotations)].some((k) => k.startsWith(ESO.reconcilePrefix));
}

export type Adoption =
  | { readonly kind: 'refused'; readonly message: string }
  | { readonly kind: 'adopted'; readonly dataChanged: boolean };

export interface AdoptionContext {
  readonly gateway: KubeGateway;
  readonly now: Date;
  readonly gate: EsoTakeOverGate;
  /** This run's source: a Secret another source of ours recorded is never adopted from here. */
  readonly source: string;
}

/**
 * Takes an ESO-managed target over for `es`. `existing` may be metadata only (a LIST): the Secret is
 * read in full first, and the rewrite applies only if it is still at that version.
 *
 * @example
 * ```ts
 * if (existing && isEsoManaged(existing)) await adoptEsoSecret(es, desired, existing, { gateway, now, gate });
 * ```
 */
export async function adoptEsoSecret(es: ExternalSecretDef, desired: DesiredSecret, existing: ExistingSecret, ctx: AdoptionContext): Promise<Adoption> {
  const target = `Secret ${es.namespace}/${es.targetName}`;
  const owner = (existing.ownerReferences ?? []).find(isEsoOwner);
  const by = owner ? ` (ownerReference ExternalSecret ${es.namespace}/${owner.name})` : '';
  const refusal = await ctx.gate();
  if (refusal !== undefined) return { kind: 'refused', message: `target ${target} is managed by External Secrets Operator${by}; not adopted: ${refusal}` };
  const current = await ctx.gateway.getSecret(es.namespace, es.targetName);
  if (!current) return { kind: 'refused', message: `target ${target} disappeared while being adopted from External Secrets Operator; the next run creates it` };
  const recorded = current.annotations[MANAGED.sourceAnnotation];
  if (recorded !== undefined && recorded !== ctx.source) return { kind: 'refused', message: `target ${target} carries External Secrets Operator's marks but is recorded by another source (${recorded}); not adopted from ${ctx.source}` };
  const merging = es.spec.target.creationPolicy === 'Merge' || es.spec.target.creationPolicy === 'CreateOrMerge';
  const data = merging ? { ...current.data, ...desired.data } : desired.data;
  const dataChanged = !sameData(current.data, data);
  if (dataChanged && current.immutable) {
    return { kind: 'refused', message: `could not update secret, target is immutable: unable to update secret ${es.namespace}/${es.targetName}: secret is immutable` };
  }
  await ctx.gateway.rewriteSecret({
    namespace: es.namespace,
    name: es.targetName,
    resourceVersion: current.resourceVersion,
    // Other owners (not ESO's) stay: they are someone else's intent.
    ownerReferences: (current.ownerReferences ?? []).filter((o) => !isEsoOwner(o)),
    labels: { ...withoutEso(current.labels), ...desired.labels },
    annotations: { ...withoutEso(current.annotations), ...desired.annotations, [MANAGED.lastSyncAnnotation]: ctx.now.toISOString() },
    ...(dataChanged ? { data } : {}),
  });
  return { kind: 'adopted', dataChanged };
}

function withoutEso(map: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).filter(([k]) => !k.startsWith(ESO.reconcilePrefix)));
}

function sameData(a: Readonly<Record<string, Buffer>>, b: Readonly<Record<string, Buffer>>): boolean {
  const keys = Object.keys(b);
  if (Object.keys(a).length !== keys.length) return false;
  return keys.every((k) => {
    const x = a[k];
    const y = b[k];
    return x !== undefined && y !== undefined && x.equals(y);
  });
}
