/**
 * The opt-in sharded stack (`-c shardSize=N`): per cadence a state machine (plan -> Distributed Map
 * of shards -> report) that the schedule starts instead of the function. Step Functions cannot run
 * here (no AWS; moto does not execute state machines): this asserts the template; the engine side
 * runs as a simulated state machine in test/integration/sharded-run.test.ts.
 */
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../../infra/app.ts';
import { manifestsDir } from '../../support/cdk.ts';

async function synth(context: Record<string, unknown>): Promise<Template> {
  const { app, stack } = await buildApp(new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } }));
  app.synth(); // cdk-nag findings throw here
  return Template.fromStack(stack);
}

const manifests = () => manifestsDir([{ name: 'db', refreshInterval: '15m' }, { name: 'api', refreshInterval: '1h' }]);
const SHARDED = () => ({ manifests: manifests(), eksCluster: 'prod', shardSize: '5000', shardConcurrency: '20' });

interface State { Type: string; Next?: string; Default?: string; End?: boolean; ItemProcessor?: { StartAt: string; States: Record<string, State>; ProcessorConfig?: Record<string, string> }; MaxConcurrency?: number; ItemsPath?: string; Catch?: { ErrorEquals: string[]; Next: string; ResultPath?: string }[]; Retry?: { ErrorEquals: string[]; MaxAttempts?: number }[]; Parameters?: Record<string, unknown>; Choices?: unknown[] }
interface Definition { StartAt: string; States: Record<string, State> }

/** The definition string of the cadence's state machine, with the function's ARN tokens replaced by FN. */
function definitionOf(template: Template, cadence: string): Definition {
  const machines = template.findResources('AWS::StepFunctions::StateMachine');
  const entry = Object.values(machines).find((m) => JSON.stringify(m).includes(`refreshInterval ${cadence}, sharded`));
  if (!entry) throw new Error(`no state machine for ${cadence}`);
  const parts = (entry as { Properties: { DefinitionString: { 'Fn::Join': [string, unknown[]] } } }).Properties.DefinitionString['Fn::Join'][1];
  return JSON.parse(parts.map((p) => (typeof p === 'string' ? p : 'FN')).join('')) as Definition;
}

const functionId = (template: Template, cadence: string): string => {
  const [id] = Object.keys(template.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { WSS_CADENCE: cadence } } } }));
  if (!id) throw new Error(`no function for ${cadence}`);
  return id;
};

describe('sharded stack (-c shardSize)', () => {
  it('schedules a state machine per cadence instead of the function, with the cadence as input', async () => {
    const template = await synth(SHARDED());
    const machines = template.findResources('AWS::StepFunctions::StateMachine');
    expect(Object.keys(machines)).toHaveLength(2);
    for (const [cadence, expression] of [['15m', 'rate(15 minutes)'], ['1h', 'rate(1 hour)']] as const) {
      const [machineId] = Object.entries(machines).filter(([, m]) => JSON.stringify(m).includes(`refreshInterval ${cadence}, sharded`)).map(([id]) => id);
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: expression,
        Target: Match.objectLike({ Arn: { Ref: machineId }, Input: JSON.stringify({ cadence }), DeadLetterConfig: { Arn: Match.anyValue() } }),
      });
    }
    // No schedule invokes a function directly any more.
    const schedules = Object.values(template.findResources('AWS::Scheduler::Schedule'));
    expect(schedules.every((s) => JSON.stringify(s).includes('"Ref"'))).toBe(true);
  });

  it('plans, maps the shards on a Distributed Map with the configured concurrency, and always reaches the report', async () => {
    const template = await synth(SHARDED());
    const d = definitionOf(template, '1h');
    // The schedule's input takes the default branch; {"all":true} (ForceRefresh) the other, to the same plan.
    const trigger = d.States[d.StartAt];
    expect(trigger).toMatchObject({ Type: 'Choice', Choices: [expect.objectContaining({ And: [{ Variable: '$.all', IsPresent: true }, { Variable: '$.all', BooleanEquals: true }] })] });
    const order: string[] = [];
    for (let name: string | undefined = trigger?.Default; name; name = d.States[name]?.Next) order.push(name);
    expect(order.map((n) => d.States[n]?.Type)).toEqual(['Pass', 'Task', 'Map', 'Task', 'Choice']);
    const allBranch = (trigger?.Choices?.[0] as { Next: string } | undefined)?.Next ?? '';
    expect(d.States[allBranch]).toMatchObject({ Type: 'Pass', Result: { cadence: '1h', all: true }, Next: order[1] });
    expect(d.States[order[0] ?? '']).toMatchObject({ Result: { cadence: '1h', all: false } });
    const [, plan, map, report] = order.map((n) => d.States[n]);
    expect(plan?.Parameters).toMatchObject({ Payload: { shardPlan: { cadence: '1h', 'all.$': '$.all' } } });
    expect(map).toMatchObject({ MaxConcurrency: 20, ItemsPath: '$.plan.shards', ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' } } });
    // A failed plan or map still goes to the report: the run emits its one event.
    expect(plan?.Catch).toEqual([expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: order[3], ResultPath: '$.failure' })]);
    expect(map?.Catch).toEqual([expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: order[3], ResultPath: '$.failure' })]);
    expect(report?.Parameters).toMatchObject({ shardReport: { cadence: '1h', 'all.$': '$.all', 'results.$': '$.results', 'failure.$': '$.failure' } });
    // A shard is retried once, then caught as a failed shard; the map goes on.
    const processor = map?.ItemProcessor;
    const shard = processor ? processor.States[processor.StartAt] : undefined;
    expect(shard?.Parameters).toEqual({ 'shard.$': '$.shard' });
    expect(shard?.Retry).toContainEqual(expect.objectContaining({ ErrorEquals: ['States.TaskFailed'], MaxAttempts: 1 }));
    const caught = shard?.Catch?.[0];
    expect(caught).toMatchObject({ ErrorEquals: ['States.ALL'], ResultPath: '$.error' });
    expect(processor?.States[caught?.Next ?? '']?.Parameters).toEqual({ failedShard: { 'index.$': '$.shard.index', 'count.$': '$.shard.count', 'error.$': '$.error.Error', 'cause.$': '$.error.Cause' } });
  });

  it('lets the state machine invoke only its own function (and versions), and start only its own map runs', async () => {
    const template = await synth(SHARDED());
    const fnId = functionId(template, '1h');
    const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine')).filter((m) => JSON.stringify(m).includes('refreshInterval 1h, sharded'));
    const roleId = (machine as { Properties: { RoleArn: { 'Fn::GetAtt': [string, string] } } }).Properties.RoleArn['Fn::GetAtt'][0];
    type Statement = { Action: string | string[]; Resource: unknown };
    const statements = Object.values(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } }))
      .flatMap((p) => (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement);
    const invoke = statements.filter((s) => [s.Action].flat().includes('lambda:InvokeFunction'));
    expect(invoke).toHaveLength(1);
    expect(invoke[0]?.Resource).toEqual([{ 'Fn::GetAtt': [fnId, 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [fnId, 'Arn'] }, ':*']] }]);
    const actions = statements.flatMap((s) => [s.Action].flat());
    expect(actions.filter((a) => a.startsWith('lambda:'))).toEqual(['lambda:InvokeFunction']);
    expect(actions.filter((a) => !/^(lambda:InvokeFunction|states:(StartExecution|DescribeExecution|StopExecution|RedriveExecution)|xray:.*|logs:.*)$/u.test(a))).toEqual([]);
    // The map's own executions only: every states: statement names this state machine.
    const machineId = Object.entries(template.findResources('AWS::StepFunctions::StateMachine')).find(([, m]) => JSON.stringify(m).includes('refreshInterval 1h, sharded'))?.[0];
    expect(machineId).toBeDefined();
    for (const s of statements.filter((x) => [x.Action].flat().some((a) => a.startsWith('states:')))) expect(JSON.stringify(s.Resource)).toContain(machineId ?? '-');
  });

  it('passes the shard size to the function and lets its shards run side by side', async () => {
    const template = await synth(SHARDED());
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ WSS_CADENCE: '1h', WSS_SHARD_SIZE: '5000' }) },
      ReservedConcurrentExecutions: 21,
    });
  });

  it('alarms on a failed, timed-out or aborted run, besides the per-ExternalSecret alarm', async () => {
    const template = await synth(SHARDED());
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'failed + timedOut + aborted' }),
        Match.objectLike({ Id: 'failed', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'ExecutionsFailed', Namespace: 'AWS/States' }) }) }),
      ]),
      Threshold: 1,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ExternalSecretsFailed', Dimensions: Match.arrayWith([{ Name: 'cadence', Value: '1h' }]) });
  });

  it('logs every state without execution data, and traces', async () => {
    const template = await synth(SHARDED());
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: false }),
      TracingConfiguration: { Enabled: true },
    });
  });

  it('sends named ForceRefresh to the functions, as unsharded, and {"all":true} to the shortest cadence\'s state machine', async () => {
    const template = await synth(SHARDED());
    const rules = Object.values(template.findResources('AWS::Events::Rule')) as { Properties: { EventPattern: { detail: Record<string, unknown> }; Targets: { Arn: unknown; Input?: string }[] } }[];
    const allRules = rules.filter((r) => 'all' in r.Properties.EventPattern.detail);
    const named = rules.filter((r) => 'externalSecrets' in r.Properties.EventPattern.detail);
    expect(named).toHaveLength(2);
    for (const r of named) expect(JSON.stringify(r.Properties.Targets[0]?.Arn)).toContain('Function');
    expect(allRules).toHaveLength(1);
    const [machineId] = Object.entries(template.findResources('AWS::StepFunctions::StateMachine')).filter(([, m]) => JSON.stringify(m).includes('refreshInterval 15m, sharded')).map(([id]) => id);
    expect(allRules[0]?.Properties.Targets[0]).toMatchObject({ Arn: { Ref: machineId }, Input: JSON.stringify({ cadence: '15m', all: true }) });
  });

  it('is off by default: no state machine, the schedule invokes the function', async () => {
    const template = await synth({ manifests: manifests(), eksCluster: 'prod' });
    expect(Object.keys(template.findResources('AWS::StepFunctions::StateMachine'))).toHaveLength(0);
    template.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 1, Environment: { Variables: Match.not(Match.objectLike({ WSS_SHARD_SIZE: Match.anyValue() })) } });
  });

  it.each([
    [{ shardSize: '0' }, '-c shardSize=0: expected a positive whole number of ExternalSecrets per shard'],
    [{ shardSize: 'many' }, '-c shardSize=many: expected a positive whole number'],
    [{ shardSize: '100', shardConcurrency: '20000' }, '-c shardConcurrency=20000: expected a whole number of shards running at once, from 1 to 10000'],
    [{ shardConcurrency: '5' }, '-c shardConcurrency: only with -c shardSize=N'],
  ])('refuses %j at synth with a clear error', async (context, message) => {
    await expect(synth({ manifests: manifests(), eksCluster: 'prod', ...context })).rejects.toThrow(message);
  });
});
