/**
 * One namespace of a run, start to end: read its managed Secrets (data only for what may be
 * written, see reads.ts), decide what is due, fetch and write, and hand back only what the rest of
 * the run needs (outcomes, checks to record, prune candidates). Its Secrets are dropped when it
 * returns, so a run holds the state of the namespaces in flight, not of the whole cluster.
 */
import type { LimitFunction } from 'p-limit';
import type { ExternalSecretDef } from '../config/types.ts';
import { KubeCallAbortedError, type ExistingSecret, type KubeGateway } from '../kube/gateway.ts';
import { MANAGED } from '../model/managed.ts';
import type { CheckedState } from './checked.ts';
import { computeOne } from './compute.ts';
import { certainlyDue, isDue, type Selection } from './due.ts';
import { fromOtherSource } from './ownership.ts';
import { isOwnerSecretOf } from './prune.ts';
import { dataUntouched, NamespaceSecrets } from './reads.ts';
import { REASONS, type Outcome } from './result.ts';
import { outOfTime, writeResult, type WriteContext } from './write.ts';

export interface NamespaceRunContext {
  readonly gateway: KubeGateway;
  readonly selection: Selection;
  /** When the run began fetching (last-sync and due rules use it). */
  readonly runStart: Date;
  readonly checked: Promise<CheckedState>;
  readonly source: string;
  /** `ns/targetName` of every ExternalSecret of the config: their Secrets are never orphans. */
  readonly targets: ReadonlySet<string>;
  /**
   * Read only the certainly-due targets (by GET): the run prunes nothing, keeps no namespace record,
   * and its selection names the ExternalSecrets it syncs, so no other one can be due.
   */
  readonly dueTargetsOnly: boolean;
  /** Shared by every namespace, so the endpoint pipeline stays full across namespace boundaries. */
  readonly fetchLimit: LimitFunction;
  readonly writeLimit: LimitFunction;
  readonly compute: Parameters<typeof computeOne>[1];
  readonly write: WriteContext;
  /** Counts the data entries of each ExternalSecret whose fetch started. */
  readonly onFetched: (entries: number) => void;
  /** A shard's run: only Owner Secrets recorded for its own slices are counted and may be pruned. */
  readonly inScope?: (secret: ExistingSecret) => boolean;
}

export interface NamespaceResult {
  readonly outcomes: Outcome[];
  /** `ns/name` -> when, for checks no Secret records (see checksToRecord). */
  readonly checks: Map<string, Date>;
  /** Owner Secrets of this source read here, and those whose ExternalSecret left the config. */
  readonly owned: number;
  readonly orphans: readonly ExistingSecret[];
  /** The namespace could not be read (nothing else was done in it). */
  readonly readError?: Error;
}

/**
 * @example
 * ```ts
 * const result = await syncNamespace('apps', externalSecretsOfApps, context);
 * ```
 */
export async function syncNamespace(ns: string, list: readonly ExternalSecretDef[], c: NamespaceRunContext): Promise<NamespaceResult> {
  // A namespace reached after the run's time budget is not read at all: its ExternalSecrets are skipped, as unstarted ones are.
  if (c.compute.mayStart && !c.compute.mayStart()) return notRead(ns, list, new KubeCallAbortedError(`list Secrets in ${ns}: not sent: the run was stopped (time budget)`));
  const certain = list.filter((es) => certainlyDue(es, c.selection)).length;
  let secrets: NamespaceSecrets;
  const outcomes: Outcome[] = [];
  const due: ExternalSecretDef[] = [];
  try {
    const most = certain > 0 && certain * 2 >= list.length;
    secrets = c.dueTargetsOnly && !most && list.length > 0
      ? await NamespaceSecrets.readTargets(c.gateway, ns, list.filter((es) => certainlyDue(es, c.selection)).map((es) => es.targetName))
      : await NamespaceSecrets.read(c.gateway, ns, most);
    // Owner Secrets whose metadata cannot rule out drift: their data decides whether they are due.
    await secrets.readData(c.gateway, list.flatMap((es) => {
      const s = secrets.get(es.targetName);
      const check = s && !secrets.hasData(s.name) && s.annotations[MANAGED.externalSecretAnnotation] === `${es.namespace}/${es.name}`
        && s.annotations[MANAGED.creationPolicyAnnotation] === 'Owner' && !dataUntouched(s);
      return check ? [s.name] : [];
    }));
    const checked = await c.checked;
    for (const es of list) {
      const recorded = secrets.get(es.targetName);
      // Another source's Secret is never "ours and up to date": the write step reports why it is refused.
      const d = isDue(es, recorded && fromOtherSource(recorded, c.source) ? undefined : recorded, c.selection, c.runStart.getTime(),
        checked.at.get(`${es.namespace}/${es.name}`), recorded !== undefined && !secrets.hasData(recorded.name));
      if (d.due) due.push(es);
      else outcomes.push(outcomeOf(es, 'skipped', REASONS.notDue, d.why));
    }
    await secrets.readData(c.gateway, due.map((es) => es.targetName));
  } catch (e) {
    return notRead(ns, list, e as Error);
  }

  const targets = resolveTargets(c.gateway, secrets);
  // One pipeline per ExternalSecret: its Secret is written as soon as its data arrives.
  const fetched = await Promise.all(due.map((es) => c.fetchLimit(async () => {
    const [computed, existing] = await Promise.all([computeOne(es, c.compute), targets.get(es).catch((e: unknown) => e as Error)]);
    if (computed.kind !== 'not-started') c.onFetched((es.spec.data?.length ?? 0) + (es.spec.dataFrom?.length ?? 0));
    // Without the target's state we cannot tell ours from someone else's: fail, never guess "missing".
    if (existing instanceof Error) return c.writeLimit(() => writeResult({ es, kind: 'failed', error: existing }, undefined, c.write));
    return c.writeLimit(() => writeResult(computed, existing, c.write));
  })));
  outcomes.push(...fetched);

  let owned = 0;
  const orphans: ExistingSecret[] = [];
  for (const s of secrets.values()) {
    if (!isOwnerSecretOf(s, c.source) || (c.inScope && !c.inScope(s))) continue;
    owned++;
    if (!c.targets.has(`${s.namespace}/${s.name}`)) orphans.push(s);
  }
  return { outcomes, checks: checksToRecord(due, fetched, c.selection, c.runStart), owned, orphans };
}

/**
 * The current state of each due target. Managed ones come from the namespace's read (with their
 * data, see reads.ts); for a target we do not manage yet, one metadata-only LIST of the namespace
 * (instead of a GET per target) tells "missing" from "someone else's Secret", and a full GET follows
 * only for existing targets being merged into or adopted (Merge, CreateOrMerge, Orphan).
 */
function resolveTargets(gateway: KubeGateway, managed: NamespaceSecrets) {
  let names: Promise<Map<string, ExistingSecret> | undefined> | undefined;
  const metadata = (): Promise<Map<string, ExistingSecret> | undefined> =>
    (names ??= gateway.listSecretMetadata(managed.namespace).then((list) => new Map(list.map((s) => [s.name, s])), () => undefined));
  return {
    async get(es: ExternalSecretDef): Promise<ExistingSecret | undefined> {
      const known = managed.get(es.targetName);
      if (known) return known;
      if (managed.isAbsent(es.targetName)) return undefined;
      // getSecret answers undefined only for a 404; any other failure propagates.
      const all = await metadata();
      const meta = all ? all.get(es.targetName) : await gateway.getSecret(es.namespace, es.targetName);
      if (!meta) return undefined;
      // Merge/CreateOrMerge merge with the data; Orphan adopts it and must drop the keys it does not
      // write in this same run. Owner never writes a Secret it did not create, None writes nothing.
      const writesInto = ['Merge', 'CreateOrMerge', 'Orphan'].includes(es.spec.target.creationPolicy);
      return writesInto && all ? ((await gateway.getSecret(es.namespace, es.targetName)) ?? meta) : meta;
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

/** The namespace could not be read: its ExternalSecrets fail, or are skipped when the time budget stopped the read. */
function notRead(ns: string, list: readonly ExternalSecretDef[], e: Error): NamespaceResult {
  if (outOfTime(e)) {
    const message = 'not started: the run reached its time budget';
    const outcomes = list.length > 0
      ? list.map((es) => outcomeOf(es, 'skipped', REASONS.deadline, message))
      : [{ externalSecret: `(clean-up of namespace ${ns})`, target: `${ns}/*`, cadence: '', result: 'skipped' as const, reason: REASONS.deadline, message }];
    return { outcomes, checks: new Map(), owned: 0, orphans: [], readError: e };
  }
  // A namespace listed only for clean-up that cannot be read must not fail silently.
  const outcomes = list.length > 0
    ? list.map((es) => outcomeOf(es, 'failed', REASONS.updateFailed, e.message))
    : [{ externalSecret: `(clean-up of namespace ${ns})`, target: `${ns}/*`, cadence: '', result: 'failed' as const, reason: REASONS.updateFailed, message: e.message }];
  return { outcomes, checks: new Map(), owned: 0, orphans: [], readError: e };
}

function outcomeOf(es: ExternalSecretDef, result: Outcome['result'], reason: string, message: string): Outcome {
  return { externalSecret: `${es.namespace}/${es.name}`, target: `${es.namespace}/${es.targetName}`, cadence: es.cadence, result, reason, message };
}
