/**
 * Every template shape the suite synthesizes, checked by cfn-lint (CloudFormation's resource
 * property validator: limits such as an alarm period of at most one day, name patterns, enums).
 * Limits cfn-lint's schemas lack (CloudWatch's one-day alarm period) are added as custom rules in
 * `cfn-lint-rules.txt`. Any error fails; warnings fail too, except those in IGNORED, with their reason.
 * cfn-lint must be installed (`python3 -m pip install cfn-lint`; `.ci/run` does it): a missing
 * cfn-lint fails this test rather than skipping it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Stack, type App } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../../infra/app.ts';
import { WebhookSecretSyncStack } from '../../../infra/stack.ts';
import { WebhookSecretSync } from '../../../infra/webhook-secret-sync.ts';
import { KMS_KEY_ARN, KUBECONFIG_SECRET_ARN, manifestsDir, testApp } from '../../support/cdk.ts';

/** Rule id -> why it does not apply to these templates. */
const IGNORED: Readonly<Record<string, string>> = {
  // CDK makes each function DependsOn its role and the role's policy, so the policy exists before
  // the function is invoked; the role half is redundant with the GetAtt, harmless, and not ours to emit.
  W3005: 'redundant DependsOn emitted by CDK (NodejsFunction on its role)',
};

const CUSTOM_RULES = fileURLToPath(new URL('cfn-lint-rules.txt', import.meta.url));

interface Finding { Rule: { Id: string }; Level: string; Message: string; Filename: string; Location: { Path?: unknown[] } }

type Scenario = (outdir: string) => Promise<App>;

const fromContext = (context: Record<string, unknown>): Scenario => async (outdir) => (await buildApp(testApp(context, { outdir }))).app;

const SCENARIOS: Readonly<Record<string, Scenario>> = {
  'two cadences from manifests (EKS)': fromContext({ manifests: manifestsDir([{ name: 'db', refreshInterval: '15m' }, { name: 'api', refreshInterval: '1h' }]), eksCluster: 'prod' }),
  'a 720h cadence': fromContext({ manifests: manifestsDir([{ name: 'yearly', refreshInterval: '720h' }]), eksCluster: 'prod' }),
  'refreshInterval 0 only': fromContext({ manifests: manifestsDir([{ name: 'once', refreshInterval: '0' }]), eksCluster: 'prod' }),
  'every cadence shape': fromContext({ cadences: '1m,5m,15m,1h30m,24h,25h,168h,169h,720h,8760h', eksCluster: 'prod' }),
  'EKS with endpoint and CA, no access entry': fromContext({ cadences: '1h', eksCluster: 'prod', eksEndpoint: 'https://ABC.gr7.eu-west-1.eks.amazonaws.com', eksCaData: 'LS0tQ0E=', createAccessEntry: 'false', kubernetesGroups: 'a,b' }),
  'kubeconfig secret with a KMS key': fromContext({ cadences: '1h', kubeconfigSecretArn: KUBECONFIG_SECRET_ARN, kubeconfigSecretKmsKeyArn: KMS_KEY_ARN, timeoutMinutes: '15' }),
  'two cadences, sharded on Step Functions': fromContext({ manifests: manifestsDir([{ name: 'db', refreshInterval: '15m' }, { name: 'api', refreshInterval: '1h' }]), eksCluster: 'prod', shardSize: '5000', shardConcurrency: '20' }),
  'two stacks in one app': async (outdir) => {
    const { app } = await buildApp(testApp({ cadences: '15m,720h', eksCluster: 'prod', stackName: 'SyncBlue' }, { outdir }));
    new WebhookSecretSyncStack(app, 'SyncGreen', { cadences: [{ cadence: '1h', refreshMs: 3_600_000, externalSecrets: [] }], cluster: { kind: 'eks', clusterName: 'prod' } });
    return app;
  },
  'in a VPC': (outdir) => {
    const app = testApp({}, { outdir });
    const stack = new Stack(app, 'Vpc');
    const vpc = new ec2.Vpc(stack, 'V', { maxAzs: 2, natGateways: 1 });
    new WebhookSecretSync(stack, 'Sync', { cadences: [{ cadence: '1h', refreshMs: 3_600_000, externalSecrets: [] }], cluster: { kind: 'eks', clusterName: 'prod' }, vpc: { vpc, clusterSecurityGroupId: 'sg-0123456789abcdef0' } });
    return Promise.resolve(app);
  },
};

function cfnLint(files: readonly string[]): Finding[] {
  const r = spawnSync('cfn-lint', ['--format', 'json', '--custom-rules', CUSTOM_RULES, '--', ...files], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error('cfn-lint is not installed: run `python3 -m pip install cfn-lint` (.ci/run installs it when missing)');
  }
  if (r.error) throw r.error;
  // Exit codes are a bit mask of levels found (2 error, 4 warning, 8 info); 1 is a crash.
  if ((r.status ?? 1) & 1) throw new Error(`cfn-lint failed: ${r.stderr}`);
  return JSON.parse(r.stdout || '[]') as Finding[];
}

describe('synthesized templates pass cfn-lint', () => {
  it('finds no error and no warning in any template the suite synthesizes', async () => {
    // Prepare
    const files: string[] = [];
    for (const [name, scenario] of Object.entries(SCENARIOS)) {
      const outdir = mkdtempSync(join(tmpdir(), 'wss-cfn-lint-'));
      (await scenario(outdir)).synth(); // cdk-nag findings throw here
      const templates = readdirSync(outdir).filter((f) => f.endsWith('.template.json'));
      expect(templates, name).not.toHaveLength(0);
      files.push(...templates.map((f) => join(outdir, f)));
    }
    // Act
    const findings = cfnLint(files).filter((f) => f.Level !== 'Informational' && !(f.Rule.Id in IGNORED));
    // Assess
    expect(files.length).toBeGreaterThanOrEqual(Object.keys(SCENARIOS).length + 1);
    expect(findings.map((f) => `${f.Filename}: ${f.Rule.Id} ${f.Level}: ${f.Message} at ${JSON.stringify(f.Location.Path)}`)).toEqual([]);
  }, 240_000);
});
