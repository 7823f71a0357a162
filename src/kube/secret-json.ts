/** A Secret as the apiserver sends it (JSON, data in base64) and its conversion to ExistingSecret. */
import type { ExistingSecret } from './gateway.ts';

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
  };
}
