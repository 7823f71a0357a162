/**
 * Writes one computed result to the cluster with ESO's target semantics (creationPolicy,
 * deletionPolicy, immutable, ownership), and writes nothing when the Secret is already right.
 */
import type { ExternalSecretDef } from '../config/types.ts';
import { KubeApiError, KubeCallAbortedError, type ExistingSecret, type KubeGateway } from '../kube/gateway.ts';
import { ProviderTimeBudgetError } from '../providers/errors.ts';
import type { Computation } from './compute.ts';
import { dataHash, type DesiredSecret } from './desired-secret.ts';
import { MANAGED } from '../model/managed.ts';
import { ownedBy, writeRefusal, type OwnershipContext } from './ownership.ts';
import { adoptEsoSecret, isEsoManaged, NO_ESO_TAKE_OVER, type EsoTakeOverGate } from './adopt-eso.ts';
import { REASONS, type Outcome } from './result.ts';

export interface WriteContext {
  readonly gateway: KubeGateway;
  readonly now: Date;
  readonly own: OwnershipContext;
  /** May an ESO-managed target be adopted now? Default: never (see adopt-eso.ts). */
  readonly esoTakeOver?: EsoTakeOverGate;
}

/** Applies one computation given the target's current state; never throws (failures are outcomes). */
export async function writeResult(c: Computation, existing: ExistingSecret | undefined, ctx: WriteContext): Promise<Outcome> {
  const es = c.es;
  try {
    if (c.kind === 'failed' && outOfTime(c.error)) return outcome(es, 'skipped', REASONS.deadline, `time budget: ${c.error.message}; the Secret is untouched`);
    if (c.kind === 'failed') return await recordFailure(es, existing, c.error.message, ctx);
    if (c.kind === 'gone') return await deleteGone(es, existing, ctx);
    if (c.kind === 'retained') return outcome(es, 'unchanged', REASONS.synced, `secret retained due to DeletionPolicy=${es.spec.target.deletionPolicy}: the provider returned no data`);
    if (c.kind === 'not-started') return outcome(es, 'skipped', REASONS.deadline, 'not started: the run reached its time budget');
    return await applyDesired(es, c.secret, existing, ctx);
  } catch (e) {
    // An aborted write changed nothing, and no status may be written after the run's deadline.
    if (outOfTime(e)) return outcome(es, 'skipped', REASONS.deadline, `time budget: ${(e as Error).message}; the Secret is untouched`);
    return await recordFailure(es, existing, (e as Error).message, ctx).catch(() => failed(es, (e as Error).message));
  }
}

/** Cut by the run's time budget (an endpoint request or an apiserver call), anywhere in the cause chain. */
export function outOfTime(e: unknown): boolean {
  for (let cur = e, depth = 0; cur instanceof Error && depth < 5; cur = cur.cause, depth++) {
    if (cur instanceof ProviderTimeBudgetError || cur instanceof KubeCallAbortedError) return true;
  }
  return false;
}

async function applyDesired(es: ExternalSecretDef, desired: DesiredSecret, existing: ExistingSecret | undefined, ctx: WriteContext): Promise<Outcome> {
  const policy = es.spec.target.creationPolicy;
  if (policy === 'None') return outcome(es, 'skipped', REASONS.none, 'creationPolicy=None: nothing is written');
  // An ESO-managed target is adopted in place, in one write (adopt-eso.ts), or refused.
  if (existing && isEsoManaged(existing)) {
    const a = await adoptEsoSecret(es, desired, existing, { gateway: ctx.gateway, now: ctx.now, gate: ctx.esoTakeOver ?? NO_ESO_TAKE_OVER, source: ctx.own.source });
    if (a.kind === 'refused') return recordFailure(es, undefined, a.message, ctx);
    const message = `secret adopted from External Secrets Operator (${a.dataChanged ? 'data updated' : 'data unchanged'})`;
    await event(ctx, es, 'Normal', REASONS.updated, message);
    return outcome(es, 'updated', REASONS.updated, message);
  }
  const refusal = writeRefusal(es, existing, ctx.own);
  if (refusal !== undefined) return recordFailure(es, undefined, refusal, ctx);
  if (!existing && policy === 'Merge') {
    // An error, as ESO's patchSecret reported it (errPolicyMergeNotFound) before v0.11; the run records
    // the check, so it is tried again after refreshInterval, as ESO requeues it.
    const message = `target Secret ${es.namespace}/${es.targetName} does not exist: secret will not be created due to CreationPolicy=Merge`;
    await event(ctx, es, 'Warning', REASONS.secretMissing, message).catch(() => undefined);
    return outcome(es, 'failed', REASONS.secretMissing, message);
  }
  const merging = policy === 'Merge' || policy === 'CreateOrMerge';
  if (existing && upToDate(existing, desired, merging, es.spec.target.template?.type !== undefined)) {
    // A Secret written before the key count was recorded gets it once, without a rewrite of its data.
    const keys = desired.annotations[MANAGED.dataKeysAnnotation];
    const fix = {
      ...(existing.annotations[MANAGED.lastErrorAnnotation] !== undefined ? { [MANAGED.lastErrorAnnotation]: null } : {}),
      ...(keys !== undefined && existing.annotations[MANAGED.dataKeysAnnotation] !== keys ? { [MANAGED.dataKeysAnnotation]: keys } : {}),
    };
    if (Object.keys(fix).length > 0) await ctx.gateway.annotateSecret(es.namespace, es.targetName, fix);
    return outcome(es, 'unchanged', REASONS.synced, 'secret synced (unchanged)');
  }
  // ESO's mutationFunc/updateSecret: an immutable Secret still takes metadata; only new data is refused.
  if (existing?.immutable && !sameData(existing, desired, merging)) return refuseImmutable(es, desired, existing, merging, ctx);
  const explicitType = es.spec.target.template?.type !== undefined;
  const apply = (current: ExistingSecret | undefined) => ctx.gateway.applySecret(
    {
      name: desired.name,
      namespace: desired.namespace,
      // An existing Secret keeps its type unless the template sets one (ESO; the type is immutable).
      ...(current && !explicitType ? {} : { type: desired.type }),
      labels: desired.labels,
      annotations: { ...desired.annotations, [MANAGED.lastSyncAnnotation]: ctx.now.toISOString() },
      data: desired.data,
      immutable: desired.immutable,
      ...(current ? { resourceVersion: current.resourceVersion } : {}),
    },
    { force: true },
  );
  let result: 'created' | 'updated' | undefined;
  let current = existing;
  for (let attempt = 0; result === undefined; attempt++) {
    try {
      result = await apply(current);
    } catch (e) {
      if (!(e instanceof KubeApiError && e.code === 409 && current) || attempt >= 3) throw e;
      // Another run wrote the Secret after we read it. If that run started after ours, its data is
      // at least as fresh: keep it. Otherwise apply ours on top of the new version.
      current = await ctx.gateway.getSecret(es.namespace, es.targetName);
      // Whoever wrote it meanwhile may own it now (another source, a current ExternalSecret): ask again.
      const refusal = writeRefusal(es, current, ctx.own);
      if (refusal !== undefined) return recordFailure(es, undefined, refusal, ctx);
      const theirs = Date.parse(current?.annotations[MANAGED.lastSyncAnnotation] ?? '');
      if (current && theirs >= ctx.now.getTime()) return outcome(es, 'unchanged', REASONS.synced, 'superseded by a concurrent run with fresher data');
    }
  }
  // Owner and Orphan targets hold exactly the ExternalSecret's keys (ESO resets the data); keys
  // another writer added are not ours under server-side apply, so they are removed explicitly.
  const foreign = merging || !current ? [] : Object.keys(current.data).filter((k) => !(k in desired.data));
  if (foreign.length > 0) await ctx.gateway.removeSecretKeys(es.namespace, es.targetName, foreign);
  if (existing?.annotations[MANAGED.lastErrorAnnotation] !== undefined) {
    await ctx.gateway.annotateSecret(es.namespace, es.targetName, { [MANAGED.lastErrorAnnotation]: null });
  }
  const reason = result === 'created' ? REASONS.created : REASONS.updated;
  await event(ctx, es, 'Normal', reason, result === 'created' ? 'secret created' : 'secret updated');
  return outcome(es, result, reason, result === 'created' ? 'secret created' : 'secret updated');
}

/**
 * The data changed but the Secret is immutable: apply the new metadata over the data it already
 * has (so the spec change is recorded and the ExternalSecret is not due on every run), keep its
 * last-sync and data hash (the data is not fresh), and fail with ESO's message.
 */
async function refuseImmutable(es: ExternalSecretDef, desired: DesiredSecret, existing: ExistingSecret, merging: boolean, ctx: WriteContext): Promise<Outcome> {
  const kept = merging ? Object.fromEntries(Object.keys(desired.data).flatMap((k) => (existing.data[k] ? [[k, existing.data[k]]] : []))) : existing.data;
  const keep = (key: string): Record<string, string> => (existing.annotations[key] === undefined ? {} : { [key]: existing.annotations[key] });
  await ctx.gateway.applySecret({
    name: desired.name,
    namespace: desired.namespace,
    labels: desired.labels,
    annotations: {
      ...desired.annotations,
      [MANAGED.dataHashAnnotation]: existing.annotations[MANAGED.dataHashAnnotation] ?? dataHash(existing.data),
      [MANAGED.dataKeysAnnotation]: String(Object.keys(kept).length),
      ...keep(MANAGED.lastSyncAnnotation),
    },
    data: kept,
    immutable: true,
    resourceVersion: existing.resourceVersion,
  }, { force: true });
  return recordFailure(es, existing, `could not update secret, target is immutable: unable to update secret ${es.namespace}/${es.targetName}: secret is immutable`, ctx);
}

/** True when the Secret already holds exactly the desired data (all of it, or our keys when merging). */
function sameData(existing: ExistingSecret, desired: DesiredSecret, merging: boolean): boolean {
  const keys = Object.keys(desired.data);
  if (!merging && Object.keys(existing.data).length !== keys.length) return false;
  return keys.every((k) => {
    const have = existing.data[k];
    const want = desired.data[k];
    return have !== undefined && want !== undefined && have.equals(want);
  });
}

async function deleteGone(es: ExternalSecretDef, existing: ExistingSecret | undefined, ctx: WriteContext): Promise<Outcome> {
  if (!existing) return outcome(es, 'unchanged', REASONS.deleted, 'the provider has no such secret and the target does not exist');
  if (es.spec.target.creationPolicy !== 'Owner') {
    return recordFailure(es, existing, `unable to delete secret ${es.namespace}/${es.targetName}: creationPolicy=${es.spec.target.creationPolicy} is not Owner`, ctx);
  }
  // Only a Secret this very ExternalSecret wrote (and this source): never one it would first have to take over.
  if (!ownedBy(es, existing, ctx.own.source)) {
    const by = `${existing.annotations[MANAGED.externalSecretAnnotation] ?? 'nobody'} of ${existing.annotations[MANAGED.sourceAnnotation] ?? 'no source'}`;
    return recordFailure(es, existing, `unable to delete secret ${es.namespace}/${es.targetName}: it is recorded as written by ${by}, not by this ExternalSecret; kept`, ctx);
  }
  if (!(await deleteOwned(ctx.gateway, existing, `${es.namespace}/${es.name}`))) {
    return outcome(es, 'skipped', REASONS.synced, 'secret kept: it changed owner or source during the run');
  }
  await event(ctx, es, 'Normal', REASONS.deleted, 'secret deleted due to DeletionPolicy=Delete');
  return outcome(es, 'deleted', REASONS.deleted, 'secret deleted due to DeletionPolicy=Delete');
}

/**
 * Deletes exactly the object we looked at; if it changed meanwhile (409, another run touched it),
 * re-reads it once and deletes it only if the same ExternalSecret of the same source still owns it
 * (a take-over or a rewrite by another source in between keeps it). True when it is gone.
 */
export async function deleteOwned(gateway: KubeGateway, s: ExistingSecret, owner: string): Promise<boolean> {
  try {
    await gateway.deleteSecret(s.namespace, s.name, { uid: s.uid, resourceVersion: s.resourceVersion });
    return true;
  } catch (e) {
    if (e instanceof KubeApiError && e.code === 404) return true;
    if (!(e instanceof KubeApiError && e.code === 409)) throw e;
    const fresh = await gateway.getSecret(s.namespace, s.name);
    if (!fresh) return true;
    if (fresh.annotations[MANAGED.externalSecretAnnotation] !== owner) return false;
    if (fresh.annotations[MANAGED.sourceAnnotation] !== s.annotations[MANAGED.sourceAnnotation]) return false;
    await gateway.deleteSecret(s.namespace, s.name, { uid: fresh.uid, resourceVersion: fresh.resourceVersion });
    return true;
  }
}

/** A failure leaves the Secret's data alone; it is recorded as an annotation (if it changed) and an event. */
async function recordFailure(es: ExternalSecretDef, existing: ExistingSecret | undefined, message: string, ctx: WriteContext): Promise<Outcome> {
  if (existing && ownedBy(es, existing, ctx.own.source) && existing.annotations[MANAGED.lastErrorAnnotation] !== message.slice(0, 1000)) {
    await ctx.gateway.annotateSecret(es.namespace, es.targetName, { [MANAGED.lastErrorAnnotation]: message.slice(0, 1000) }).catch(() => undefined);
  }
  await event(ctx, es, 'Warning', REASONS.updateFailed, message).catch(() => undefined);
  return failed(es, message);
}

function failed(es: ExternalSecretDef, message: string): Outcome {
  return outcome(es, 'failed', REASONS.updateFailed, message);
}

function outcome(es: ExternalSecretDef, result: Outcome['result'], reason: string, message: string): Outcome {
  return { externalSecret: `${es.namespace}/${es.name}`, target: `${es.namespace}/${es.targetName}`, cadence: es.cadence, result, reason, message };
}

async function event(ctx: WriteContext, es: ExternalSecretDef, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
  await ctx.gateway.recordEvent({ namespace: es.namespace, secretName: es.targetName, type, reason, message, externalSecret: `${es.namespace}/${es.name}` });
}

/** True when applying `desired` would change nothing we own (last-sync aside). */
export function upToDate(existing: ExistingSecret, desired: DesiredSecret, merging: boolean, explicitType = true): boolean {
  if (!merging && explicitType && existing.type !== desired.type) return false;
  if (existing.immutable !== desired.immutable && desired.immutable) return false;
  for (const [k, v] of Object.entries(desired.labels)) if (existing.labels[k] !== v) return false;
  // The key count alone is a record for later reads, mended by a patch (see applyDesired), not a rewrite.
  for (const [k, v] of Object.entries(desired.annotations)) if (k !== MANAGED.dataKeysAnnotation && existing.annotations[k] !== v) return false;
  return sameData(existing, desired, merging);
}
