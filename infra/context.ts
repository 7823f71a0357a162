/**
 * Reads the app's CDK context (`-c key=value`) into stack props, validating the manifests at synth
 * time: a config error fails synth with the same lines `webhook-secret-sync validate` prints.
 */
import { Duration } from 'aws-cdk-lib';
import type { Node } from 'constructs';
import { ConfigValidationError, formatIssue } from '../src/config/issues.ts';
import { planFromCadences, planFromManifests, type CadencePlan } from './cadence-plan.ts';
import type { WebhookSecretSyncStackProps } from './stack.ts';

/** Context or manifests are wrong: synth stops with this message. */
export class ContextError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ContextError';
  }
}

export const CONTEXT_KEYS = {
  manifests: 'manifests',
  cadences: 'cadences',
  defaultNamespace: 'namespace',
  eksCluster: 'eksCluster',
  eksEndpoint: 'eksEndpoint',
  eksCaData: 'eksCaData',
  kubernetesGroups: 'kubernetesGroups',
  createAccessEntry: 'createAccessEntry',
  kubeconfigSecretArn: 'kubeconfigSecretArn',
  kubeconfigSecretKmsKeyArn: 'kubeconfigSecretKmsKeyArn',
  configMap: 'configMap',
  timeoutMinutes: 'timeoutMinutes',
  maxPrune: 'maxPrune',
  vpcId: 'vpcId',
  clusterSecurityGroupId: 'clusterSecurityGroupId',
  shardSize: 'shardSize',
  shardConcurrency: 'shardConcurrency',
} as const;

/**
 * @example
 * ```ts
 * const props = await stackPropsFromContext(app.node); // -c manifests=examples -c eksCluster=prod
 * ```
 */
export async function stackPropsFromContext(node: Node): Promise<WebhookSecretSyncStackProps> {
  const get = (key: string): string | undefined => {
    const v: unknown = node.tryGetContext(key);
    if (v === undefined || v === null || v === '') return undefined;
    return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
  };
  const cadences = await cadencesFrom(get(CONTEXT_KEYS.manifests), get(CONTEXT_KEYS.cadences), get(CONTEXT_KEYS.defaultNamespace));
  const eksCluster = get(CONTEXT_KEYS.eksCluster);
  const secretArn = get(CONTEXT_KEYS.kubeconfigSecretArn);
  if (Boolean(eksCluster) === Boolean(secretArn)) {
    throw new ContextError(`cluster access: give exactly one of -c ${CONTEXT_KEYS.eksCluster}=NAME or -c ${CONTEXT_KEYS.kubeconfigSecretArn}=ARN`);
  }
  const kmsKeyArn = kmsKeyArnFrom(get(CONTEXT_KEYS.kubeconfigSecretKmsKeyArn), secretArn);
  const timeout = get(CONTEXT_KEYS.timeoutMinutes);
  const endpoint = get(CONTEXT_KEYS.eksEndpoint);
  const caData = get(CONTEXT_KEYS.eksCaData);
  const groups = get(CONTEXT_KEYS.kubernetesGroups);
  const configMap = get(CONTEXT_KEYS.configMap);
  const vpcId = get(CONTEXT_KEYS.vpcId);
  const maxPrune = get(CONTEXT_KEYS.maxPrune);
  const clusterSg = get(CONTEXT_KEYS.clusterSecurityGroupId);
  const sharding = shardingFrom(get(CONTEXT_KEYS.shardSize), get(CONTEXT_KEYS.shardConcurrency));
  return {
    cadences,
    cluster: eksCluster
      ? {
        kind: 'eks',
        clusterName: eksCluster,
        ...(endpoint ? { endpoint } : {}),
        ...(caData ? { certificateAuthorityData: caData } : {}),
        ...(groups ? { kubernetesGroups: groups.split(',') } : {}),
        createAccessEntry: get(CONTEXT_KEYS.createAccessEntry) !== 'false',
      }
      : { kind: 'kubeconfig-secret', secretArn: secretArn ?? '', ...(kmsKeyArn ? { kmsKeyArn } : {}) },
    ...(configMap ? { configMap } : {}),
    ...(timeout ? { timeout: Duration.minutes(Number(timeout)) } : {}),
    ...(maxPrune ? { maxPrune } : {}),
    ...(vpcId ? { vpcId } : {}),
    ...(clusterSg ? { clusterSecurityGroupId: clusterSg } : {}),
    ...(sharding ? { sharding } : {}),
  };
}

/** `-c shardSize=5000 [-c shardConcurrency=10]`: whole numbers, or synth stops naming the key. */
function shardingFrom(size: string | undefined, concurrency: string | undefined): { shardSize: number; maxConcurrency?: number } | undefined {
  const whole = (key: string, text: string, max: number, what: string): number => {
    const n = Number(text);
    if (!/^\d+$/u.test(text) || n < 1 || n > max) throw new ContextError(`-c ${key}=${text}: expected ${what}`);
    return n;
  };
  if (size === undefined) {
    if (concurrency !== undefined) throw new ContextError(`-c ${CONTEXT_KEYS.shardConcurrency}: only with -c ${CONTEXT_KEYS.shardSize}=N (sharding is off without it)`);
    return undefined;
  }
  const shardSize = whole(CONTEXT_KEYS.shardSize, size, 1_000_000, 'a positive whole number of ExternalSecrets per shard, such as 5000');
  return concurrency === undefined
    ? { shardSize }
    : { shardSize, maxConcurrency: whole(CONTEXT_KEYS.shardConcurrency, concurrency, 10_000, 'a whole number of shards running at once, from 1 to 10000') };
}

async function cadencesFrom(manifests: string | undefined, list: string | undefined, namespace: string | undefined): Promise<CadencePlan[]> {
  if (manifests && list) throw new ContextError(`give -c ${CONTEXT_KEYS.manifests}=DIR or -c ${CONTEXT_KEYS.cadences}=15m,1h, not both`);
  if (list) return planFromCadences(list);
  if (!manifests) throw new ContextError(`no cadences: give -c ${CONTEXT_KEYS.manifests}=DIR (the manifests) or -c ${CONTEXT_KEYS.cadences}=15m,1h`);
  try {
    return await planFromManifests(manifests, namespace ?? 'default');
  } catch (e) {
    if (e instanceof ConfigValidationError) {
      throw new ContextError(`-c ${CONTEXT_KEYS.manifests}=${manifests}: ${String(e.issues.length)} configuration error(s):\n${e.issues.map(formatIssue).join('\n')}`, { cause: e });
    }
    throw e;
  }
}

/** A key ARN (not an alias: IAM grants on the key itself), in the secret's region. */
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):\d{12}:key\/[A-Za-z0-9-]+$/u;

function kmsKeyArnFrom(keyArn: string | undefined, secretArn: string | undefined): string | undefined {
  if (keyArn === undefined) return undefined;
  const key = CONTEXT_KEYS.kubeconfigSecretKmsKeyArn;
  if (!secretArn) throw new ContextError(`-c ${key}: only with -c ${CONTEXT_KEYS.kubeconfigSecretArn}=ARN (the key that encrypts that secret)`);
  const region = KMS_KEY_ARN.exec(keyArn)?.[1];
  if (region === undefined) throw new ContextError(`-c ${key}=${keyArn}: expected a KMS key ARN such as arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab (not an alias)`);
  const secretRegion = secretArn.split(':')[3];
  if (secretRegion !== region) throw new ContextError(`-c ${key}=${keyArn}: the key is in ${region}, the secret in ${secretRegion ?? '?'}; Secrets Manager only uses a key of its own region`);
  return keyArn;
}
