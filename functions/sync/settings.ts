/** The function's settings, from the environment the stack sets (names in ENV, shared with infra/). */
import { z } from 'zod';
import { DEFAULT_PRUNE_LIMIT, parsePruneLimit, type PruneLimit } from '../../src/sync/prune-limit.ts';
import { CLUSTER_AUTH, ENV } from './contract.ts';

const Env = z.object({
  [ENV.configMap]: z.string().regex(/^[a-z0-9-.]+\/[a-z0-9-.]+$/u, 'expected NAMESPACE/NAME').optional(),
  [ENV.defaultNamespace]: z.string().min(1).default('default'),
  [ENV.cadence]: z.string().min(1).optional(),
  [ENV.scheduledCadences]: z.string().default(''),
  [ENV.clusterAuth]: z.enum([CLUSTER_AUTH.eks, CLUSTER_AUTH.kubeconfigSecret]),
  [ENV.eksClusterName]: z.string().min(1).optional(),
  [ENV.eksEndpoint]: z.url().optional(),
  [ENV.eksCaData]: z.string().min(1).optional(),
  [ENV.kubeconfigSecretArn]: z.string().min(1).optional(),
  [ENV.eventBusName]: z.string().min(1).optional(),
  [ENV.deadlineMarginMs]: z.coerce.number().int().min(0).default(10_000),
  [ENV.maxPrune]: z.string().min(1).optional(),
  [ENV.shardSize]: z.coerce.number().int().min(1).optional(),
  AWS_REGION: z.string().min(1).default('us-east-1'),
});

export type ClusterAuth =
  | { readonly mode: 'eks'; readonly clusterName: string; readonly region: string; readonly endpoint?: string | undefined; readonly caData?: string | undefined }
  | { readonly mode: 'kubeconfig-secret'; readonly secretId: string };

export interface Settings {
  readonly configMap: string | undefined;
  readonly defaultNamespace: string;
  readonly cadence: string | undefined;
  /** Every cadence the stack schedules: their ExternalSecrets are never "overdue" elsewhere. */
  readonly scheduledCadences: readonly string[];
  readonly cluster: ClusterAuth;
  readonly eventBusName: string | undefined;
  /** Stop starting new ExternalSecrets this long before Lambda's timeout (time to report). */
  readonly deadlineMarginMs: number;
  /** At most this many Owner Secrets are pruned per run (`N` or `P%`, default 50%); above it, none. */
  readonly maxPrune: PruneLimit;
  /** Sharded cadence: at most this many of its ExternalSecrets per shard (the plan step's input). */
  readonly shardSize: number | undefined;
}

/**
 * @example
 * ```ts
 * const settings = readSettings(process.env);
 * ```
 */
export function readSettings(env: NodeJS.ProcessEnv): Settings {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    throw new Error(`function environment: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const e = parsed.data;
  let cluster: ClusterAuth;
  if (e[ENV.clusterAuth] === 'eks') {
    const clusterName = e[ENV.eksClusterName];
    if (!clusterName) throw new Error(`function environment: ${ENV.clusterAuth}=eks needs ${ENV.eksClusterName}`);
    cluster = { mode: 'eks', clusterName, region: e.AWS_REGION, endpoint: e[ENV.eksEndpoint], caData: e[ENV.eksCaData] };
  } else {
    const secretId = e[ENV.kubeconfigSecretArn];
    if (!secretId) throw new Error(`function environment: ${ENV.clusterAuth}=kubeconfig-secret needs ${ENV.kubeconfigSecretArn}`);
    cluster = { mode: 'kubeconfig-secret', secretId };
  }
  return {
    configMap: e[ENV.configMap],
    defaultNamespace: e[ENV.defaultNamespace],
    cadence: e[ENV.cadence],
    scheduledCadences: e[ENV.scheduledCadences].split(',').filter(Boolean),
    cluster,
    eventBusName: e[ENV.eventBusName],
    deadlineMarginMs: e[ENV.deadlineMarginMs],
    maxPrune: maxPruneOf(e[ENV.maxPrune]),
    shardSize: e[ENV.shardSize],
  };
}

function maxPruneOf(text: string | undefined): PruneLimit {
  return text === undefined ? DEFAULT_PRUNE_LIMIT : parsePruneLimit(text, `function environment: ${ENV.maxPrune}`);
}
