/**
 * The CLI against the real cluster: rbac, config push, sync --configmap as the printed identity,
 * status, and a bad config that writes nothing.
 */
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loadConfigFromPaths } from '../../src/config/load.ts';
import { startHttpsEndpoint, type HttpsEndpoint } from '../../src/local/https-endpoint.ts';
import { runBin } from '../support/cli.ts';
import { freshNamespace, providedCluster } from '../support/cluster.ts';
import { auditOf, syncIdentityFor, writesIn, type SyncIdentity } from '../support/sync.ts';

const SEED = new URL('../../examples/seed/', import.meta.url);

describe('CLI against the cluster', () => {
  let endpoint: HttpsEndpoint;
  let dir: string;
  let env: Record<string, string>;
  let cmNamespace: string;
  let identity: SyncIdentity;
  let cm: string;

  beforeAll(async () => {
    endpoint = await startHttpsEndpoint();
    endpoint.on('GET', '/secrets', { body: await readFile(new URL('response.json', SEED), 'utf8') });
    dir = await mkdtemp(join(tmpdir(), 'wss-clic-'));
    await writeFile(join(dir, 'ca.pem'), endpoint.caPem);
    env = { NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem') };
    await cp(SEED, join(dir, 'seed'), { recursive: true });
    const store = join(dir, 'seed', 'secretstore.yaml');
    await writeFile(store, (await readFile(store, 'utf8')).replace('https://your-http-endpoint.com', endpoint.url));
    cmNamespace = await freshNamespace('cfg');
    cm = `${cmNamespace}/webhook-secret-sync`;
    const config = await loadConfigFromPaths([join(dir, 'seed')]);
    identity = await syncIdentityFor(config, { home: cmNamespace, configMap: { namespace: cmNamespace, name: 'webhook-secret-sync' } });
  });
  afterAll(async () => {
    await endpoint.close();
  });

  it('rbac prints only the Roles the config needs', async () => {
    const r = await runBin(['rbac', '-f', join(dir, 'seed'), '--configmap', cm, '--service-account', `${cmNamespace}/sync`]);
    expect(r.code).toBe(0);
    const docs = parseAllDocuments(r.stdout).map((d) => d.toJS() as { kind: string; metadata: { namespace: string }; rules?: unknown[] });
    expect(docs.map((d) => `${d.kind}/${d.metadata.namespace}`).sort()).toEqual([`Role/${cmNamespace}`, 'Role/default', `RoleBinding/${cmNamespace}`, 'RoleBinding/default']);
    expect(docs.find((d) => d.kind === 'Role' && d.metadata.namespace === cmNamespace)?.rules).toEqual([{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'patch'], resourceNames: ['webhook-secret-sync', 'webhook-secret-sync-state'] }]);
    expect(docs.find((d) => d.kind === 'Role' && d.metadata.namespace === 'default')?.rules).toEqual([
      { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'create', 'patch', 'delete'] },
      { apiGroups: [''], resources: ['events'], verbs: ['create', 'get', 'patch'] },
    ]);
  });

  it('config push refuses an invalid config and creates nothing', async () => {
    await writeFile(join(dir, 'bad.yaml'), 'apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata: { name: x }\nspec: { refreshInterval: never }\n');
    const r = await runBin(['config', 'push', '-f', join(dir, 'bad.yaml'), '--configmap', `${cmNamespace}/bad`, '--kubeconfig', providedCluster().adminKubeconfigPath]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('spec.refreshInterval: invalid duration "never"');
    const status = await runBin(['status', '--configmap', `${cmNamespace}/bad`, '--kubeconfig', providedCluster().adminKubeconfigPath]);
    expect(status.stderr).toContain(`ConfigMap ${cmNamespace}/bad not found`);
  });

  it('config push, then sync --configmap as the least-privilege identity, then status', async () => {
    const push = await runBin(['config', 'push', '-f', join(dir, 'seed'), '--configmap', cm, '--kubeconfig', providedCluster().adminKubeconfigPath]);
    expect(push).toMatchObject({ code: 0, stdout: expect.stringContaining(`configmap/webhook-secret-sync created in ${cmNamespace}: 1 store(s), 1 ExternalSecret(s)`) });
    const sync = await runBin(['sync', '--configmap', cm, '--kubeconfig', identity.kubeconfigPath], env);
    expect(sync.stderr).toBe('');
    expect(sync.code).toBe(0);
    expect(sync.stdout).toMatch(/default\/webhook-external-secret\s+default\/my-secret\s+1h\s+(created|updated|unchanged)/u);
    const status = await runBin(['status', '--configmap', cm, '--kubeconfig', identity.kubeconfigPath]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/default\/webhook-external-secret\s+default\/my-secret\s+1h\s+\d{4}-\d\d-\d\dT\S+\s+Synced\s+secret synced/u);
  });

  // Issue #10 item 3: a broken document fails alone (reported in the run's table, exit 1) instead
  // of failing the whole run; the seed ExternalSecret, synced just before, is not due, so nothing is written.
  it('a ConfigMap with a broken document reports it with its location, exits 1 and writes nothing', async () => {
    // Break the pushed ConfigMap in place, as a hand edit would.
    const { gatewayFromKubeconfigText } = await import('../../src/app/kube.ts');
    const admin = await gatewayFromKubeconfigText(await readFile(providedCluster().adminKubeconfigPath, 'utf8'));
    const current = await admin.readConfigMapWithMeta(cmNamespace, 'webhook-secret-sync');
    await admin.applyConfigMap(cmNamespace, 'webhook-secret-sync', { data: { ...current?.data, 'zz.yaml': 'kind: [unclosed' }, annotations: {} });
    await admin.close();
    const before = (await auditOf(identity.user)).length;
    const r = await runBin(['sync', '--configmap', cm, '--kubeconfig', identity.kubeconfigPath], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('1 invalid document(s)');
    expect(r.stdout).toContain(`configmap ${cmNamespace}/webhook-secret-sync key zz.yaml: document 1: malformed YAML`);
    expect(writesIn((await auditOf(identity.user)).slice(before))).toEqual([]);
  });
});
