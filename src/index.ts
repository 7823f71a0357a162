/**
 * The engine's public API (the package's main export, `webhook-secret-sync`): load and validate
 * ESO manifests, then run one sync against a cluster, as the CLI and the Lambda do.
 *
 * @example
 * ```ts
 * import { loadFromFiles, openGateway, runOnce } from 'webhook-secret-sync';
 *
 * const { config, source } = await loadFromFiles(['manifests/'], 'default');
 * const gateway = await openGateway({});
 * try {
 *   const summary = await runOnce({ gateway, config, source, selection: { all: true } });
 *   console.log(summary.counts);
 * } finally {
 *   await gateway.close();
 * }
 * ```
 */
export { loadConfig, loadConfigFromConfigMap, loadConfigFromPaths, type LoadOptions } from './config/load.ts';
export type { Config, ConfigMapRef } from './config/types.ts';
export { rbacFor, type RbacSubject } from './config/rbac.ts';
export { DEFAULT_CONFIGMAP, loadFromConfigMap, loadFromFiles, parseConfigMapRef, type LoadedConfig } from './app/config-source.ts';
export { configMapContent, configMapManifest } from './app/config-map-manifest.ts';
export { gatewayFromKubeconfigText, openGateway, type KubeTarget } from './app/kube.ts';
export { runOnce, type RunOptions } from './app/run.ts';
export type { KubeGateway } from './kube/gateway.ts';
export type { Selection } from './sync/due.ts';
export { formatPruneLimit, parsePruneLimit, type PruneLimit } from './sync/prune-limit.ts';
export type { RunSummary } from './sync/result.ts';
