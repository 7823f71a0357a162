/**
 * Computes what each selected ExternalSecret's Secret should be: the part of a sync that needs no
 * cluster, shared by `sync --dry-run=client`, the cluster sync and the Lambda.
 */
import pLimit from 'p-limit';
import type { Config, ExternalSecretDef, StoreDef } from '../config/types.ts';
import type { SecretsClient } from '../providers/secrets-client.ts';
import { buildDesiredSecret, type DesiredSecret } from './desired-secret.ts';
import { fetchData } from './fetch-data.ts';

export type Computation =
  | { readonly es: ExternalSecretDef; readonly kind: 'secret'; readonly secret: DesiredSecret; readonly missing: readonly string[] }
  | { readonly es: ExternalSecretDef; readonly kind: 'gone'; readonly missing: readonly string[] }
  | { readonly es: ExternalSecretDef; readonly kind: 'retained'; readonly missing: readonly string[] }
  | { readonly es: ExternalSecretDef; readonly kind: 'failed'; readonly error: Error }
  | { readonly es: ExternalSecretDef; readonly kind: 'not-started' };

export interface ComputeOptions {
  readonly clientFor: (store: StoreDef) => SecretsClient;
  /** Recorded on each Secret (`webhook-secret-sync.io/source`): the ConfigMap or `files`. */
  readonly source: string;
  /** ExternalSecrets computed at once (default 64); HTTP has its own per-host bound. */
  readonly concurrency?: number;
  /** Asked before each ExternalSecret starts; false skips it (the run's time budget is spent). */
  readonly mayStart?: () => boolean;
}

/**
 * Computes one ExternalSecret's Secret; failures are results, never exceptions.
 *
 * @example
 * ```ts
 * const c = await computeOne(es, { stores: config.stores, clientFor, source: 'files' });
 * ```
 */
export async function computeOne(
  es: ExternalSecretDef,
  options: Pick<ComputeOptions, 'clientFor' | 'source' | 'mayStart'> & { readonly stores: Config['stores'] },
): Promise<Computation> {
  if (options.mayStart && !options.mayStart()) return { es, kind: 'not-started' };
  try {
    const fetched = await fetchData(es, options);
    if (fetched.kind !== 'data') return { es, kind: fetched.kind, missing: fetched.missing };
    return { es, kind: 'secret', secret: buildDesiredSecret(es, fetched.data, { source: options.source }), missing: fetched.missing };
  } catch (e) {
    return { es, kind: 'failed', error: e instanceof Error ? e : new Error(String(e)) };
  }
}

/**
 * @example
 * ```ts
 * const results = await computeSecrets(config, config.externalSecrets, { clientFor, source: 'files' });
 * ```
 */
export async function computeSecrets(
  config: Config,
  selected: readonly ExternalSecretDef[],
  options: ComputeOptions,
): Promise<Computation[]> {
  const limit = pLimit(options.concurrency ?? 64);
  return Promise.all(selected.map((es) => limit(() => computeOne(es, { ...options, stores: config.stores }))));
}
