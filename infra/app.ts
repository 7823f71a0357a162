/**
 * The CDK app (`cdk.json`): `npx cdk synth -c manifests=DIR -c eksCluster=NAME`. Reads and validates
 * the manifests, builds the stack, and runs cdk-nag (AwsSolutions): a finding fails synth.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { stackPropsFromContext } from './context.ts';
import { WebhookSecretSyncStack } from './stack.ts';

/**
 * @example
 * ```ts
 * const app = await buildApp(new App({ context: { cadences: '15m,1h', eksCluster: 'prod' } }));
 * app.synth();
 * ```
 */
export async function buildApp(app: App): Promise<{ app: App; stack: WebhookSecretSyncStack }> {
  const props = await stackPropsFromContext(app.node);
  const stack = new WebhookSecretSyncStack(app, String(app.node.tryGetContext('stackName') ?? 'WebhookSecretSync'), {
    ...props,
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

if (import.meta.main) {
  try {
    const { app } = await buildApp(new App());
    app.synth();
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}
