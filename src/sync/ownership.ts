/**
 * Whose Secret is it? The one place that decides whether an ExternalSecret may write (or delete)
 * an existing target, from the ownership recorded on the Secret. There is no ExternalSecret object
 * in the cluster, so the record on the Secret and the current config are all there is.
 */
import type { ExternalSecretDef } from '../config/types.ts';
import type { ExistingSecret } from '../kube/gateway.ts';
import { MANAGED } from '../model/managed.ts';

/** What the run knows about its own config: its source and every ExternalSecret in it. */
export interface OwnershipContext {
  /** `configmap:ns/name` or `files`, recorded on every Secret written from this config. */
  readonly source: string;
  /** `ns/name` of every ExternalSecret in the current config of this source. */
  readonly current: ReadonlySet<string>;
}

/** The source recorded on a managed Secret (undefined on Secrets written before sources were recorded). */
export function sourceOfSecret(s: ExistingSecret): string | undefined {
  return s.annotations[MANAGED.sourceAnnotation];
}

/** True when the Secret was recorded by another source (config) than `source`. */
export function fromOtherSource(s: ExistingSecret, source: string): boolean {
  const recorded = sourceOfSecret(s);
  return recorded !== undefined && recorded !== source;
}

/**
 * Why `es` may not write `existing`, or undefined when it may:
 * - a Secret we did not create is taken only by Merge/Orphan/CreateOrMerge (ESO's rule for Owner);
 * - a Secret recorded by another source is never written, unless `es` names that source in its
 *   take-over annotation (a move between configs without a gap);
 * - within one source, a Secret recorded by another ExternalSecret is taken over only when that
 *   ExternalSecret has left the config (a rename): never two current ExternalSecrets in turn.
 */
export function writeRefusal(es: ExternalSecretDef, existing: ExistingSecret | undefined, own: OwnershipContext): string | undefined {
  if (!existing) return undefined;
  const id = `${es.namespace}/${es.name}`;
  const owner = existing.annotations[MANAGED.externalSecretAnnotation];
  const target = `Secret ${es.namespace}/${es.targetName}`;
  if (owner === undefined) {
    return es.spec.target.creationPolicy === 'Owner'
      ? `failed to take ownership of target secret: ${target} exists and was not created by webhook-secret-sync (use creationPolicy Merge or Orphan to write into it)`
      : undefined;
  }
  const recorded = sourceOfSecret(existing);
  if (recorded !== undefined && recorded !== own.source) {
    if (es.annotations[MANAGED.takeOverAnnotation] === recorded) return undefined;
    return `target ${target} is managed from another source (${recorded}, ExternalSecret ${owner}); it is not written from ${own.source}. `
      + `To move it here without a gap, annotate this ExternalSecret ${MANAGED.takeOverAnnotation}: "${recorded}", sync, then remove it from ${recorded}`;
  }
  if (owner !== id && own.current.has(owner)) return `target is owned by another ExternalSecret (${owner})`;
  return undefined;
}

/** True when the Secret is recorded as written by exactly this ExternalSecret of this source. */
export function ownedBy(es: ExternalSecretDef, existing: ExistingSecret, source: string): boolean {
  return existing.annotations[MANAGED.externalSecretAnnotation] === `${es.namespace}/${es.name}` && !fromOtherSource(existing, source);
}
