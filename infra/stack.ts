/** The deployable stack: the construct, configured from CDK context (see infra/app.ts). */
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { CadencePlan } from './cadence-plan.ts';
import { WebhookSecretSync, type ClusterAccess, type ShardingProps } from './webhook-secret-sync.ts';

export type StackClusterSettings =
  | { readonly kind: 'eks'; readonly clusterName: string; readonly endpoint?: string; readonly certificateAuthorityData?: string; readonly kubernetesGroups?: readonly string[]; readonly createAccessEntry?: boolean }
  | {
    readonly kind: 'kubeconfig-secret';
    readonly secretArn: string;
    /** The customer-managed KMS key encrypting the secret: the role may kms:Decrypt with it, through Secrets Manager only. */
    readonly kmsKeyArn?: string;
  };

export interface WebhookSecretSyncStackProps extends StackProps {
  readonly cadences: readonly CadencePlan[];
  readonly cluster: StackClusterSettings;
  readonly configMap?: string;
  readonly timeout?: Duration;
  /** Prune limit per run, `N` or `P%` (see WebhookSecretSyncProps.maxPrune). */
  readonly maxPrune?: string;
  /** VPC id (looked up) and the EKS cluster security group, for private endpoints. */
  readonly vpcId?: string;
  readonly clusterSecurityGroupId?: string;
  /** Opt-in sharded runs (see WebhookSecretSyncProps.sharding). */
  readonly sharding?: ShardingProps;
}

/**
 * @example
 * ```ts
 * new WebhookSecretSyncStack(app, 'WebhookSecretSync', { cadences, cluster: { kind: 'eks', clusterName: 'prod' } });
 * ```
 */
export class WebhookSecretSyncStack extends Stack {
  readonly sync: WebhookSecretSync;

  constructor(scope: Construct, id: string, props: WebhookSecretSyncStackProps) {
    super(scope, id, props);
    const cluster: ClusterAccess = props.cluster.kind === 'eks'
      ? { ...props.cluster, kind: 'eks' }
      : {
        kind: 'kubeconfig-secret',
        secret: secretsmanager.Secret.fromSecretCompleteArn(this, 'Kubeconfig', props.cluster.secretArn),
        ...(props.cluster.kmsKeyArn ? { kmsKey: kms.Key.fromKeyArn(this, 'KubeconfigKey', props.cluster.kmsKeyArn) } : {}),
      };
    const vpc = props.vpcId
      ? { vpc: ec2.Vpc.fromLookup(this, 'Vpc', { vpcId: props.vpcId }), ...(props.clusterSecurityGroupId ? { clusterSecurityGroupId: props.clusterSecurityGroupId } : {}) }
      : undefined;
    this.sync = new WebhookSecretSync(this, 'Sync', {
      cadences: props.cadences,
      cluster,
      ...(props.configMap ? { configMap: props.configMap } : {}),
      ...(props.timeout ? { timeout: props.timeout } : {}),
      ...(props.maxPrune ? { maxPrune: props.maxPrune } : {}),
      ...(vpc ? { vpc } : {}),
      ...(props.sharding ? { sharding: props.sharding } : {}),
    });
    for (const [cadence, fn] of this.sync.functions) {
      new CfnOutput(this, `Function${cadence}`, { value: fn.functionName, description: `sync function for refreshInterval ${cadence}` });
    }
    for (const [cadence, machine] of this.sync.stateMachines) {
      new CfnOutput(this, `StateMachine${cadence}`, { value: machine.stateMachineArn, description: `sharded run of refreshInterval ${cadence}` });
    }
    new CfnOutput(this, 'EventBusName', { value: this.sync.eventBus.eventBusName });
    new CfnOutput(this, 'FailureQueueUrl', { value: this.sync.deadLetterQueue.queueUrl });
  }
}
