/**
 * Issue #10 "Never lose a Secret", through the real CLI against the real apiserver: `config push` as
 * the admin, `sync --configmap` as the ServiceAccount bound by exactly what `rbac` prints.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { rbacFor, rbacName } from '../../src/config/rbac.ts';
import { startHttpsEndpoint, type HttpsEndpoint } from '../../src/local/https-endpoint.ts';
import type { RunSummary } from '../../src/sync/result.ts';
import { runBin } from '../support/cli.ts';
import { admin, freshNamespace, providedCluster } from '../support/cluster.ts';
import { auditOf, manifestsYaml, syncIdentityFor, writesIn, type SyncIdentity } from '../support/sync.ts';

const API = 'external-secrets.io/v1';
const NAMESPACES = 'webhook-secret-sync.io/namespaces';

describe('never lose a Secret (CLI, least-privilege identity)', () => {
  let endpoint: HttpsEndpoint;
  let dir: string;
  let cfgNs: string;
  let apps: string;
  let identity: SyncIdentity;

  const store = (): Record<string, unknown> => ({
    apiVersion: API, kind: 'ClusterSecretStore', metadata: { name: 'store' },
    spec: { provider: { webhook: { url: `${endpoint.url}/secrets/{{ .remoteRef.key }}`, result: { jsonPath: '$.value' }, caBundle: Buffer.from(endpoint.caPem).toString('base64') } } },
  });
  const es = (o: { ns?: string; name: string; target: string; key?: string; annotations?: Record<string, string> }): Record<string, unknown> => ({
    apiVersion: API, kind: 'ExternalSecret',
    metadata: { name: o.name, namespace: o.ns ?? apps, ...(o.annotations ? { annotations: o.annotations } : {}) },
    spec: { refreshInterval: '1h', secretStoreRef: { name: 'store', kind: 'ClusterSecretStore' }, target: { name: o.target }, data: [{ secretKey: 'value', remoteRef: { key: o.key ?? 'db' } }] },
  });
  let sets = 0;
  const manifests = async (docs: Record<string, unknown>[]): Promise<string> => {
    const d = join(dir, `set-${String(++sets)}`);
    await mkdir(d);
    if (docs.length > 0) await writeFile(join(d, 'manifests.yaml'), manifestsYaml(docs));
    return d;
  };
  const push = (path: string, cm: string, ...extra: string[]) => runBin(['config', 'push', '-f', path, '--configmap', cm, '--kubeconfig', providedCluster().adminKubeconfigPath, ...extra]);
  const sync = async (cm: string, ...extra: string[]): Promise<{ code: number; stderr: string; summary: RunSummary }> => {
    const r = await runBin(['sync', '--configmap', cm, '--kubeconfig', identity.kubeconfigPath, '-o', 'json', ...extra]);
    return { code: r.code, stderr: r.stderr, summary: JSON.parse(r.stdout || '{"outcomes":[]}') as RunSummary };
  };
  const secret = async (ns: string, name: string) => {
    try {
      const s = await admin().core.readNamespacedSecret({ name, namespace: ns });
      return { uid: s.metadata?.uid, annotations: s.metadata?.annotations ?? {}, data: Object.fromEntries(Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()])) };
    } catch (e) {
      if ((e as { code?: number }).code === 404) return undefined;
      throw e;
    }
  };
  const record = async (cm: string): Promise<string | undefined> => {
    const [namespace = '', name = ''] = cm.split('/');
    return (await admin().core.readNamespacedConfigMap({ namespace, name })).metadata?.annotations?.[NAMESPACES];
  };
  /** The identity gets what `rbac` prints for the union of every config the test pushes. */
  const identityFor = async (docs: Record<string, unknown>[], cm: string): Promise<SyncIdentity> => {
    const [namespace = '', name = ''] = cm.split('/');
    return syncIdentityFor(loadConfig([{ source: 'rbac.yaml', text: manifestsYaml(docs) }]), { home: cfgNs, configMap: { namespace, name } });
  };
  const deletesBy = async (user: string, from: number) => writesIn((await auditOf(user)).slice(from)).filter((e) => e.verb === 'delete' && e.resource === 'secrets');

  beforeAll(async () => {
    endpoint = await startHttpsEndpoint();
    dir = await mkdtemp(join(tmpdir(), 'wss-never-lose-'));
  });
  afterAll(async () => {
    await endpoint.close();
  });
  beforeEach(async () => {
    endpoint.reset();
    endpoint.on('GET', '/secrets/db', { body: { value: 'cnry-db-v1' } });
    endpoint.on('GET', '/secrets/other', { body: { value: 'cnry-other' } });
    cfgNs = await freshNamespace('nl-cfg');
    apps = await freshNamespace('nl-apps');
  });

  it('1. renaming an ExternalSecret hands its Secret to the new name in the same run, with no delete', async () => {
    const cm = `${cfgNs}/webhook-secret-sync`;
    identity = await identityFor([store(), es({ name: 'db', target: 'app-db' })], cm);
    expect((await push(await manifests([store(), es({ name: 'db', target: 'app-db' })]), cm)).code).toBe(0);
    expect((await sync(cm)).summary.counts.created).toBe(1);
    const before = await secret(apps, 'app-db');
    const audit = (await auditOf(identity.user)).length;

    expect((await push(await manifests([store(), es({ name: 'database', target: 'app-db' })]), cm)).code).toBe(0);
    const run = await sync(cm);

    expect(run.code).toBe(0);
    expect(run.summary.outcomes).toEqual([expect.objectContaining({ externalSecret: `${apps}/database`, target: `${apps}/app-db`, result: 'updated' })]);
    const after = await secret(apps, 'app-db');
    expect(after?.uid).toBe(before?.uid); // the same object: never deleted and re-created
    expect(after?.data).toEqual({ value: 'cnry-db-v1' });
    expect(after?.annotations['webhook-secret-sync.io/external-secret']).toBe(`${apps}/database`);
    expect(await deletesBy(identity.user, audit)).toEqual([]);
    // And the next run is quiet: the new name owns it, and nothing is written (Secrets, ConfigMap, Events).
    const quiet = (await auditOf(identity.user)).length;
    expect((await sync(cm)).summary.outcomes).toEqual([expect.objectContaining({ result: 'skipped' })]);
    expect(writesIn((await auditOf(identity.user)).slice(quiet))).toEqual([]);
  });

  it('2. config push refuses an empty set unless --allow-empty; a run prunes at most half of the Owner Secrets', async () => {
    const cm = `${cfgNs}/webhook-secret-sync`;
    const four = ['a', 'b', 'c', 'd'].map((n) => es({ name: n, target: n }));
    identity = await identityFor([store(), ...four], cm);
    expect((await push(await manifests([store(), ...four]), cm)).code).toBe(0);
    expect((await sync(cm)).summary.counts.created).toBe(4);

    const empty = await manifests([]);
    const refused = await push(empty, cm);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`config push -f ${empty}: no ExternalSecret found`);
    expect(refused.stderr).toContain('Pass --allow-empty if that is intended');
    expect((await sync(cm)).summary.counts).toMatchObject({ deleted: 0, failed: 0 }); // the ConfigMap was not changed

    // A normal removal (1 of 4) is within the limit.
    expect((await push(await manifests([store(), ...four.slice(0, 3)]), cm)).code).toBe(0);
    const one = await sync(cm);
    expect(one.summary.outcomes).toContainEqual(expect.objectContaining({ target: `${apps}/d`, result: 'deleted' }));

    // Losing all three is above 50% (2 per run): nothing is deleted, one failed clean-up says how to allow it.
    expect((await push(empty, cm, '--allow-empty')).stdout).toContain('0 ExternalSecret(s)');
    const capped = await sync(cm);
    expect(capped.code).toBe(1);
    expect(capped.summary.outcomes).toEqual([expect.objectContaining({
      externalSecret: `(clean-up of configmap:${cm})`, result: 'failed',
      message: expect.stringContaining(`prune refused: 3 of the 3 Owner Secret(s) of configmap:${cm} would be deleted, above the prune limit 50% (2 per run); nothing was deleted`),
    })]);
    expect(capped.summary.outcomes[0]?.message).toContain('sync --max-prune=3');
    for (const n of ['a', 'b', 'c']) expect((await secret(apps, n))?.data).toEqual({ value: 'cnry-db-v1' });

    const allowed = await sync(cm, '--max-prune=3');
    expect(allowed.code).toBe(0);
    expect(allowed.summary.counts.deleted).toBe(3);
    expect(await secret(apps, 'a')).toBeUndefined();
  });

  it('2b. --max-prune is checked before anything is contacted', async () => {
    const r = await runBin(['sync', '--configmap', `${cfgNs}/x`, '--max-prune', 'lots', '--kubeconfig', providedCluster().adminKubeconfigPath]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--max-prune: invalid prune limit "lots": expected a count such as 5 or a share such as 50%');
  });

  it('4. two configs targeting one Secret never take turns; the take-over annotation moves it without a gap', async () => {
    const cmA = `${cfgNs}/a`;
    const cmB = `${cfgNs}/b`;
    const inA = es({ name: 'shared', target: 'shared', key: 'db' });
    const inB = es({ name: 'shared', target: 'shared', key: 'other' });
    identity = await identityFor([store(), inA], cmA);
    // ...plus what `rbac --configmap cmB` prints for the ConfigMap (the target namespace's Role is the same).
    for (const doc of rbacFor({ stores: [], externalSecrets: [] }, { subject: { kind: 'ServiceAccount', name: 'sync', namespace: cfgNs }, configMap: { namespace: cfgNs, name: 'b' }, name: 'wss-b' })) {
      if (doc.kind === 'Role') await admin().rbac.createNamespacedRole({ namespace: cfgNs, body: doc });
      else await admin().rbac.createNamespacedRoleBinding({ namespace: cfgNs, body: doc as never });
    }
    expect((await push(await manifests([store(), inA]), cmA)).code).toBe(0);
    expect((await push(await manifests([store(), inB]), cmB)).code).toBe(0);
    expect((await sync(cmA)).summary.counts.created).toBe(1);
    const original = await secret(apps, 'shared');

    const fromB = await sync(cmB, '--all');
    expect(fromB.code).toBe(1);
    expect(fromB.summary.outcomes).toEqual([expect.objectContaining({
      result: 'failed',
      message: expect.stringContaining(`target Secret ${apps}/shared is managed from another source (configmap:${cmA}, ExternalSecret ${apps}/shared); it is not written from configmap:${cmB}`),
    })]);
    expect(await secret(apps, 'shared')).toEqual(original); // not even a last-error annotation
    const status = await runBin(['status', '--configmap', cmB, '--kubeconfig', identity.kubeconfigPath]);
    expect(status.stdout).toMatch(new RegExp(`${apps}/shared\\s+${apps}/shared\\s+1h\\s+-\\s+Conflict\\s+target is managed from another source \\(configmap:${cmA}\\)`, 'u'));
    expect((await sync(cmA, '--all')).summary.outcomes).toEqual([expect.objectContaining({ result: 'unchanged' })]);

    // The move: B names A in its take-over annotation.
    const takeOver = es({ name: 'shared', target: 'shared', key: 'other', annotations: { 'webhook-secret-sync.io/take-over-from': `configmap:${cmA}` } });
    expect((await push(await manifests([store(), takeOver]), cmB)).code).toBe(0);
    expect((await sync(cmB)).summary.outcomes).toEqual([expect.objectContaining({ result: 'updated' })]);
    const moved = await secret(apps, 'shared');
    expect(moved?.uid).toBe(original?.uid);
    expect(moved?.data).toEqual({ value: 'cnry-other' });
    expect(moved?.annotations['webhook-secret-sync.io/source']).toBe(`configmap:${cmB}`);
    // A still has it in its config until it is removed there: it cannot write it back, nor prune it after.
    expect((await sync(cmA, '--all')).summary.outcomes).toEqual([expect.objectContaining({ result: 'failed', message: expect.stringContaining(`managed from another source (configmap:${cmB}`) })]);
    expect((await push(await manifests([store(), es({ name: 'keep', target: 'keep' })]), cmA)).code).toBe(0);
    expect((await sync(cmA)).summary.outcomes).toEqual([expect.objectContaining({ target: `${apps}/keep`, result: 'created' })]);
    expect((await secret(apps, 'shared'))?.data).toEqual({ value: 'cnry-other' });
  });

  it('5. a clean-up namespace leaves the record once its Owner Secrets are gone, and its Role can then be removed', async () => {
    const cm = `${cfgNs}/webhook-secret-sync`;
    const old = await freshNamespace('nl-old');
    const both = [store(), es({ name: 'keep', target: 'keep' }), es({ ns: old, name: 'gone', target: 'gone' })];
    identity = await identityFor(both, cm);
    expect((await push(await manifests(both), cm)).code).toBe(0);
    expect((await sync(cm)).summary.counts.created).toBe(2);
    expect(await record(cm)).toBe([apps, old].sort().join(','));

    // The ExternalSecret leaves; its namespace stays recorded while its Owner Secret exists.
    expect((await push(await manifests(both.slice(0, 2)), cm)).code).toBe(0);
    expect(await record(cm)).toBe([apps, old].sort().join(','));
    const cleanup = await sync(cm);
    expect(cleanup.code).toBe(0);
    expect(cleanup.summary.outcomes).toContainEqual(expect.objectContaining({ target: `${old}/gone`, result: 'deleted' }));
    expect(await record(cm)).toBe(apps);

    // The README's advice: remove that namespace's Role. Later runs no longer read it (no 403).
    await admin().rbac.deleteNamespacedRole({ namespace: old, name: rbacName({ kind: 'ServiceAccount', name: 'sync', namespace: cfgNs }, { namespace: cfgNs, name: 'webhook-secret-sync' }) });
    const quiet = (await auditOf(identity.user)).length;
    const later = await sync(cm);
    expect(later.code).toBe(0);
    expect(later.summary.counts.failed).toBe(0);
    expect(writesIn((await auditOf(identity.user)).slice(quiet))).toEqual([]);
    // The next push (server-side apply, forced) takes the record back without a conflict.
    expect((await push(await manifests(both.slice(0, 2)), cm)).code).toBe(0);
    expect(await record(cm)).toBe(apps);
  });

  it('5b. config push drops a recorded namespace that holds no Owner Secret of this ConfigMap, and keeps one that does', async () => {
    const cm = `${cfgNs}/webhook-secret-sync`;
    const never = await freshNamespace('nl-never');
    const held = await freshNamespace('nl-held');
    const all = [store(), es({ name: 'keep', target: 'keep' }), es({ ns: never, name: 'x', target: 'x' }), es({ ns: held, name: 'y', target: 'y' })];
    identity = await identityFor(all, cm);
    expect((await push(await manifests(all), cm)).code).toBe(0);
    expect((await sync(cm, '--external-secret', `${held}/y`)).summary.counts.created).toBe(1); // only `held` gets a Secret
    expect((await push(await manifests(all.slice(0, 2)), cm)).code).toBe(0);
    expect(await record(cm)).toBe([apps, held].sort().join(','));
  });
});
