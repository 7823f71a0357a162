/** A Secret as the apiserver sends it (JSON, data in base64) and its conversion to ExistingSecret. */
import type { ExistingSecret } from './gateway.ts';

export const FIELD_MANAGER = 'webhook-secret-sync';
/** Status annotations use their own manager, so applying them never drops the data we own. */
export const STATUS_FIELD_MANAGER = 'webhook-secret-sync-status';

/** The fields of a v1 Secret (or its PartialObjectMetadata) the sync reads. */
export interface SecretJson {
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly uid?: string;
    readonly resourceVersion?: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
    readonly ownerReferences?: readonly { readonly apiVersion: string; readonly kind: string; readonly name: string; readonly uid: string; readonly controller?: boolean }[];
    readonly managedFields?: readonly ManagedFieldsEntry[];
  };
  readonly type?: string;
  readonly data?: Record<string, string>;
  readonly immutable?: boolean;
}

/**
 * @example
 * ```ts
 * const existing = fromSecretJson({ metadata: { name: 'a', namespace: 'n' }, data: { k: 'dg==' } });
 * ```
 */
export function fromSecretJson(s: SecretJson): ExistingSecret {
  const data: Record<string, Buffer> = {};
  for (const [k, v] of Object.entries(s.data ?? {})) data[k] = Buffer.from(v, 'base64');
  const m = s.metadata;
  return {
    name: m?.name ?? '',
    namespace: m?.namespace ?? '',
    uid: m?.uid ?? '',
    resourceVersion: m?.resourceVersion ?? '',
    type: s.type ?? 'Opaque',
    labels: m?.labels ?? {},
    annotations: m?.annotations ?? {},
    data,
    immutable: s.immutable ?? false,
    ...(m?.ownerReferences?.length
      ? { ownerReferences: m.ownerReferences.map((o) => ({ apiVersion: o.apiVersion, kind: o.kind, name: o.name, uid: o.uid, ...(o.controller !== undefined ? { controller: o.controller } : {}) })) }
      : {}),
    ...(m?.managedFields?.length ? { dataFields: dataFieldsOf(m.managedFields) } : {}),
  };
}

/** One `metadata.managedFields` entry: who (`manager`) owns which fields (`fieldsV1`). */
interface ManagedFieldsEntry {
  readonly manager?: string;
  readonly fieldsV1?: Record<string, Record<string, unknown> | undefined>;
}

/** Data keys our field managers own, and whether another manager owns any (it wrote data). */
function dataFieldsOf(entries: readonly ManagedFieldsEntry[]): { ours: number; others: boolean } {
  const ours = new Set<string>();
  let others = false;
  for (const e of entries) {
    const keys = [...Object.keys(e.fieldsV1?.['f:data'] ?? {}), ...Object.keys(e.fieldsV1?.['f:stringData'] ?? {})].filter((k) => k.startsWith('f:'));
    if (e.manager === FIELD_MANAGER || e.manager === STATUS_FIELD_MANAGER) for (const k of keys) ours.add(k);
    else if (keys.length > 0) others = true;
  }
  return { ours: ours.size, others };
}
