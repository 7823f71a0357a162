/**
 * Synthesizing the stack in tests: manifests written to a temp dir, bundling skipped (the RIE test
 * runs the real bundle), cdk-nag on as in `cdk synth`.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type AppProps } from 'aws-cdk-lib';
import { stringify } from 'yaml';

export const KUBECONFIG_SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:kubeconfig-AbCdEf';
export const KMS_KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

/** A directory with one SecretStore and the given ExternalSecrets (namespace `apps`). */
export function manifestsDir(externalSecrets: readonly { name: string; refreshInterval: string }[], extra = ''): string {
  const dir = mkdtempSync(join(tmpdir(), 'wss-manifests-'));
  const store = { apiVersion: 'external-secrets.io/v1', kind: 'SecretStore', metadata: { name: 'store', namespace: 'apps' }, spec: { provider: { webhook: { url: 'https://secrets.example.com/{{ .remoteRef.key }}', result: { jsonPath: '$.value' } } } } };
  const docs = externalSecrets.map((e) => ({ apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name: e.name, namespace: 'apps' }, spec: { refreshInterval: e.refreshInterval, secretStoreRef: { name: 'store' }, data: [{ secretKey: 'k', remoteRef: { key: e.name } }] } }));
  writeFileSync(join(dir, 'all.yaml'), [store, ...docs].map((d) => stringify(d)).join('---\n') + extra);
  return dir;
}

/** An App that skips bundling, with the given context (and outdir, to keep the templates). */
export function testApp(context: Record<string, unknown>, props: AppProps = {}): App {
  return new App({ ...props, context: { 'aws:cdk:bundling-stacks': [], ...context } });
}
