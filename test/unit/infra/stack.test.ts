/**
 * The stack's template, asserted on what matters (bundling skipped; the RIE integration test runs
 * the real bundle). Synth also runs cdk-nag's AwsSolutions pack: a finding would throw.
 */
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../../infra/app.ts';
import { WebhookSecretSyncStack } from '../../../infra/stack.ts';
import { KMS_KEY_ARN, KUBECONFIG_SECRET_ARN as SECRET_ARN, manifestsDir } from '../../support/cdk.ts';

async function synth(context: Record<string, unknown>): Promise<Template> {
  const { app, stack } = await buildApp(new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } }));
  app.synth(); // cdk-nag findings throw here
  return Template.fromStack(stack);
}

const TWO_CADENCES = () => manifestsDir([{ name: 'db', refreshInterval: '15m' }, { name: 'api', refreshInterval: '1h' }, { name: 'cache', refreshInterval: '1h' }]);

describe('WebhookSecretSync stack', () => {
  it.each([
    ['15m', 'rate(15 minutes)'],
    ['1h', 'rate(1 hour)'],
  ])('creates a function and a schedule for cadence %s with %s and the cadence as input', async (cadence, expression) => {
    // Act
    const template = await synth({ manifests: TWO_CADENCES(), eksCluster: 'prod' });
    // Assess
    const fns = template.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { WSS_CADENCE: cadence } } } });
    const [fnId] = Object.keys(fns);
    expect(Object.keys(fns)).toHaveLength(1);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ WSS_CADENCE: cadence, WSS_CLUSTER_AUTH: 'eks', WSS_EKS_CLUSTER_NAME: 'prod' }) },
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
      Timeout: 300,
      ReservedConcurrentExecutions: 1,
      Architectures: ['arm64'],
      LoggingConfig: Match.objectLike({ LogFormat: 'JSON' }),
    });
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: expression,
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [fnId, 'Arn'] },
        Input: JSON.stringify({ cadence }),
        DeadLetterConfig: { Arn: Match.anyValue() },
        RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 2 }),
      }),
    });
  });

  it('passes the prune limit to every function only when given, and refuses a bad one at synth', async () => {
    const given = await synth({ manifests: TWO_CADENCES(), eksCluster: 'prod', maxPrune: '25%' });
    expect(Object.keys(given.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { WSS_MAX_PRUNE: '25%' } } } }))).toHaveLength(2);
    const unset = await synth({ manifests: TWO_CADENCES(), eksCluster: 'prod' });
    expect(Object.keys(unset.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { WSS_MAX_PRUNE: Match.anyValue() } } } }))).toHaveLength(0);
    await expect(synth({ manifests: TWO_CADENCES(), eksCluster: 'prod', maxPrune: 'all' })).rejects.toThrow('WebhookSecretSync maxPrune: invalid prune limit "all"');
  });

  it('creates no more schedules than distinct refreshIntervals', async () => {
    const template = await synth({ manifests: TWO_CADENCES(), eksCluster: 'prod' });
    expect(Object.keys(template.findResources('AWS::Scheduler::Schedule'))).toHaveLength(2);
    expect(Object.keys(template.findResources('AWS::Lambda::Function'))).toHaveLength(2);
  });

  it('sends failed async invocations to the failure queue after one retry, and keeps logs for 30 days', async () => {
    const template = await synth({ cadences: '1h', eksCluster: 'prod' });
    const queues = Object.keys(template.findResources('AWS::SQS::Queue'));
    expect(queues).toHaveLength(1);
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 1,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queues[0], 'Arn'] } } },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ExternalSecretsFailed', Namespace: 'WebhookSecretSync', Dimensions: Match.arrayWith([{ Name: 'cadence', Value: '1h' }]) });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Errors', Namespace: 'AWS/Lambda' });
  });

  it('EKS: grants eks:DescribeCluster on that cluster only, PutEvents on its bus only, and an access entry with the group', async () => {
    const template = await synth({ cadences: '1h', eksCluster: 'prod' });
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap((p) => (p as { Properties: { PolicyDocument: { Statement: { Action: string | string[]; Resource: unknown }[] } } }).Properties.PolicyDocument.Statement);
    const actions = statements.flatMap((s) => [s.Action].flat()).sort();
    expect(actions).toEqual(['eks:DescribeCluster', 'events:PutEvents', 'lambda:InvokeFunction', 'logs:CreateLogStream', 'logs:PutLogEvents', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage', 'sqs:SendMessage'].sort());
    expect(JSON.stringify(statements.find((s) => s.Action === 'eks:DescribeCluster')?.Resource)).toContain(':cluster/prod');
    expect(statements.every((s) => s.Resource !== '*')).toBe(true);
    template.hasResourceProperties('AWS::EKS::AccessEntry', { ClusterName: 'prod', KubernetesGroups: ['webhook-secret-sync'], Type: 'STANDARD', PrincipalArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('Role'), 'Arn'] } });
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
  });

  it('EKS with endpoint and CA given: no DescribeCluster permission, both passed to the function', async () => {
    const template = await synth({ cadences: '1h', eksCluster: 'prod', eksEndpoint: 'https://ABC.gr7.eu-west-1.eks.amazonaws.com', eksCaData: 'LS0tQ0E=' });
    expect(JSON.stringify(template.toJSON())).not.toContain('eks:DescribeCluster');
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ WSS_EKS_ENDPOINT: 'https://ABC.gr7.eu-west-1.eks.amazonaws.com', WSS_EKS_CA_DATA: 'LS0tQ0E=' }) } });
  });

  it('kubeconfig in Secrets Manager: reads that one secret, creates no access entry', async () => {
    const template = await synth({ cadences: '1h', kubeconfigSecretArn: SECRET_ARN });
    template.hasResourceProperties('AWS::IAM::Policy', { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: SECRET_ARN })]) } });
    template.resourceCountIs('AWS::EKS::AccessEntry', 0);
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ WSS_CLUSTER_AUTH: 'kubeconfig-secret', WSS_KUBECONFIG_SECRET_ARN: SECRET_ARN }) } });
  });

  it('kubeconfig encrypted with a customer-managed key: kms:Decrypt on exactly that key, only through Secrets Manager', async () => {
    // Act
    const template = await synth({ cadences: '1h', kubeconfigSecretArn: SECRET_ARN, kubeconfigSecretKmsKeyArn: KMS_KEY_ARN });
    const without = await synth({ cadences: '1h', kubeconfigSecretArn: SECRET_ARN });
    // Assess
    const statements = policyStatements(template).filter((s) => [s.Action].flat().some((a) => a.startsWith('kms:')));
    expect(statements).toEqual([{
      Action: 'kms:Decrypt',
      Effect: 'Allow',
      Resource: KMS_KEY_ARN,
      Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } },
    }]);
    expect(JSON.stringify(without.toJSON())).not.toContain('kms:');
  });

  it.each([
    ['1m', 300, 'notBreaching'],
    ['15m', 900, 'notBreaching'],
    ['24h', 86_400, 'notBreaching'],
    ['25h', 86_400, 'ignore'],
    ['720h', 86_400, 'ignore'],
  ])('cadence %s: the ExternalSecret-failed alarm looks at %i s, missing data %s', async (cadence, period, missing) => {
    // Act
    const template = await synth({ cadences: cadence, eksCluster: 'prod' });
    // Assess
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ExternalSecretsFailed', Period: period, EvaluationPeriods: 1, TreatMissingData: missing });
  });

  it('keeps every alarm within CloudWatch limits for any cadence (period <= 1 day, period x evaluations <= 7 days)', async () => {
    const template = await synth({ cadences: '1m,1h,24h,25h,168h,720h,8760h', eksCluster: 'prod' });
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => (a as { Properties: { Period: number; EvaluationPeriods: number } }).Properties);
    expect(alarms).toHaveLength(7 * 2 + 1);
    for (const a of alarms) {
      expect(a.Period).toBeLessThanOrEqual(86_400);
      expect(a.Period * a.EvaluationPeriods).toBeLessThanOrEqual(604_800);
    }
  });

  it('two stacks in one app share no resource name: each has its own bus, named after the stack', async () => {
    // Prepare
    const { app, stack: blue } = await buildApp(new App({ context: { 'aws:cdk:bundling-stacks': [], cadences: '15m,1h', eksCluster: 'prod', stackName: 'SyncBlue' } }));
    const green = new WebhookSecretSyncStack(app, 'SyncGreen', { cadences: [{ cadence: '15m', refreshMs: 900_000, externalSecrets: [] }], cluster: { kind: 'eks', clusterName: 'prod' } });
    // Act
    app.synth();
    const [b, g] = [Template.fromStack(blue), Template.fromStack(green)];
    // Assess
    b.hasResourceProperties('AWS::Events::EventBus', { Name: 'SyncBlue' });
    g.hasResourceProperties('AWS::Events::EventBus', { Name: 'SyncGreen' });
    const busOf = (t: Template) => Object.keys(t.findResources('AWS::Events::EventBus'))[0];
    b.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ WSS_EVENT_BUS_NAME: { Ref: busOf(b) } }) } });
    const blueNames = physicalNames(b);
    expect(blueNames).toContain('SyncBlue');
    expect(physicalNames(g).filter((n) => blueNames.includes(n))).toEqual([]);
  });

  it('sends every named ForceRefresh to every function (ownership is decided at run time), and {"all":true} to the shortest only', async () => {
    // Intentional change (#15 item 2): rules no longer list the names known at synth time, which
    // missed ExternalSecrets added or moved after deploy.
    const template = await synth({ manifests: TWO_CADENCES(), eksCluster: 'prod' });
    const fnOf = (cadence: string) => Object.keys(template.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { WSS_CADENCE: cadence } } } }))[0];
    for (const cadence of ['15m', '1h']) {
      template.hasResourceProperties('AWS::Events::Rule', { EventPattern: { 'detail-type': ['ForceRefresh'], detail: { externalSecrets: [{ exists: true }] } }, Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [fnOf(cadence), 'Arn'] }, DeadLetterConfig: Match.anyValue() })] });
    }
    expect(JSON.stringify(template.findResources('AWS::Events::Rule'))).not.toContain('apps/db');
    const allRules = Object.values(template.findResources('AWS::Events::Rule', { Properties: { EventPattern: { detail: { all: [true] } } } }));
    expect(allRules.map((r) => (r as { Properties: { Targets: { Arn: unknown }[] } }).Properties.Targets[0]?.Arn)).toEqual([{ 'Fn::GetAtt': [fnOf('15m'), 'Arn'] }]);
  });

  it('fails synth with the same lines `validate` prints when a manifest is invalid', async () => {
    const dir = manifestsDir([{ name: 'db', refreshInterval: '1h' }], '---\napiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata: {name: bad, namespace: apps}\nspec: {secretStoreRef: {name: missing}, data: [{secretKey: k, remoteRef: {key: k}}]}\n');
    await expect(buildApp(new App({ context: { 'aws:cdk:bundling-stacks': [], manifests: dir, eksCluster: 'prod' } }))).rejects.toThrow(/all\.yaml: document 3 \(ExternalSecret apps\/bad\): .*missing/u);
  });

  it.each([
    [{ cadences: '30s', eksCluster: 'prod' }, /whole minutes, at least 1m/u],
    [{ cadences: '1h' }, /exactly one of -c eksCluster=NAME or -c kubeconfigSecretArn=ARN/u],
    [{ eksCluster: 'prod' }, /no cadences/u],
    [{ cadences: '1h', eksCluster: 'prod', kubeconfigSecretKmsKeyArn: KMS_KEY_ARN }, /-c kubeconfigSecretKmsKeyArn: only with -c kubeconfigSecretArn=ARN/u],
    [{ cadences: '1h', kubeconfigSecretArn: SECRET_ARN, kubeconfigSecretKmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:alias/wss' }, /expected a KMS key ARN such as .* \(not an alias\)/u],
    [{ cadences: '1h', kubeconfigSecretArn: SECRET_ARN, kubeconfigSecretKmsKeyArn: KMS_KEY_ARN.replace('eu-west-1', 'us-east-1') }, /the key is in us-east-1, the secret in eu-west-1/u],
  ])('refuses context %j', async (context, message) => {
    await expect(buildApp(new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } }))).rejects.toThrow(message);
  });

  it('places the functions in a VPC with their own security group, allowed into the cluster on 443', async () => {
    const { App: CdkApp, Stack } = await import('aws-cdk-lib');
    const ec2 = await import('aws-cdk-lib/aws-ec2');
    const { WebhookSecretSync } = await import('../../../infra/webhook-secret-sync.ts');
    const app = new CdkApp({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Vpc');
    const vpc = new ec2.Vpc(stack, 'V', { maxAzs: 2, natGateways: 1 });
    new WebhookSecretSync(stack, 'Sync', { cadences: [{ cadence: '1h', refreshMs: 3_600_000, externalSecrets: [] }], cluster: { kind: 'eks', clusterName: 'prod' }, vpc: { vpc, clusterSecurityGroupId: 'sg-0123456789abcdef0' } });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', { VpcConfig: { SubnetIds: Match.anyValue(), SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('FunctionSecurityGroup'), 'GroupId'] }] } });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { GroupId: 'sg-0123456789abcdef0', FromPort: 443, ToPort: 443, IpProtocol: 'tcp' });
  });
});

type Statement = { Action: string | string[]; Effect: string; Resource: unknown; Condition?: unknown };

function policyStatements(template: Template): Statement[] {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .flatMap((p) => (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement);
}

/** Every literal physical name in the template (`Name`, `FunctionName`, `AlarmName`, `QueueName`, ...). */
function physicalNames(template: Template): string[] {
  const names = new Set(['Name', 'FunctionName', 'AlarmName', 'QueueName', 'LogGroupName', 'RoleName', 'GroupName', 'ManagedPolicyName', 'PolicyName', 'TopicName']);
  return Object.values(template.toJSON().Resources as Record<string, { Type: string; Properties?: Record<string, unknown> }>)
    // An inline policy's name is local to its role.
    .filter((r) => r.Type !== 'AWS::IAM::Policy')
    .flatMap((r) => Object.entries(r.Properties ?? {}).filter(([k, v]) => names.has(k) && typeof v === 'string').map(([, v]) => v as string));
}
