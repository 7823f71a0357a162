/**
 * "Last checked" per ExternalSecret, for the ones no Secret records: an ExternalSecret whose fetch
 * changed nothing (its Secret's last-sync does not move, to keep zero Secret writes), one with
 * creationPolicy None, and a Merge whose target does not exist. One small ConfigMap per ConfigMap
 * source, `<name>-state` beside it, one data key per ExternalSecret (`<namespace>.<name>`, an
 * RFC 3339 time), updated with at most one merge patch per run.
 */
import type { ConfigMapRef } from '../config/types.ts';
import { KubeApiError, type KubeGateway } from '../kube/gateway.ts';

/** Suffix of the state ConfigMap's name: `webhook-secret-sync` keeps its state in `webhook-secret-sync-state`. */
export const STATE_SUFFIX = '-state';

/**
 * Where a source keeps its state: beside its ConfigMap; a file source keeps none (its Secrets' last-sync is all there is).
 *
 * @example
 * ```ts
 * stateObjectOf('configmap:webhook-secret-sync/webhook-secret-sync'); // { namespace: 'webhook-secret-sync', name: 'webhook-secret-sync-state' }
 * ```
 */
export function stateObjectOf(source: string): ConfigMapRef | undefined {
  const m = /^configmap:([^/]+)\/(.+)$/u.exec(source);
  return m ? { namespace: m[1] ?? '', name: `${m[2] ?? ''}${STATE_SUFFIX}` } : undefined;
}

/** The data key of one ExternalSecret (a namespace has no dot, so the first dot separates). */
export function checkedKey(id: string): string {
  return id.replace('/', '.');
}

export interface CheckedState {
  /** `ns/name` -> epoch ms of the last check. */
  readonly at: ReadonlyMap<string, number>;
  /** Why the state could not be read (the run then treats every time as unknown). */
  readonly error?: string;
  /** The state ConfigMap does not exist: `config push` creates it (the sync identity may only get and patch it). */
  readonly missing?: boolean;
}

/**
 * @example
 * ```ts
 * const checked = await readChecked(gateway, { namespace: 'wss', name: 'wss-state' });
 * ```
 */
export async function readChecked(gateway: KubeGateway, ref: ConfigMapRef): Promise<CheckedState> {
  try {
    const cm = await gateway.readConfigMapWithMeta(ref.namespace, ref.name);
    if (!cm) return { at: new Map(), missing: true };
    const at = new Map<string, number>();
    for (const [k, v] of Object.entries(cm.data)) {
      const t = Date.parse(v);
      const dot = k.indexOf('.');
      if (dot > 0 && !Number.isNaN(t)) at.set(`${k.slice(0, dot)}/${k.slice(dot + 1)}`, t);
    }
    return { at };
  } catch (e) {
    return { at: new Map(), error: `read last-checked state ConfigMap ${ref.namespace}/${ref.name}: ${(e as Error).message}` };
  }
}

/**
 * Records `checked` (one merge patch, nothing when there is nothing to say) and forgets the
 * ExternalSecrets no longer in the config.
 *
 * @returns an error message when the write failed (the next runs then fetch these again)
 */
export async function recordChecked(
  gateway: KubeGateway,
  ref: ConfigMapRef,
  previous: CheckedState,
  checked: ReadonlyMap<string, Date>,
  current: ReadonlySet<string>,
): Promise<string | undefined> {
  const patch: Record<string, string | null> = {};
  for (const [id, at] of checked) patch[checkedKey(id)] = at.toISOString();
  for (const id of previous.at.keys()) if (!current.has(id)) patch[checkedKey(id)] = null;
  if (Object.keys(patch).length === 0) return undefined;
  const later = 'until then an ExternalSecret whose fetch changed nothing is fetched again on the next run';
  if (previous.missing) return `last-checked state ConfigMap ${ref.namespace}/${ref.name} does not exist: run \`webhook-secret-sync config push\` once to create it; ${later}`;
  if (previous.error) return `${previous.error} (apply the RBAC \`webhook-secret-sync rbac\` prints: get and patch on this ConfigMap); ${later}`;
  try {
    await gateway.patchConfigMapData(ref.namespace, ref.name, patch);
    return undefined;
  } catch (e) {
    const hint = e instanceof KubeApiError && e.code === 403 ? ' (apply the RBAC `webhook-secret-sync rbac` prints: get and patch on this ConfigMap)' : '';
    return `record last-checked state in ConfigMap ${ref.namespace}/${ref.name}: ${(e as Error).message}${hint}`;
  }
}

/**
 * Creates the state ConfigMap if it is missing (an empty merge patch changes nothing when it
 * exists). Run by `config push`, whose identity may create ConfigMaps; the sync identity may not.
 *
 * @example
 * ```ts
 * await ensureStateObject(adminGateway, { namespace: 'wss', name: 'wss' });
 * ```
 */
export async function ensureStateObject(gateway: KubeGateway, configMap: ConfigMapRef): Promise<void> {
  await gateway.patchConfigMapData(configMap.namespace, `${configMap.name}${STATE_SUFFIX}`, {});
}
