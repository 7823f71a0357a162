/**
 * A sharded run against the real kube-apiserver and a real HTTPS endpoint. Step Functions cannot
 * run here (no AWS; moto does not execute state machines), so these tests are a simulated state
 * machine: plan -> each shard's run -> report, in-process, with the same functions the plan, shard
 * and report steps call (planShards, runOnce with the shard's selection and prune share,
 * compactShardResult, mergeShardResults).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportOf } from '../../functions/sync/report.ts';
import { parseShardStep } from '../../functions/sync/shard-event.ts';
import { compactShardResult, mergeShardResults } from '../../functions/sync/shard-report.ts';
import { runOnce } from '../../src/app/run.ts';
import { loadConfig } from '../../src/config/load.ts';
import type { Config } from '../../src/config/types.ts';
import type { HttpsGateway } from '../../src/kube/https-gateway.ts';
import { startHttpsEndpoint, type HttpsEndpoint } from '../../src/local/https-endpoint.ts';
import type { PruneLimit } from '../../src/sync/prune-limit.ts';
import { planShards, type PlannedShard } from '../../src/sync/shard-plan.ts';
import { shardPruneLimit } from '../../src/sync/shard.ts';
import { admin, freshNamespace } from '../support/cluster.ts';
import { recordOutput } from '../support/leak.ts';
import { manifestsYaml, syncIdentityFor } from '../support/sync.ts';

const CADENCE = '1h';
const trigger = { kind: 'schedule', cadence: CADENCE } as const;
const RETRY = { baseDelayMs: 10, maxDelayMs: 2000 };

/** ExternalSecrets per namespace suffix: `a` is cut into name ranges at shard size 3. */
const SHAPE = { a: 7, b: 2, c: 1 } as const;

interface World { readonly namespaces: Record<keyof typeof SHAPE, string>; readonly gateway: HttpsGateway; readonly config: (drop?: readonly string[]) => Config }

async function world(endpoint: HttpsEndpoint, prefix: string): Promise<World> {
  const namespaces = { a: await freshNamespace(`${prefix}a`), b: await freshNamespace(`${prefix}b`), c: await freshNamespace(`${prefix}c`) };
  const store = { apiVersion: 'external-secrets.io/v1', kind: 'ClusterSecretStore', metadata: { name: `${prefix}-${namespaces.a}` }, spec: { provider: { webhook: { url: `${endpoint.url}/secrets/{{ .remoteRef.key }}`, result: { jsonPath: '$.value' }, caBundle: Buffer.from(endpoint.caPem).toString('base64') } } } };
  const config = (drop: readonly string[] = []): Config => {
    const docs: Record<string, unknown>[] = [store];
    for (const [suffix, n] of Object.entries(SHAPE) as [keyof typeof SHAPE, number][]) {
      for (let i = 0; i < n; i++) {
        const name = `es-${suffix}${String(i)}`;
        if (drop.includes(`${suffix}/${name}`)) continue;
        docs.push({ apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name, namespace: namespaces[suffix] }, spec: { refreshInterval: CADENCE, secretStoreRef: { kind: 'ClusterSecretStore', name: store.metadata.name }, target: { name: `t-${name}` }, data: [{ secretKey: 'v', remoteRef: { key: `${suffix}${String(i)}` } }] } });
      }
    }
    return loadConfig([{ source: 'sharded.yaml', text: manifestsYaml(docs) }]);
  };
  const identity = await syncIdentityFor(config(), { home: namespaces.a });
  return { namespaces, gateway: await identity.gateway(), config };
}

/** One shard as the shard step runs it: the shard's selection and its share of the prune limit. */
async function runShard(w: World, config: Config, shard: PlannedShard, maxPrune: PruneLimit) {
  const summary = await runOnce({ gateway: w.gateway, config, source: 'files', prune: true, maxPrune: shardPruneLimit(maxPrune, shard), selection: { cadence: CADENCE, shard }, retry: RETRY });
  recordOutput('shard summary', JSON.stringify(summary));
  return summary;
}

/** plan -> shards -> report, as the state machine would run them (one at a time here). */
async function simulatedStateMachine(w: World, config: Config, shardSize: number, maxPrune: PruneLimit) {
  const shards = planShards({ externalSecrets: config.externalSecrets, cadence: CADENCE, shardSize });
  const results = [];
  for (const shard of shards) results.push(compactShardResult(reportOf(await runShard(w, config, shard, maxPrune), trigger), shard));
  // Through the report step's own parser: what the state machine hands over must be accepted.
  const step = parseShardStep(JSON.parse(JSON.stringify({ shardReport: { cadence: CADENCE, results, failure: null } })));
  if (step?.kind !== 'report') throw new Error('not a report step');
  return { shards, merged: mergeShardResults(step.report, Date.now()) };
}

async function secretsIn(namespace: string): Promise<Record<string, string>> {
  const list = await admin().core.listNamespacedSecret({ namespace, labelSelector: 'webhook-secret-sync.io/managed=true' });
  return Object.fromEntries(list.items.map((s) => [s.metadata?.name ?? '', Buffer.from(s.data?.v ?? '', 'base64').toString()]));
}

describe('sharded run (simulated state machine: plan -> shards -> report in-process, Step Functions cannot run here)', () => {
  let endpoint: HttpsEndpoint;
  const worlds: World[] = [];
  beforeAll(async () => {
    endpoint = await startHttpsEndpoint();
    endpoint.on('GET', (r) => r.path.startsWith('/secrets/'), (r) => ({ body: { value: `cnry-${r.path.split('/').pop() ?? ''}` } }));
  });
  afterAll(async () => {
    await Promise.all(worlds.map((w) => w.gateway.close()));
    await endpoint.close();
  });

  it('writes exactly the Secrets of the unsharded run and merges into its one result', async () => {
    // Prepare: the same config shape twice, in separate namespaces
    const unsharded = await world(endpoint, 'su');
    const sharded = await world(endpoint, 'ss');
    worlds.push(unsharded, sharded);
    // Act
    const whole = await runOnce({ gateway: unsharded.gateway, config: unsharded.config(), source: 'files', prune: true, selection: { cadence: CADENCE }, retry: RETRY });
    const { shards, merged } = await simulatedStateMachine(sharded, sharded.config(), 3, { percent: 50 });
    // Assess
    expect(shards.length).toBeGreaterThanOrEqual(4);
    expect(shards.some((s) => s.slices.some((x) => x.from !== undefined))).toBe(true);
    expect(merged.kind).toBe('report');
    if (merged.kind !== 'report') return;
    expect(merged.report.counts).toEqual(whole.counts);
    expect(merged.report.counts.created).toBe(10);
    const strip = (ids: readonly string[], w: World): string[] => ids.map((id) => id.replace(/^[^/]+\//u, (ns) => `${Object.entries(w.namespaces).find(([, v]) => `${v}/` === ns)?.[0] ?? '?'}/`)).sort();
    expect(strip(merged.report.synced.map((i) => i.externalSecret), sharded)).toEqual(strip(whole.outcomes.filter((o) => o.result === 'created').map((o) => o.externalSecret), unsharded));
    for (const suffix of Object.keys(SHAPE) as (keyof typeof SHAPE)[]) {
      expect(await secretsIn(sharded.namespaces[suffix])).toEqual(await secretsIn(unsharded.namespaces[suffix]));
    }
    // The next tick: every ExternalSecret fetched again, nothing changed, in both.
    const wholeAgain = await runOnce({ gateway: unsharded.gateway, config: unsharded.config(), source: 'files', prune: true, selection: { cadence: CADENCE }, retry: RETRY });
    const again = await simulatedStateMachine(sharded, sharded.config(), 3, { percent: 50 });
    expect(again.merged.kind === 'report' && again.merged.report.counts).toEqual(wholeAgain.counts);
    expect(wholeAgain.counts).toMatchObject({ created: 0, updated: 0, failed: 0, unchanged: 10 });
  });

  it('prunes only the Owner Secrets of its own namespaces and name ranges', async () => {
    // Prepare: everything synced, then one ExternalSecret of `b` and the last of `a` (in a's last range) leave the config
    const w = await world(endpoint, 'sp');
    worlds.push(w);
    await runOnce({ gateway: w.gateway, config: w.config(), source: 'files', prune: true, selection: { cadence: CADENCE }, retry: RETRY });
    const config = w.config(['a/es-a6', 'b/es-b1']);
    const shards = planShards({ externalSecrets: config.externalSecrets, cadence: CADENCE, shardSize: 3 });
    const firstOfA = shards.find((s) => s.slices.some((x) => x.namespace === w.namespaces.a && x.from === undefined && x.to !== undefined));
    const ofB = shards.find((s) => s.slices.some((x) => x.namespace === w.namespaces.b));
    if (!firstOfA || !ofB || firstOfA === ofB) throw new Error(`unexpected plan: ${JSON.stringify(shards)}`);
    // Act: the shard of a's first range runs alone
    const first = await runShard(w, config, firstOfA, { percent: 100 });
    // Assess: nothing outside its range and namespaces was deleted
    expect(first.counts.deleted).toBe(0);
    expect(Object.keys(await secretsIn(w.namespaces.a))).toContain('t-es-a6');
    expect(Object.keys(await secretsIn(w.namespaces.b))).toContain('t-es-b1');
    // Act: b's shard runs
    const b = await runShard(w, config, ofB, { percent: 100 });
    // Assess: b's orphan is gone, a's is still there
    expect(b.outcomes.filter((o) => o.result === 'deleted').map((o) => o.target)).toEqual([`${w.namespaces.b}/t-es-b1`]);
    expect(Object.keys(await secretsIn(w.namespaces.a))).toContain('t-es-a6');
    // Act: every shard (the whole run)
    const all = await simulatedStateMachine(w, config, 3, { percent: 100 });
    expect(all.merged.kind === 'report' && all.merged.report.counts.deleted).toBe(1);
    expect(Object.keys(await secretsIn(w.namespaces.a))).not.toContain('t-es-a6');
  });

  it('holds a prune count across the shards: each prunes at most its share, the run at most the count', async () => {
    const w = await world(endpoint, 'sc');
    worlds.push(w);
    await runOnce({ gateway: w.gateway, config: w.config(), source: 'files', prune: true, selection: { cadence: CADENCE }, retry: RETRY });
    // Three orphans in three shards (a's two ranges, then b with c); a count of 2 gives them shares 1, 1 and 0.
    const config = w.config(['a/es-a0', 'a/es-a6', 'b/es-b0']);
    const { merged, shards } = await simulatedStateMachine(w, config, 3, { count: 2 });
    if (merged.kind !== 'report') throw new Error('expected a report');
    expect(shards.map((s) => s.slices.map((x) => x.namespace))).toEqual([[w.namespaces.a], [w.namespaces.a], [w.namespaces.b, w.namespaces.c]]);
    expect(merged.report.counts.deleted).toBe(2);
    expect(merged.report.failed.filter((f) => f.message.includes('prune refused'))).toHaveLength(1);
    expect(Object.keys(await secretsIn(w.namespaces.b))).toContain('t-es-b0');
  });
});
