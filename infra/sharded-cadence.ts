/**
 * A cadence run sharded across invocations of the same function, on Step Functions: a plan step
 * splits the cadence's ExternalSecrets into shards by namespace, a Distributed Map runs one
 * invocation per shard (the same engine, restricted to the shard), and a report step merges the
 * shard results into the run's one result event and its metrics.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';

/** Opt-in: each cadence runs as a state machine of shards instead of one invocation. */
export interface ShardingProps {
  /** At most this many of the cadence's ExternalSecrets per shard (one invocation each). */
  readonly shardSize: number;
  /** Shards running at once (Distributed Map MaxConcurrency); default 10. */
  readonly maxConcurrency?: number;
}

export const DEFAULT_SHARD_CONCURRENCY = 10;

export interface ShardedCadenceProps {
  readonly cadence: string;
  readonly fn: lambda.IFunction;
  readonly sharding: ShardingProps;
  readonly logRetention: logs.RetentionDays;
}

/** Function errors a shard or step retries once (a systemic failure: cluster or config unreachable). */
const RETRY = { errors: ['States.TaskFailed'], maxAttempts: 1, interval: Duration.seconds(10), backoffRate: 2 };

/**
 * @example
 * ```ts
 * const sm = shardedCadence(this, 'Cadence1h', { cadence: '1h', fn, sharding: { shardSize: 5000 }, logRetention });
 * ```
 */
export function shardedCadence(scope: Construct, id: string, p: ShardedCadenceProps): sfn.StateMachine {
  const { cadence, fn } = p;
  // Every field the report step reads exists from the start, whichever step failed. Input
  // `{"cadence":..}` is the schedule's; `{"all":true}` a ForceRefresh of every ExternalSecret.
  const init = (all: boolean): sfn.Result => sfn.Result.fromObject({ cadence, all, plan: { shards: [] }, results: [], failure: null });
  const scheduled = new sfn.Pass(scope, `${id}Start`, { result: init(false) });
  const forcedAll = new sfn.Pass(scope, `${id}StartAll`, { result: init(true) });
  const start = new sfn.Choice(scope, `${id}Trigger`)
    .when(sfn.Condition.and(sfn.Condition.isPresent('$.all'), sfn.Condition.booleanEquals('$.all', true)), forcedAll)
    .otherwise(scheduled);
  const plan = new tasks.LambdaInvoke(scope, `${id}Plan`, {
    comment: 'reads the ConfigMap and splits the cadence into shards by namespace',
    lambdaFunction: fn,
    payload: sfn.TaskInput.fromObject({ shardPlan: { cadence, all: sfn.JsonPath.stringAt('$.all') } }),
    resultSelector: { 'shards.$': '$.Payload.shards' },
    resultPath: '$.plan',
  }).addRetry(RETRY);

  const shard = new tasks.LambdaInvoke(scope, `${id}Shard`, {
    comment: 'the sync engine restricted to one shard',
    lambdaFunction: fn,
    payload: sfn.TaskInput.fromObject({ 'shard.$': '$.shard' }),
    payloadResponseOnly: true,
  }).addRetry(RETRY);
  // A shard that still fails becomes a result saying so: the run goes on and reports it.
  shard.addCatch(new sfn.Pass(scope, `${id}ShardFailed`, {
    parameters: { failedShard: { 'index.$': '$.shard.index', 'count.$': '$.shard.count', 'error.$': '$.error.Error', 'cause.$': '$.error.Cause' } },
  }), { resultPath: '$.error' });
  const shards = new sfn.DistributedMap(scope, `${id}Shards`, {
    comment: 'one invocation per shard',
    itemsPath: '$.plan.shards',
    itemSelector: { 'shard.$': '$$.Map.Item.Value' },
    maxConcurrency: p.sharding.maxConcurrency ?? DEFAULT_SHARD_CONCURRENCY,
    resultPath: '$.results',
  }).itemProcessor(shard);

  const report = new tasks.LambdaInvoke(scope, `${id}Report`, {
    comment: 'merges the shard results: one result event and the metrics of the run',
    lambdaFunction: fn,
    payload: sfn.TaskInput.fromObject({
      shardReport: {
        cadence,
        all: sfn.JsonPath.stringAt('$.all'),
        executionId: sfn.JsonPath.executionId,
        startedAt: sfn.JsonPath.executionStartTime,
        shards: sfn.JsonPath.arrayLength(sfn.JsonPath.listAt('$.plan.shards')),
        results: sfn.JsonPath.listAt('$.results'),
        failure: sfn.JsonPath.objectAt('$.failure'),
      },
    }),
    payloadResponseOnly: true,
    resultPath: '$.report',
  }).addRetry(RETRY);
  plan.addCatch(report, { resultPath: '$.failure' });
  shards.addCatch(report, { resultPath: '$.failure' });
  const outcome = new sfn.Choice(scope, `${id}Outcome`)
    .when(sfn.Condition.booleanEquals('$.report.runFailed', true), new sfn.Fail(scope, `${id}SyncRunFailed`, { error: 'SyncRunFailed', cause: 'the plan or the shard map failed: see the SyncRunFailed event' }))
    .otherwise(new sfn.Succeed(scope, `${id}Done`));

  plan.next(shards).next(report).next(outcome);
  scheduled.next(plan);
  forcedAll.next(plan);

  const logGroup = new logs.LogGroup(scope, `${id}StateMachineLogs`, { retention: p.logRetention, removalPolicy: RemovalPolicy.DESTROY });
  const machine = new sfn.StateMachine(scope, `${id}StateMachine`, {
    comment: `webhook-secret-sync: refreshInterval ${cadence}, sharded`,
    definitionBody: sfn.DefinitionBody.fromChainable(start),
    stateMachineType: sfn.StateMachineType.STANDARD,
    tracingEnabled: true,
    // Names, counts and messages only, never a secret; still, execution data stays out of the logs.
    logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
  });
  acknowledgeGrants(machine, fn);
  return machine;
}

/** The wildcards CDK's own grants add to the state machine's role, each scoped as far as the service allows. */
function acknowledgeGrants(machine: sfn.StateMachine, fn: lambda.IFunction): void {
  const stack = Stack.of(machine);
  const fnId = stack.getLogicalId(fn.node.defaultChild as lambda.CfnFunction);
  const machineId = stack.getLogicalId(machine.node.defaultChild as sfn.CfnStateMachine);
  const executions = `arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${machineId}"}]}]}`;
  const mapRuns = 'The Distributed Map starts, describes and stops the child executions of this state machine only (its own name, any execution id), as CDK grants it.';
  const reasons: [string, string][] = [
    [`Resource::${executions}:*`, mapRuns],
    [`Resource::${executions}/*:*`, mapRuns],
    [`Resource::<${fnId}.Arn>:*`, 'lambda:InvokeFunction on this one function and its versions/aliases (Arn:*), as CDK grants it; no other function.'],
    ['Resource::*', 'X-Ray PutTraceSegments and CloudWatch Logs delivery (CreateLogDelivery, ...) take no resource narrower than *; Step Functions requires them for tracing and logging.'],
  ];
  for (const [finding, reason] of reasons) Validations.of(machine).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
}
