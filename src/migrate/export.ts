/**
 * The files `migrate export` writes: one multi-document YAML per namespace (`NS.yaml`) and one for
 * the cluster-scoped stores (`cluster-secret-stores.yaml`), the shape `config push -f DIR` pushes.
 */
import { stringify } from 'yaml';
import { MANAGED } from '../model/managed.ts';
import type { CleanManifest } from './clean.ts';

export const CLUSTER_FILE = 'cluster-secret-stores.yaml';

/**
 * @example
 * ```ts
 * for (const [file, text] of exportFiles(sorted.manifests)) await writeFile(join(dir, file), text);
 * ```
 */
export function exportFiles(manifests: readonly CleanManifest[]): Map<string, string> {
  const byFile = new Map<string, CleanManifest[]>();
  for (const m of manifests) {
    const file = m.metadata.namespace === undefined ? CLUSTER_FILE : `${m.metadata.namespace}.yaml`;
    byFile.set(file, [...(byFile.get(file) ?? []), m]);
  }
  const header = '# Exported from External Secrets Operator by `webhook-secret-sync migrate export`.\n';
  return new Map([...byFile.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([file, list]) => [file, header + list.map((m) => stringify(m)).join('---\n')]));
}

/**
 * The ConfigMap `config push -f DIR` would create from these files (for `--dry-run=client`).
 *
 * @example
 * ```ts
 * const cm = configMapOf(exportFiles(manifests), { namespace: 'webhook-secret-sync', name: 'webhook-secret-sync' }, ['apps']);
 * ```
 */
export function configMapOf(files: ReadonlyMap<string, string>, ref: { readonly namespace: string; readonly name: string }, namespaces: readonly string[]): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: ref.name, namespace: ref.namespace, annotations: { [MANAGED.namespacesAnnotation]: [...new Set(namespaces)].sort().join(',') } },
    data: Object.fromEntries(files),
  };
}
