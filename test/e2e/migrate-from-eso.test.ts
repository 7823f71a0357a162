/**
 * Issue #14, the README runbook "Migrating from ESO", end to end through the real CLI against the
 * real apiserver with kube-controller-manager's garbage collector running. ESO itself does not run:
 * its CRDs and objects are written as ESO leaves them (finalizer, ownerReferences, reconcile labels).
 * A namespace that is not migrated is the control: its Secret is deleted by the garbage collector
 * when ESO's objects go, so the migrated Secrets surviving the same step means something.
 */
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppsV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readManifestPaths } from '../../src/config/documents.ts';
import { loadConfig } from '../../src/config/load.ts';
import type { ControllerManager } from '../../src/local/controller-manager.ts';
import { startHttpsEndpoint, type HttpsEndpoint } from '../../src/local/https-endpoint.ts';
import type { RunSummary } from '../../src/sync/result.ts';
import { runBin } from '../support/cli.ts';
import { admin, freshNamespace, hasCluster, providedCluster } from '../support/cluster.ts';
import { controllerManager } from '../support/controller-manager.ts';
import { createEsoObject, createEsoSecret, installEsoCrds, releaseAllExternalSecrets, removeFinalizerAndDelete, uninstallEsoCrds } from '../support/eso.ts';
import { auditOf, manifestsYaml, syncIdentityFor, writesIn } from '../support/sync.ts';

const adminCli = (...args: string[]) => runBin([...args, '--kubeconfig', providedCluster().adminKubeconfigPath]);

async function secret(namespace: string, name: string) {
  try {
    const s = await admin().core.readNamespacedSecret({ namespace, name });
    return {
      uid: s.metadata?.uid ?? '',
      resourceVersion: s.metadata?.resourceVersion ?? '',
      owners: s.metadata?.ownerReferences ?? [],
      labels: s.metadata?.labels ?? {},
      annotations: s.metadata?.annotations ?? {},
      data: Object.fromEntries(Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()])),
    };
  } catch (e) {
    if ((e as { code?: number }).code === 404) return undefined;
    throw e;
  }
}

/** Waits for a condition the controllers bring about (no fixed sleeps racing them); generous bound for 2 busy cores. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

describe.skipIf(!hasCluster())('migrating from a running ESO (real apiserver + garbage collector)', () => {
  let endpoint: HttpsEndpoint;
  let kcm: ControllerManager;
  beforeAll(async () => {
    endpoint = await startHttpsEndpoint();
    endpoint.on('GET', '/secrets/db', { body: { value: 'cnry-db-value' } });
    endpoint.on('GET', '/secrets/api', { body: { value: 'cnry-api-new' } });
    // CRDs first: the garbage collector then watches ExternalSecrets from its start, instead of
    // finding them at its next discovery pass (every 30 s).
    await installEsoCrds();
    kcm = await controllerManager();
  }, 240_000);
  afterAll(async () => {
    await releaseAllExternalSecrets();
    await uninstallEsoCrds();
    await kcm.stop();
    await endpoint.close();
  });

  it('the runbook moves every Secret without a delete or a data change where values are equal; the unmigrated control is garbage-collected', async () => {
    const apps = await freshNamespace('mig-apps');
    const control = await freshNamespace('mig-ctl');
    const cfg = await freshNamespace('mig-cfg');
    const webhook = { url: `${endpoint.url}/secrets/{{ .remoteRef.key }}`, result: { jsonPath: '$.value' }, caBundle: Buffer.from(endpoint.caPem).toString('base64') };
    const esSpec = (key: string, target: string) => ({ refreshInterval: '1h', secretStoreRef: { name: 'store', kind: 'SecretStore' }, target: { name: target, creationPolicy: 'Owner' }, data: [{ secretKey: 'value', remoteRef: { key } }] });
    // ESO's state: two webhook ExternalSecrets (one Secret current, one stale), one on Vault, and the control.
    for (const ns of [apps, control]) await createEsoObject({ kind: 'SecretStore', name: 'store', namespace: ns, spec: { provider: { webhook } } });
    await createEsoObject({ kind: 'SecretStore', name: 'vault', namespace: apps, spec: { provider: { vault: { server: 'https://vault.example', path: 'secret' } } } });
    const dbUid = await createEsoObject({ kind: 'ExternalSecret', name: 'db', namespace: apps, spec: esSpec('db', 'app-db') });
    const apiUid = await createEsoObject({ kind: 'ExternalSecret', name: 'api', namespace: apps, spec: esSpec('api', 'app-api') });
    await createEsoObject({ kind: 'ExternalSecret', name: 'legacy', namespace: apps, spec: { ...esSpec('x', 'legacy'), secretStoreRef: { name: 'vault', kind: 'SecretStore' } } });
    const ctlUid = await createEsoObject({ kind: 'ExternalSecret', name: 'db', namespace: control, spec: esSpec('db', 'app-db') });
    await createEsoSecret({ namespace: apps, name: 'app-db', externalSecret: 'db', uid: dbUid, data: { value: 'cnry-db-value' } });
    await createEsoSecret({ namespace: apps, name: 'app-api', externalSecret: 'api', uid: apiUid, data: { value: 'cnry-api-old' } });
    await createEsoSecret({ namespace: control, name: 'app-db', externalSecret: 'db', uid: ctlUid, data: { value: 'cnry-db-value' } });
    const before = { db: await secret(apps, 'app-db'), api: await secret(apps, 'app-api') };

    // 1. migrate plan: read-only; says what moves, what cannot and why, and what the first sync would change.
    const plan = await adminCli('migrate', 'plan', '-n', apps, '-o', 'json');
    expect(plan.code, plan.stderr).toBe(0);
    const p = JSON.parse(plan.stdout) as { servedVersions: string[]; controller: { state: string }; unsupported: { object: string; reasons: string[] }[]; targets: Record<string, unknown>[] };
    expect(p.servedVersions).toEqual(['v1', 'v1beta1']);
    expect(p.controller.state).toBe('stopped');
    expect(p.unsupported).toEqual(expect.arrayContaining([
      { object: `SecretStore ${apps}/vault`, reasons: [expect.stringContaining('unsupported provider vault')] },
      { object: `ExternalSecret ${apps}/legacy`, reasons: [expect.stringContaining('vault')] }, // its store cannot move
    ]));
    expect(p.targets).toEqual(expect.arrayContaining([
      { externalSecret: `${apps}/db`, target: `${apps}/app-db`, exists: true, esoManaged: true, data: 'same' },
      { externalSecret: `${apps}/api`, target: `${apps}/app-api`, exists: true, esoManaged: true, data: 'would change: value' },
    ]));
    expect(plan.stdout).not.toContain('cnry-');
    expect(await secret(apps, 'app-db')).toEqual(before.db); // plan writes nothing

    // 2. migrate export: clean manifests that validate accepts; --dry-run prints the ConfigMap.
    const dir = await mkdtemp(join(tmpdir(), 'wss-migrate-'));
    const exported = await adminCli('migrate', 'export', '-n', apps, '-o', dir);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stderr).toContain(`not exported: ExternalSecret ${apps}/legacy`);
    expect(await readdir(dir)).toEqual([`${apps}.yaml`]);
    const validate = await runBin(['validate', '-f', dir]);
    expect(validate.code, validate.stderr).toBe(0);
    const dry = await adminCli('migrate', 'export', '-n', apps, '--dry-run=client', '-o', 'yaml', '--configmap', `${cfg}/webhook-secret-sync`);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('kind: ConfigMap');
    expect(dry.stdout).not.toMatch(/finalizers|resourceVersion|managedFields|uid:|status:/u);

    // 3. config push, as the admin.
    const cm = `${cfg}/webhook-secret-sync`;
    expect((await adminCli('config', 'push', '-f', dir, '--configmap', cm)).code).toBe(0);

    // 4. sync, as the identity `rbac` prints (nothing extra): refused without --take-over-from-eso
    //    (it cannot see ESO's Deployment, so it cannot tell ESO is stopped), then adopted in place.
    const identity = await syncIdentityFor(loadConfig(await readManifestPaths([dir])), { home: cfg, configMap: { namespace: cfg, name: 'webhook-secret-sync' } });
    const sync = async (...extra: string[]) => {
      const r = await runBin(['sync', '--configmap', cm, '--kubeconfig', identity.kubeconfigPath, '-o', 'json', ...extra]);
      return { code: r.code, summary: JSON.parse(r.stdout || '{"outcomes":[]}') as RunSummary };
    };
    const refused = await sync();
    expect(refused.code).toBe(1);
    expect(refused.summary.outcomes).toEqual(expect.arrayContaining([expect.objectContaining({
      target: `${apps}/app-db`, result: 'failed', message: expect.stringContaining('is managed by External Secrets Operator (ownerReference ExternalSecret'),
    })]));
    expect(await secret(apps, 'app-db')).toEqual(before.db);

    const mark = (await auditOf(identity.user)).length;
    const adopted = await sync('--take-over-from-eso');
    expect(adopted.code).toBe(0);
    expect(adopted.summary.outcomes).toEqual(expect.arrayContaining([
      expect.objectContaining({ target: `${apps}/app-db`, result: 'updated', message: 'secret adopted from External Secrets Operator (data unchanged)' }),
      expect.objectContaining({ target: `${apps}/app-api`, result: 'updated', message: 'secret adopted from External Secrets Operator (data updated)' }),
    ]));
    const secretWrites = writesIn((await auditOf(identity.user)).slice(mark)).filter((e) => e.resource === 'secrets');
    expect(secretWrites.map((e) => `${e.verb} ${e.name ?? ''}`).sort()).toEqual(['patch app-api', 'patch app-db']); // one write each, no delete
    const db = await secret(apps, 'app-db');
    expect(db?.uid).toBe(before.db?.uid);
    expect(db?.data).toEqual(before.db?.data);
    expect(db?.resourceVersion).not.toBe(before.db?.resourceVersion);
    expect(db?.owners).toEqual([]);
    expect(Object.keys({ ...db?.labels, ...db?.annotations }).filter((k) => k.startsWith('reconcile.external-secrets.io/'))).toEqual([]);
    expect(db?.labels['webhook-secret-sync.io/managed']).toBe('true');
    expect((await secret(apps, 'app-api'))?.data).toEqual({ value: 'cnry-api-new' });
    const adoptedVersions = { db: db?.resourceVersion, api: (await secret(apps, 'app-api'))?.resourceVersion };

    // The next run is quiet: adoption happened once.
    const quiet = (await auditOf(identity.user)).length;
    expect((await sync('--all')).summary.counts).toMatchObject({ unchanged: 2, failed: 0 });
    // No Secret is written again; the only write is the run's "last checked" record (#11), one patch.
    const quietWrites = writesIn((await auditOf(identity.user)).slice(quiet));
    expect(quietWrites.filter((w) => w.resource === 'secrets')).toEqual([]);
    expect(quietWrites.map((w) => `${w.verb} ${w.resource}/${w.name}`)).toEqual(['patch configmaps/webhook-secret-sync-state']);

    // 5. Remove ESO: the finalizer step and the ExternalSecrets. The garbage collector deletes the
    //    control (never adopted) once its owner is gone; waiting for that proves it has acted.
    for (const [ns, name] of [[apps, 'db'], [apps, 'api'], [apps, 'legacy'], [control, 'db']] as const) await removeFinalizerAndDelete(ns, name);
    await until('the garbage collector to delete the unmigrated control Secret', async () => (await secret(control, 'app-db')) === undefined);
    // 6. Then ESO's CRDs (every other ESO object goes with them).
    await uninstallEsoCrds();
    // The migrated Secrets are untouched: same object, same data, no write since adoption.
    expect(await secret(apps, 'app-db')).toMatchObject({ uid: before.db?.uid, resourceVersion: adoptedVersions.db, data: { value: 'cnry-db-value' } });
    expect(await secret(apps, 'app-api')).toMatchObject({ uid: before.api?.uid, resourceVersion: adoptedVersions.api, data: { value: 'cnry-api-new' } });
  }, 300_000);

  it('sync refuses to adopt while ESO\'s controller Deployment has a ready replica, even for an admin', async () => {
    // Prepare: an ESO-managed Secret and, in another namespace, ESO's controller Deployment reporting a ready replica.
    await installEsoCrds(); // the runbook removed them
    const apps = await freshNamespace('mig-live');
    const esoNs = await freshNamespace('mig-eso');
    const apps1 = admin().kubeConfig.makeApiClient(AppsV1Api);
    const labels = { 'app.kubernetes.io/name': 'external-secrets' };
    await apps1.createNamespacedDeployment({ namespace: esoNs, body: {
      metadata: { name: 'external-secrets', labels },
      spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'eso', image: 'example.invalid/eso:v2' }] } } },
    } });
    // No kubelet runs here: the status a running ESO would have is written directly.
    await apps1.patchNamespacedDeploymentStatus({ namespace: esoNs, name: 'external-secrets', body: [{ op: 'add', path: '/status', value: { replicas: 1, readyReplicas: 1, availableReplicas: 1, updatedReplicas: 1 } }] });
    const uid = await createEsoObject({ kind: 'ExternalSecret', name: 'db', namespace: apps, spec: {} });
    await createEsoSecret({ namespace: apps, name: 'app-db', externalSecret: 'db', uid, data: { value: 'cnry-db-value' } });
    const before = await secret(apps, 'app-db');
    const dir = await mkdtemp(join(tmpdir(), 'wss-migrate-live-'));
    await writeFile(join(dir, 'es.yaml'), manifestsYaml([
      { apiVersion: 'external-secrets.io/v1', kind: 'SecretStore', metadata: { name: 'store', namespace: apps }, spec: { provider: { webhook: { url: `${endpoint.url}/secrets/{{ .remoteRef.key }}`, result: { jsonPath: '$.value' }, caBundle: Buffer.from(endpoint.caPem).toString('base64') } } } },
      { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name: 'db', namespace: apps }, spec: { secretStoreRef: { name: 'store' }, target: { name: 'app-db' }, data: [{ secretKey: 'value', remoteRef: { key: 'db' } }] } },
    ]));
    try {
      // Act
      const r = await adminCli('sync', '-f', dir, '--all', '-o', 'json');
      // Assess
      expect(r.code).toBe(1);
      expect((JSON.parse(r.stdout) as RunSummary).outcomes).toEqual([expect.objectContaining({
        result: 'failed', message: expect.stringContaining(`External Secrets Operator's controller is running (Deployment ${esoNs}/external-secrets: 1 ready); scale it to 0 first, or pass --take-over-from-eso`),
      })]);
      expect(await secret(apps, 'app-db')).toEqual(before);
    } finally {
      await apps1.deleteNamespacedDeployment({ namespace: esoNs, name: 'external-secrets' });
    }
  }, 120_000);
});
