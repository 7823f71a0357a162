 
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ApiException, PatchStrategy, setHeaderOptions, type V1PolicyRule } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { admin, apiserverRequestCounts, freshNamespace, hasCluster, providedCluster, restrictedIdentity } from '../support/cluster.ts';

const run = promisify(execFile);

/** HTTP status of a failed client-node call (undefined when it succeeded). */
async function statusOf(call: Promise<unknown>): Promise<number | undefined> {
  try {
    await call;
    return undefined;
  } catch (error) {
    if (error instanceof ApiException) return error.code;
    throw error;
  }
}

/** The least-privilege Role the sync needs: get/patch one named Secret, create Secrets. */
const appRules = (secretName: string): V1PolicyRule[] => [
  { apiGroups: [''], resources: ['secrets'], resourceNames: [secretName], verbs: ['get', 'patch'] },
  { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
];

const secret = (name: string, value: string) => ({
  metadata: { name },
  type: 'Opaque',
  data: { key: Buffer.from(value).toString('base64') },
});

describe.skipIf(!hasCluster())('local cluster harness', () => {
  it('lets the admin create and read a Secret', async () => {
    // Prepare
    const namespace = await freshNamespace('admin');
    const { core } = admin();

    // Act
    await core.createNamespacedSecret({ namespace, body: secret('db', 'hunter2') });
    const read = await core.readNamespacedSecret({ namespace, name: 'db' });

    // Assess
    expect(Buffer.from(read.data?.['key'] ?? '', 'base64').toString()).toBe('hunter2');
  });

  it('lets a restricted identity get and patch its named Secret but forbids other Secrets, list and ConfigMaps', async () => {
    // Prepare
    const namespace = await freshNamespace('rbac');
    const { core: adminCore } = admin();
    await adminCore.createNamespacedSecret({ namespace, body: secret('app-secret', 'v1') });
    await adminCore.createNamespacedSecret({ namespace, body: secret('other-secret', 'nope') });
    await adminCore.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'app-config' }, data: { a: 'b' } } });
    const app = await restrictedIdentity(namespace, appRules('app-secret'));

    // Act
    const own = await app.core.readNamespacedSecret({ namespace, name: 'app-secret' });
    const patched = await app.core.patchNamespacedSecret(
      { namespace, name: 'app-secret', body: { data: { key: Buffer.from('v2').toString('base64') } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const created = await statusOf(app.core.createNamespacedSecret({ namespace, body: secret('new-secret', 'n') }));
    const other = await statusOf(app.core.readNamespacedSecret({ namespace, name: 'other-secret' }));
    const list = await statusOf(app.core.listNamespacedSecret({ namespace }));
    const configMap = await statusOf(app.core.readNamespacedConfigMap({ namespace, name: 'app-config' }));

    // Assess
    expect(own.metadata?.name).toBe('app-secret');
    expect(Buffer.from(patched.data?.['key'] ?? '', 'base64').toString()).toBe('v2');
    expect(created).toBeUndefined();
    expect({ other, list, configMap }).toEqual({ other: 403, list: 403, configMap: 403 });
  });

  it('grants cluster-wide rules through a ClusterRole when clusterRules are given', async () => {
    // Prepare
    const namespace = await freshNamespace('cluster');
    const reader = await restrictedIdentity(namespace, [], {
      name: 'ns-reader',
      clusterRules: [{ apiGroups: [''], resources: ['namespaces'], verbs: ['list'] }],
    });

    // Act
    const namespaces = await reader.core.listNamespace();
    const secrets = await statusOf(reader.core.listNamespacedSecret({ namespace }));

    // Assess
    expect(namespaces.items.map((ns) => ns.metadata?.name)).toContain(namespace);
    expect(secrets).toBe(403);
  });

  it('works with kubectl: the admin kubeconfig reads a Secret, the restricted one is Forbidden to list', async () => {
    // Prepare
    const namespace = await freshNamespace('kubectl');
    await admin().core.createNamespacedSecret({ namespace, body: secret('app-secret', 'via-kubectl') });
    const app = await restrictedIdentity(namespace, appRules('app-secret'));

    // Act
    const asAdmin = await run('kubectl', [
      '--kubeconfig', providedCluster().adminKubeconfigPath,
      'get', 'secret', 'app-secret', '-n', namespace, '-o', 'json',
    ]);
    const asApp = await run('kubectl', ['--kubeconfig', app.kubeconfigPath, 'get', 'secrets', '-n', namespace]).then(
      () => ({ code: 0, stderr: '' }),
      (error: unknown) => error as { code: number; stderr: string },
    );

    // Assess
    const read = JSON.parse(asAdmin.stdout) as { data: { key: string } };
    expect(Buffer.from(read.data.key, 'base64').toString()).toBe('via-kubectl');
    expect(asApp.code).not.toBe(0);
    expect(asApp.stderr).toMatch(/Forbidden/);
    expect(asApp.stderr).toContain(`system:serviceaccount:${namespace}:app`);
  });

  it('counts apiserver requests by verb and resource from /metrics', async () => {
    // Prepare
    const namespace = await freshNamespace('metrics');
    const { core } = admin();
    await core.createNamespacedSecret({ namespace, body: secret('counted', 'c') });
    const filter = { verb: 'GET', resource: 'secrets', code: '200' };
    const before = (await apiserverRequestCounts(filter)).reduce((sum, c) => sum + c.value, 0);

    // Act
    for (let i = 0; i < 3; i++) await core.readNamespacedSecret({ namespace, name: 'counted' });
    const after = (await apiserverRequestCounts(filter)).reduce((sum, c) => sum + c.value, 0);

    // Assess
    expect(after - before).toBe(3);
  });
});
