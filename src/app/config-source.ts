/** Where a run reads its manifests: a ConfigMap in the cluster (the deployed way) or local files. */
import { loadConfigFromConfigMap, loadConfigFromPaths } from '../config/load.ts';
import { loadConfigPartialFromConfigMap, loadConfigPartialFromPaths, type InvalidDocument } from '../config/partial.ts';
import type { Config, ConfigMapRef } from '../config/types.ts';
import type { KubeGateway } from '../kube/gateway.ts';
import { ConfigError } from '../model/errors.ts';
import { MANAGED } from '../model/managed.ts';

export const DEFAULT_CONFIGMAP = { namespace: 'webhook-secret-sync', name: 'webhook-secret-sync' } as const;
/** On the ConfigMap: every namespace its ExternalSecrets ever used, so Owner clean-up finds them. */
/** Namespaces recorded for Owner clean-up (one key, shared with the run that drops empty ones). */
export const NAMESPACES_ANNOTATION = MANAGED.namespacesAnnotation;


export interface LoadedConfig {
  readonly config: Config;
  /** Recorded on every Secret written from it. */
  readonly source: string;
  readonly extraNamespaces: readonly string[];
  /** Documents that failed to load; always empty unless loaded with `partial`. */
  readonly invalid: readonly InvalidDocument[];
}

export interface SourceLoadOptions {
  /**
   * A sync run's load: invalid documents are returned in `invalid` instead of failing the load
   * (the valid rest still syncs). Off for everything that must refuse an invalid set.
   */
  readonly partial?: boolean;
}

/** Parses `NAMESPACE/NAME` (or `NAME` in the default namespace). */
export function parseConfigMapRef(text: string | undefined): ConfigMapRef {
  if (!text) return DEFAULT_CONFIGMAP;
  const parts = text.split('/');
  if (parts.length === 1 && parts[0]) return { namespace: DEFAULT_CONFIGMAP.namespace, name: parts[0] };
  if (parts.length === 2 && parts[0] && parts[1]) return { namespace: parts[0], name: parts[1] };
  throw new ConfigError(`--configmap ${text}: expected NAMESPACE/NAME`);
}

export function sourceOf(ref: ConfigMapRef): string {
  return `configmap:${ref.namespace}/${ref.name}`;
}

/**
 * @example
 * ```ts
 * const { config, source } = await loadFromConfigMap(gateway, DEFAULT_CONFIGMAP, 'default');
 * ```
 */
export async function loadFromConfigMap(gateway: KubeGateway, ref: ConfigMapRef, defaultNamespace: string, options: SourceLoadOptions = {}): Promise<LoadedConfig> {
  // A ConfigMap that cannot be read at all stays systemic: this throws, whatever `partial` says.
  const cm = await gateway.readConfigMapWithMeta(ref.namespace, ref.name);
  if (!cm) throw new ConfigError(`ConfigMap ${ref.namespace}/${ref.name} not found: push the manifests first (webhook-secret-sync config push -f DIR --configmap ${ref.namespace}/${ref.name})`);
  const { config, invalid } = options.partial
    ? loadConfigPartialFromConfigMap(ref, cm.data, { defaultNamespace })
    : { config: loadConfigFromConfigMap(ref, cm.data, { defaultNamespace }), invalid: [] };
  const extra = (cm.annotations[NAMESPACES_ANNOTATION] ?? '').split(',').filter(Boolean);
  return { config, source: sourceOf(ref), extraNamespaces: extra, invalid };
}

/** Loads manifest files (an unreadable path throws, whatever `partial` says). */
export async function loadFromFiles(paths: readonly string[], defaultNamespace: string, options: SourceLoadOptions = {}): Promise<LoadedConfig> {
  const { config, invalid } = options.partial
    ? await loadConfigPartialFromPaths(paths, { defaultNamespace })
    : { config: await loadConfigFromPaths(paths, { defaultNamespace }), invalid: [] };
  return { config, source: 'files', extraNamespaces: [], invalid };
}
