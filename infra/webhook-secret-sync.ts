/**
 * Reusable construct: one sync function and one EventBridge Scheduler schedule per cadence,
 * ForceRefresh routes (ownership decided at run time), a shared failure queue, alarms,
 * and least-privilege access to the cluster (EKS access entry, or a kubeconfig in Secrets Manager).
 */
import { Arn, ArnFormat, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke, StepFunctionsStartExecution } from 'aws-cdk-lib/aws-scheduler-targets';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { CLUSTER_AUTH, ENV, METRICS } from '../functions/sync/contract.ts';
import type { CadencePlan } from './cadence-plan.ts';
import { LOCK_FILE, PREBUILT_SYNC_FUNCTION_DIR, PROJECT_ROOT, SYNC_FUNCTION_BUNDLING, SYNC_FUNCTION_ENTRY, hasPrebuiltSyncFunction } from './bundling.ts';
import { formatPruneLimit, parsePruneLimit } from '../src/sync/prune-limit.ts';
import { alarmWindow } from './alarm-window.ts';
import { forceRefreshPatterns } from './force-refresh-pattern.ts';
import { DEFAULT_SHARD_CONCURRENCY, shardedCadence, type ShardingProps } from './sharded-cadence.ts';

export type { ShardingProps } from './sharded-cadence.ts';

export type ClusterAccess =
  | {
    readonly kind: 'eks';
    readonly clusterName: string;
    /** Given together, they spare the function an eks:DescribeCluster call at cold start. */
    readonly endpoint?: string;
    readonly certificateAuthorityData?: string;
    /** Groups of the access entry; bind them with the Roles `webhook-secret-sync rbac --group` prints. */
    readonly kubernetesGroups?: readonly string[];
    /** Default true. False when the role's access entry is managed elsewhere (one entry per principal). */
    readonly createAccessEntry?: boolean;
  }
  | {
    readonly kind: 'kubeconfig-secret';
    readonly secret: secretsmanager.ISecret;
    /** The customer-managed KMS key that encrypts the secret: the role may kms:Decrypt with it, through Secrets Manager only. */
    readonly kmsKey?: kms.IKey;
  };

export interface VpcPlacement {
  readonly vpc: ec2.IVpc;
  readonly subnets?: ec2.SubnetSelection;
  /** The EKS cluster security group: the function's group is allowed in on 443. */
  readonly clusterSecurityGroupId?: string;
}

export interface WebhookSecretSyncProps {
  readonly cadences: readonly CadencePlan[];
  readonly cluster: ClusterAccess;
  /** `NAMESPACE/NAME` of the ConfigMap holding the manifests (default webhook-secret-sync/webhook-secret-sync). */
  readonly configMap?: string;
  readonly defaultNamespace?: string;
  /** Bus for result events and ForceRefresh; default a new bus named by `eventBusName`. */
  readonly eventBus?: events.IEventBus;
  /**
   * Name of the bus created when `eventBus` is not given; default the stack's name, so two stacks
   * deploy side by side in one account and region (give one per construct if a stack holds two).
   */
  readonly eventBusName?: string;
  /** Default 5 minutes. The run stops starting ExternalSecrets 10 s before it. */
  readonly timeout?: Duration;
  readonly memorySize?: number;
  readonly logRetention?: logs.RetentionDays;
  readonly vpc?: VpcPlacement;
  /** Where alarms go (e.g. an SNS action); alarms exist either way. */
  readonly alarmAction?: cloudwatch.IAlarmAction;
  /**
   * At most this many Owner Secrets pruned per run: `N` or `P%` of the config's Owner Secrets
   * (default `50%`); above it, a run prunes nothing and reports a failed clean-up.
   */
  readonly maxPrune?: string;
  /**
   * Opt-in: run each cadence as a Step Functions state machine of shards of at most `shardSize`
   * ExternalSecrets (by namespace), one invocation each, `maxConcurrency` at a time, with one
   * result event per run. Default: one invocation per cadence run.
   */
  readonly sharding?: ShardingProps;
}

export const DEFAULT_KUBERNETES_GROUP = 'webhook-secret-sync';
const SERVICE = 'webhook-secret-sync';

/**
 * @example
 * ```ts
 * new WebhookSecretSync(stack, 'Sync', {
 *   cadences: planFromConfig(config),
 *   cluster: { kind: 'eks', clusterName: 'prod' },
 * });
 * ```
 */
export class WebhookSecretSync extends Construct {
  readonly functions: ReadonlyMap<string, lambda.Function>;
  /** Per cadence, when `sharding` is on: the state machine its schedule starts. */
  readonly stateMachines: ReadonlyMap<string, sfn.StateMachine>;
  readonly role: iam.Role;
  readonly eventBus: events.IEventBus;
  readonly deadLetterQueue: sqs.Queue;
  readonly securityGroup: ec2.SecurityGroup | undefined;

  constructor(scope: Construct, id: string, props: WebhookSecretSyncProps) {
    super(scope, id);
    // Every other resource gets a generated name; the bus is named (users put events on it by name).
    this.eventBus = props.eventBus ?? new events.EventBus(this, 'Bus', { eventBusName: props.eventBusName ?? Stack.of(this).stackName });
    this.deadLetterQueue = new sqs.Queue(this, 'Failures', {
      retentionPeriod: Duration.days(14),
      enforceSSL: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
    });
    Validations.of(this.deadLetterQueue).acknowledge({ id: 'AwsSolutions-SQS3', reason: 'This queue is itself the dead-letter queue of the functions, schedules and rules.' });

    this.role = new iam.Role(this, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), description: 'webhook-secret-sync functions' });
    this.eventBus.grantPutEventsTo(this.role);
    const environment = this.#clusterEnvironment(props.cluster);
    this.securityGroup = this.#vpcAccess(props.vpc);

    validateSharding(props.sharding);
    const functions = new Map<string, lambda.Function>();
    this.stateMachines = new Map();
    for (const plan of props.cadences) functions.set(plan.cadence, this.#cadenceFunction(plan, props, environment));
    this.functions = functions;
    this.#forceRefreshRules(props.cadences);

    new cloudwatch.Alarm(this, 'FailuresQueued', {
      alarmDescription: 'webhook-secret-sync: an invocation, schedule or ForceRefresh delivery ended in the failure queue',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(...(props.alarmAction ? [props.alarmAction] : []));
  }

  #clusterEnvironment(cluster: ClusterAccess): Record<string, string> {
    if (cluster.kind === 'kubeconfig-secret') {
      cluster.secret.grantRead(this.role);
      if (cluster.kmsKey) this.#grantDecryptViaSecretsManager(cluster.kmsKey);
      return { [ENV.clusterAuth]: CLUSTER_AUTH.kubeconfigSecret, [ENV.kubeconfigSecretArn]: cluster.secret.secretArn };
    }
    const stack = Stack.of(this);
    const env: Record<string, string> = { [ENV.clusterAuth]: CLUSTER_AUTH.eks, [ENV.eksClusterName]: cluster.clusterName };
    if (cluster.endpoint && cluster.certificateAuthorityData) {
      env[ENV.eksEndpoint] = cluster.endpoint;
      env[ENV.eksCaData] = cluster.certificateAuthorityData;
    } else {
      this.role.addToPolicy(new iam.PolicyStatement({
        actions: ['eks:DescribeCluster'],
        resources: [stack.formatArn({ service: 'eks', resource: 'cluster', resourceName: cluster.clusterName })],
      }));
    }
    if (cluster.createAccessEntry ?? true) {
      // L1 for kubernetesGroups (the L2 AccessEntry has none); one entry per principal per cluster.
      new eks.CfnAccessEntry(this, 'AccessEntry', {
        clusterName: cluster.clusterName,
        principalArn: this.role.roleArn,
        kubernetesGroups: [...(cluster.kubernetesGroups ?? [DEFAULT_KUBERNETES_GROUP])],
        type: 'STANDARD',
      });
    }
    return env;
  }

  /** Explicit rather than through the imported secret's grant, which adds nothing for a key of another account or an env-agnostic stack. */
  #grantDecryptViaSecretsManager(key: kms.IKey): void {
    // Secrets Manager decrypts in the key's region (a secret and its key share a region).
    const region = Token.isUnresolved(key.keyArn) ? Stack.of(this).region : Arn.split(key.keyArn, ArnFormat.SLASH_RESOURCE_NAME).region;
    this.role.addToPolicy(new iam.PolicyStatement({
      actions: ['kms:Decrypt'],
      resources: [key.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${region ?? Stack.of(this).region}.amazonaws.com` } },
    }));
  }

  #vpcAccess(placement: VpcPlacement | undefined): ec2.SecurityGroup | undefined {
    if (!placement) return undefined;
    const sg = new ec2.SecurityGroup(this, 'FunctionSecurityGroup', { vpc: placement.vpc, description: 'webhook-secret-sync functions', allowAllOutbound: true });
    if (placement.clusterSecurityGroupId) {
      ec2.SecurityGroup.fromSecurityGroupId(this, 'ClusterSecurityGroup', placement.clusterSecurityGroupId, { mutable: true })
        .addIngressRule(sg, ec2.Port.tcp(443), 'webhook-secret-sync functions to the EKS API');
    }
    this.role.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaVPCAccessExecutionRole'));
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
      reason: 'Lambda needs ec2:CreateNetworkInterface and friends on * to place the function in the VPC; this is the policy AWS maintains for exactly that.',
    });
    return sg;
  }

  #cadenceFunction(plan: CadencePlan, props: WebhookSecretSyncProps, clusterEnv: Record<string, string>): lambda.Function {
    const id = `Cadence${plan.cadence}`;
    const logGroup = new logs.LogGroup(this, `${id}Logs`, {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    logGroup.grantWrite(this.role);
    const settings = {
      description: `webhook-secret-sync: ExternalSecrets with refreshInterval ${plan.cadence}, and forced refreshes`,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 1024,
      timeout: props.timeout ?? Duration.minutes(5),
      role: this.role,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      // Runs of one cadence never overlap; sharded, its shards run side by side (and one step or forced refresh beside them).
      reservedConcurrentExecutions: props.sharding ? (props.sharding.maxConcurrency ?? DEFAULT_SHARD_CONCURRENCY) + 1 : 1,
      // Only systemic failures throw; retry those once, then park the event in the queue.
      retryAttempts: 1,
      maxEventAge: Duration.hours(1),
      onFailure: new SqsDestination(this.deadLetterQueue),
      environment: {
        ...clusterEnv,
        [ENV.cadence]: plan.cadence,
        [ENV.scheduledCadences]: props.cadences.map((c) => c.cadence).join(','),
        [ENV.configMap]: props.configMap ?? 'webhook-secret-sync/webhook-secret-sync',
        [ENV.defaultNamespace]: props.defaultNamespace ?? 'default',
        [ENV.eventBusName]: this.eventBus.eventBusName,
        ...(props.maxPrune === undefined ? {} : { [ENV.maxPrune]: formatPruneLimit(parsePruneLimit(props.maxPrune, 'WebhookSecretSync maxPrune')) }),
        ...(props.sharding ? { [ENV.shardSize]: String(props.sharding.shardSize) } : {}),
        POWERTOOLS_METRICS_NAMESPACE: 'WebhookSecretSync',
        POWERTOOLS_SERVICE_NAME: SERVICE,
        NODE_OPTIONS: '--enable-source-maps',
      },
      ...(props.vpc && this.securityGroup
        ? { vpc: props.vpc.vpc, vpcSubnets: props.vpc.subnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }, securityGroups: [this.securityGroup] }
        : {}),
    } satisfies Omit<lambda.FunctionProps, 'code' | 'handler'>;
    // From the npm package: the bundle built at pack time. From a clone: esbuild bundles the source.
    const fn = hasPrebuiltSyncFunction()
      ? new lambda.Function(this, `${id}Function`, { ...settings, code: lambda.Code.fromAsset(PREBUILT_SYNC_FUNCTION_DIR), handler: 'index.handler' })
      : new NodejsFunction(this, `${id}Function`, {
        ...settings, entry: SYNC_FUNCTION_ENTRY, handler: 'handler', projectRoot: PROJECT_ROOT, depsLockFilePath: LOCK_FILE, bundling: SYNC_FUNCTION_BUNDLING,
      });
    const targetProps = {
      input: scheduler.ScheduleTargetInput.fromObject({ cadence: plan.cadence }),
      deadLetterQueue: this.deadLetterQueue,
      retryAttempts: 2,
      maxEventAge: Duration.minutes(Math.max(1, Math.min(plan.refreshMs / 60_000, 60))),
    };
    const machine = props.sharding
      ? shardedCadence(this, id, { cadence: plan.cadence, fn, sharding: props.sharding, logRetention: props.logRetention ?? logs.RetentionDays.ONE_MONTH })
      : undefined;
    if (machine) (this.stateMachines as Map<string, sfn.StateMachine>).set(plan.cadence, machine);
    new scheduler.Schedule(this, `${id}Schedule`, {
      description: `webhook-secret-sync: refreshInterval ${plan.cadence}${machine ? ', sharded' : ''}`,
      schedule: scheduler.ScheduleExpression.rate(Duration.minutes(plan.refreshMs / 60_000)),
      timeWindow: scheduler.TimeWindow.off(),
      target: machine ? new StepFunctionsStartExecution(machine, targetProps) : new LambdaInvoke(fn, targetProps),
    });
    // The Scheduler role is a stack singleton; CDK's grantInvoke adds the function's versions (`Arn:*`).
    const fnLogicalId = Stack.of(this).getLogicalId(fn.node.defaultChild as lambda.CfnFunction);
    Validations.of(Stack.of(this)).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${fnLogicalId}.Arn>:*]`,
      reason: 'lambda:InvokeFunction on this one function and its versions/aliases (Arn:*), as CDK grants it; no other function.',
    });
    this.#alarms(id, plan, fn, props.alarmAction);
    if (machine) {
      new cloudwatch.Alarm(this, `${id}ShardedRunFailed`, {
        alarmDescription: `webhook-secret-sync ${plan.cadence}: a sharded run failed as a whole (plan or shard map), or its execution timed out or was aborted`,
        metric: new cloudwatch.MathExpression({
          expression: 'failed + timedOut + aborted',
          usingMetrics: { failed: machine.metricFailed(), timedOut: machine.metricTimedOut(), aborted: machine.metricAborted() },
          period: Duration.minutes(5),
        }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }).addAlarmAction(...(props.alarmAction ? [props.alarmAction] : []));
    }
    return fn;
  }

  #alarms(id: string, plan: CadencePlan, fn: lambda.Function, action: cloudwatch.IAlarmAction | undefined): void {
    const actions = action ? [action] : [];
    new cloudwatch.Alarm(this, `${id}RunFailed`, {
      alarmDescription: `webhook-secret-sync ${plan.cadence}: a run failed as a whole (cluster, config or endpoint unreachable)`,
      metric: fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(...actions);
    const window = alarmWindow(plan.refreshMs);
    new cloudwatch.Alarm(this, `${id}ExternalSecretsFailed`, {
      alarmDescription: `webhook-secret-sync ${plan.cadence}: at least one ExternalSecret failed to sync`,
      metric: new cloudwatch.Metric({
        namespace: 'WebhookSecretSync',
        metricName: METRICS.failed,
        dimensionsMap: { service: SERVICE, cadence: plan.cadence },
        statistic: 'Sum',
        period: window.period,
      }),
      threshold: 1,
      evaluationPeriods: window.evaluationPeriods,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: window.treatMissingData,
    }).addAlarmAction(...actions);
  }

  /**
   * Named ForceRefresh events go to every function (each keeps what it owns at run time); `all` to
   * the shortest cadence: its function, or sharded its state machine (all of a config that needs
   * shards does not fit one invocation either).
   */
  #forceRefreshRules(cadences: readonly CadencePlan[]): void {
    const delivery = { deadLetterQueue: this.deadLetterQueue, retryAttempts: 2, maxEventAge: Duration.hours(1) };
    cadences.forEach((plan, index) => {
      const fn = this.functions.get(plan.cadence);
      if (!fn) return;
      const machine = this.stateMachines.get(plan.cadence);
      forceRefreshPatterns({ includeAll: index === 0 }).forEach((eventPattern, n) => {
        const all = eventPattern.detail?.all !== undefined;
        new events.Rule(this, `Cadence${plan.cadence}ForceRefresh${String(n)}`, {
          description: `webhook-secret-sync: ForceRefresh for ExternalSecrets of cadence ${plan.cadence}`,
          eventBus: this.eventBus,
          eventPattern,
          targets: [all && machine
            ? new targets.SfnStateMachine(machine, { ...delivery, input: events.RuleTargetInput.fromObject({ cadence: plan.cadence, all: true }) })
            : new targets.LambdaFunction(fn, delivery)],
        });
      });
    });
  }
}

/** Shard size and concurrency are whole numbers in Step Functions' range, or synth stops here. */
function validateSharding(sharding: ShardingProps | undefined): void {
  if (!sharding) return;
  if (!Number.isInteger(sharding.shardSize) || sharding.shardSize < 1) {
    throw new Error(`WebhookSecretSync sharding.shardSize: expected a positive integer (ExternalSecrets per shard), got ${String(sharding.shardSize)}`);
  }
  const c = sharding.maxConcurrency;
  if (c !== undefined && (!Number.isInteger(c) || c < 1 || c > 10_000)) {
    throw new Error(`WebhookSecretSync sharding.maxConcurrency: expected an integer from 1 to 10000 (Distributed Map's limit), got ${String(c)}`);
  }
}
