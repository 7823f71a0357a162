/**
 * `config push --dry-run=client` (issue #12 item 3): the ConfigMap GitOps users commit is exactly the
 * one a push applies, validated the same way, and printing it contacts no cluster.
 */
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runBin } from '../support/cli.ts';
import { freshNamespace, providedCluster } from '../support/cluster.ts';

const SEED = new URL('../../examples/seed/', import.meta.url);
// A client dry run must not need a cluster: point every kubeconfig lookup at nothing.
const NO_CLUSTER = { KUBECONFIG: '/nonexistent/kubeconfig', HOME: '/nonexistent' };

interface PrintedConfigMap {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; annotations: Record<string, string> };
  data: Record<string, string>;
}

describe('config push --dry-run=client', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wss-push-'));
    await cp(SEED, join(dir, 'seed'), { recursive: true });
    // A second namespace, so the record has two entries in sorted order.
    const inApps = async (file: string): Promise<string> => (await readFile(join(dir, 'seed', file), 'utf8'))
      .replace(/^metadata:\n/mu, 'metadata:\n  namespace: apps\n');
    await writeFile(join(dir, 'seed', 'apps.yaml'), `${await inApps('secretstore.yaml')}---\n${await inApps('externalsecret.yaml')}`);
  });

  it('prints the ConfigMap with one key per file and the namespaces record, without a cluster', async () => {
    // Act
    const r = await runBin(['config', 'push', '-f', join(dir, 'seed'), '--configmap', 'gitops/wss', '--dry-run=client', '-o', 'yaml'], NO_CLUSTER);
    // Assess
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const cm = parse(r.stdout) as PrintedConfigMap;
    expect(cm).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'wss', namespace: 'gitops' } });
    expect(cm.metadata.annotations).toEqual({ 'webhook-secret-sync.io/namespaces': 'apps,default' });
    expect(Object.keys(cm.data).sort()).toEqual(['apps.yaml', 'externalsecret.yaml', 'secretstore.yaml']);
    expect(cm.data['secretstore.yaml']).toBe(await readFile(join(dir, 'seed', 'secretstore.yaml'), 'utf8'));
  });

  it('refuses an invalid set with the same located error as a push (exit 1, nothing printed)', async () => {
    // Prepare
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, 'apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata: { name: late }\nspec: { refreshInterval: 1 hour }\n');
    // Act
    const r = await runBin(['config', 'push', '-f', join(dir, 'seed'), bad, '--dry-run=client'], NO_CLUSTER);
    // Assess
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${bad}: document 1 (ExternalSecret default/late): spec.refreshInterval: invalid duration "1 hour"`);
  });

  it.each([
    [['--dry-run=server'], '--dry-run=server: only "client" is supported'],
    [['--dry-run=client', '-o', 'table'], '-o table: expected yaml or json'],
  ])('rejects %j as a usage error', async (extra, message) => {
    const r = await runBin(['config', 'push', '-f', join(dir, 'seed'), ...extra], NO_CLUSTER);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it('prints exactly the data and annotations that config push then applies to a real cluster', async () => {
    // Prepare
    const namespace = await freshNamespace('push');
    const ref = `${namespace}/wss`;
    const printed = await runBin(['config', 'push', '-f', join(dir, 'seed'), '--configmap', ref, '--dry-run=client', '-o', 'json'], NO_CLUSTER);
    // Act
    const push = await runBin(['config', 'push', '-f', join(dir, 'seed'), '--configmap', ref, '--kubeconfig', providedCluster().adminKubeconfigPath]);
    // Assess
    expect(push.code).toBe(0);
    const { gatewayFromKubeconfigText } = await import('../../src/app/kube.ts');
    const gateway = await gatewayFromKubeconfigText(await readFile(providedCluster().adminKubeconfigPath, 'utf8'));
    const applied = await gateway.readConfigMapWithMeta(namespace, 'wss');
    await gateway.close();
    const cm = JSON.parse(printed.stdout) as PrintedConfigMap;
    expect(applied?.data).toEqual(cm.data);
    expect(applied?.annotations).toEqual(cm.metadata.annotations);
  });
});
