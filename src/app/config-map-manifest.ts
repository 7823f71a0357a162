/**
 * The ConfigMap `config push` applies, built in one place so `config push --dry-run=client` prints
 * exactly what a push would write (GitOps users commit that instead of pushing from a laptop).
 */
import { basename } from 'node:path';
import type { ConfigMapRef } from '../config/types.ts';
import type { ConfigMapData } from '../kube/gateway.ts';
import { NAMESPACES_ANNOTATION } from './config-source.ts';

/** One manifest file as read by `readManifestPaths`. */
export interface ManifestFile {
  readonly source: string;
  readonly text: string;
}

/**
 * The ConfigMap's data and annotations: one key per file (its base name, made a valid key; a clash
 * gets a `2-` prefix and so on), and the sorted namespaces record.
 *
 * @example
 * configMapContent([{ source: 'deploy/es.yaml', text }], ['apps']);
 * // { data: { 'es.yaml': text }, annotations: { 'webhook-secret-sync.io/namespaces': 'apps' } }
 */
export function configMapContent(files: readonly ManifestFile[], namespaces: Iterable<string>): ConfigMapData {
  const data: Record<string, string> = {};
  for (const f of files) {
    let key = basename(f.source).replace(/[^-._a-zA-Z0-9]/gu, '_');
    for (let i = 2; key in data; i++) key = `${String(i)}-${basename(f.source)}`;
    data[key] = f.text;
  }
  return { data, annotations: { [NAMESPACES_ANNOTATION]: [...new Set(namespaces)].sort().join(',') } };
}

/**
 * The complete object a server-side apply of `content` sends (the kube adapter sends the same shape).
 *
 * @example
 * stringify(configMapManifest({ namespace: 'webhook-secret-sync', name: 'webhook-secret-sync' }, content));
 */
export function configMapManifest(ref: ConfigMapRef, content: ConfigMapData): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: ref.name, namespace: ref.namespace, annotations: { ...content.annotations } },
    data: { ...content.data },
  };
}
