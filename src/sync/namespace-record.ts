/**
 * The namespace record on the config ConfigMap (`webhook-secret-sync.io/namespaces`) lists every
 * namespace that may still hold an Owner Secret of that config, so Owner clean-up finds Secrets in
 * a namespace the config no longer names. A namespace leaves the record once it holds none: after
 * that its Role can be removed without failing later runs.
 */
import type { Config } from '../config/types.ts';
import { KubeApiError, type KubeGateway } from '../kube/gateway.ts';
import { MANAGED } from '../model/managed.ts';
import { REASONS, type Outcome } from './result.ts';

export interface ForgetOptions {
  readonly gateway: KubeGateway;
  readonly config: Config;
  readonly source: string;
  /** Namespaces the run read for clean-up only (recorded, but named by no ExternalSecret). */
  readonly cleanupNamespaces: readonly string[];
  /** Namespaces that still hold an Owner Secret of this source after the run's deletions. */
  readonly holding: ReadonlySet<string>;
  /** Namespaces the run could not read (kept: they may hold one). */
  readonly unread: ReadonlySet<string>;
}

/** `{ namespace, name }` of the ConfigMap behind a `configmap:ns/name` source; undefined for files. */
export function configMapOfSource(source: string): { namespace: string; name: string } | undefined {
  const m = /^configmap:([^/]+)\/([^/]+)$/u.exec(source);
  return m?.[1] && m[2] ? { namespace: m[1], name: m[2] } : undefined;
}

/** Recorded namespaces minus `drop`, in the record's format (sorted, comma-separated). */
export function recordWithout(recorded: string, drop: ReadonlySet<string>): string {
  return [...new Set(recorded.split(',').filter((n) => n && !drop.has(n)))].sort().join(',');
}

/**
 * Removes from the record the clean-up namespaces that were listed and now hold no Owner Secret of
 * this source. Returns a failed outcome only when the record could not be written (e.g. no `patch`
 * on the ConfigMap: re-apply what `rbac` prints); a concurrent change is left to the next run.
 *
 * @example
 * ```ts
 * const outcomes = await forgetEmptyNamespaces({ gateway, config, source, cleanupNamespaces, holding, unread });
 * ```
 */
export async function forgetEmptyNamespaces(o: ForgetOptions): Promise<Outcome[]> {
  const ref = configMapOfSource(o.source);
  if (!ref || o.cleanupNamespaces.length === 0) return [];
  const used = new Set(o.config.externalSecrets.map((es) => es.namespace));
  const drop = new Set(o.cleanupNamespaces.filter((ns) => !used.has(ns) && !o.unread.has(ns) && !o.holding.has(ns)));
  if (drop.size === 0) return [];
  try {
    const cm = await o.gateway.readConfigMapWithMeta(ref.namespace, ref.name);
    const recorded = cm?.annotations[MANAGED.namespacesAnnotation];
    if (recorded === undefined) return [];
    const next = recordWithout(recorded, drop);
    if (next !== recorded) await o.gateway.replaceConfigMapAnnotation(ref.namespace, ref.name, MANAGED.namespacesAnnotation, recorded, next);
    return [];
  } catch (e) {
    // 422: the test failed because `config push` (or another run) changed the record meanwhile.
    if (e instanceof KubeApiError && e.code === 422) return [];
    return [{
      externalSecret: `(clean-up of ${o.source})`, target: `${[...drop].sort().join(',')}/*`, cadence: '', result: 'failed', reason: REASONS.updateFailed,
      message: `could not remove namespace(s) ${[...drop].sort().join(', ')} (no Owner Secret left) from the ${MANAGED.namespacesAnnotation} record of ConfigMap ${ref.namespace}/${ref.name}: ${(e as Error).message}; apply what \`rbac\` prints (patch on that ConfigMap)`,
    }];
  }
}
