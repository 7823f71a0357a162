/** The function's settings, from the environment the stack sets (names in ENV, shared with infra/). */
import * as z from '../../src/model/zod.ts';
import { DEFAULT_PRUNE_LIMIT, parsePruneLimit, type PruneLimit } from '../../src/sync/prune-limit.ts';
import { CLUSTER_AUTH, ENV } from './contract.ts';

const Env = z.object({
  [ENV.configMap]: z.optional(z.string().check(z.regex(/^[a-z0-9-.]+\/[a-z0-9-.]+$/u, 'expected NAMESPACE/NAME'))),
  [ENV.defaultNamespace]: z._default(z.string().check(z.minLength(1)), 'default'),
  [ENV.cadence]: z.optional(z.string().check(z.minLength(1))),
  [ENV.scheduledCadences]: z._default(z.string(), ''),
  [ENV.clusterAuth]: z.enum([CLUSTER_AUTH.eks, CLUSTER_AUTH.kubeconfigSecret]),
  [ENV.eksClusterName]: z.optional(z.string().check(z.minLength(1))),
  [ENV.eksEndpoint]: z.optional(z.url()),
  [ENV.eksCaData]: z.optional(z.string().check(z.minLength(1))),
  [ENV.kubeconfigSecretArn]: z.optional(z.string().check(z.minLength(1))),
  [ENV.eventBusName]: z.optional(z.string().check(z.minLength(1))),
  [ENV.deadlineMarginMs]: z._default(z.coerce.number().check(z.int(), z.minimum(0)), 10_000),
  [ENV.maxPrune]: z.optional(z.string().check(z.minLength(1))),
  [ENV.shardSize]: z.optional(z.coerce.number().check(z.int(), z.minimum(1))),
  AWS_REGION: z._default(z.string().check(z.minLength(1)), 'us-east-1'),
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
