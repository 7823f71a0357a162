/**
 * Turns ESO's live objects into clean manifests (what a person would have written: no status,
 * server-set metadata, finalizers or ESO's own annotations), then sorts them with the same lenient
 * loader a sync uses: what loads is migratable, every other object comes with its reasons.
 */
import { stringify } from 'yaml';
import { loadConfigPartial } from '../config/partial.ts';
import type { Config } from '../config/types.ts';
import { formatIssue } from '../config/issues.ts';
import type { EsoObject } from './read-eso.ts';

/** Annotations that belong to ESO or kubectl, never to the user's intent. */
const DROPPED_ANNOTATION = /^(reconcile\.external-secrets\.io\/|external-secrets\.io\/|kubectl\.kubernetes\.io\/last-applied-configuration$)/u;

/** A clean manifest: apiVersion, kind, metadata (name, namespace, labels, user annotations) and spec. */
export type CleanManifest = Record<string, unknown> & { readonly kind: string; readonly metadata: { readonly name: string; readonly namespace?: string } };

/**
 * @example
 * ```ts
 * const manifest = cleanManifest(liveExternalSecret); // no status, uid, resourceVersion, managedFields, finalizers
 * ```
 */
export function cleanManifest(o: EsoObject): CleanManifest {
  const m = o.metadata as { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  const annotations = Object.fromEntries(Object.entries(m.annotations ?? {}).filter(([k]) => !DROPPED_ANNOTATION.test(k)));
  const labels = m.labels ?? {};
  return {
    apiVersion: o.apiVersion,
    kind: o.kind,
    metadata: {
      name: m.name,
      ...(m.namespace !== undefined ? { namespace: m.namespace } : {}),
      ...(Object.keys(labels).length > 0 ? { labels } : {}),
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    },
    spec: o['spec'] ?? {},
  };
}

export interface Unsupported {
  /** `ExternalSecret ns/name`, `ClusterSecretStore name`. */
  readonly object: string;
  readonly reasons: readonly string[];
}

export interface Sorted {
  /** Clean manifests that load (and depend on nothing that does not). */
  readonly manifests: readonly CleanManifest[];
  /** What they load to: the ExternalSecrets a sync of the export would run. */
  readonly config: Config;
  readonly unsupported: readonly Unsupported[];
}

/**
 * Splits ESO's objects into migratable clean manifests and unsupported objects with reasons
 * (`unsupported provider vault: only webhook is supported`, `dataFrom[0].find: ...`).
 *
 * @example
 * ```ts
 * const { manifests, unsupported } = sortObjects(inventory.objects);
 * ```
 */
export function sortObjects(objects: readonly EsoObject[]): Sorted {
  const manifests = objects.map(cleanManifest);
  // One document per object, so the loader's "document N" maps back to the object.
  const text = manifests.map((m) => stringify(m)).join('---\n');
  const { config, invalid } = loadConfigPartial([{ source: 'cluster', text }]);
  const bad = new Set(invalid.map((d) => d.origin.document - 1));
  return {
    manifests: manifests.filter((_, i) => !bad.has(i)),
    config,
    unsupported: invalid.map((d) => {
      const m = manifests[d.origin.document - 1];
      const ns = m?.metadata.namespace;
      return {
        object: `${m?.kind ?? d.kind ?? 'object'} ${ns ? `${ns}/` : ''}${m?.metadata.name ?? d.name ?? '?'}`,
        reasons: d.issues.map((i) => formatIssue({ ...i, origin: undefined, object: undefined })),
      };
    }),
  };
}
