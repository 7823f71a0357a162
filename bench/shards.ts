/**
 * A sharded run simulated at scale: the plan of a cadence (planShards, as the plan step makes it)
 * and each shard executed as its own worker process (bench/worker.ts, one process per shard, a few
 * at a time), as the state machine's Distributed Map runs one Lambda invocation per shard, against
 * the local apiserver and 20 ms endpoint. Reports wall time and peak RSS per shard, the total, and
 * the projection against Lambda's 15 minutes.
 *
 * `node bench/shards.ts [--quick] [--es=N] [--namespaces=N] [--shard-size=N] [--parallel=N]`
 * (default 100,000 ES, 100 namespaces, shards of 5,000, 2 at a time; `--quick`: 2 shards x 100).
 * `npm run bench -- --quick` runs the quick version too; `npm run bench -- --shards` runs this alone.
 */
import { fork } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config/load.ts';
import { startLocalCluster, type LocalCluster } from '../src/local/cluster.ts';
import { startHttpsEndpoint, type HttpsEndpoint } from '../src/local/https-endpoint.ts';
import { planShards, type PlannedShard } from '../src/sync/shard-plan.ts';
import { bundleWorker, syncIdentity } from './harness.ts';
import { bodyFor, manifestsFor, type ScenarioShape } from './scenario.ts';
import type { WorkerReply, WorkerRequest, WorkerRun } from './worker.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const LAMBDA_LIMIT_MS = 15 * 60_000;

export interface ShardBenchOptions {
  readonly externalSecrets: number;
  readonly namespaces: number;
  readonly shardSize: number;
  /** Shard processes at once (the Distributed Map's MaxConcurrency, bounded by this machine's cores). */
  readonly parallel: number;
  readonly endpointLatencyMs: number;
}

export interface ShardFigures {
  readonly index: number;
  readonly slices: PlannedShard['slices'];
  readonly externalSecrets: number;
  /** Process start to result, as one invocation (cold start, config load, run). */
  readonly wallMs: number;
  readonly loadConfigMs: number;
  readonly runMs: number;
  readonly peakRssMb: number;
  readonly counts: WorkerRun['counts'];
  readonly failures: readonly string[];
}

export interface ShardBenchFigures {
  readonly options: ShardBenchOptions;
  readonly shards: readonly ShardFigures[];
  readonly totalWallMs: number;
  readonly maxShardWallMs: number;
  readonly maxShardRssMb: number;
  /** The longest shard against Lambda's 15 minutes (the function's timeout can be at most that). */
  readonly lambdaFit: { readonly limitMs: number; readonly shareOfLimit: number; readonly fits: boolean };
  readonly counts: WorkerRun['counts'];
}

export function optionsFrom(argv: readonly string[]): ShardBenchOptions {
  const n = (name: string, fallback: number): number => {
    const v = argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
    const parsed = v === undefined ? fallback : Number(v);
    if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`--${name}=${String(v)}: expected a positive whole number`);
    return parsed;
  };
  const quick = argv.includes('--quick');
  return {
    externalSecrets: n('es', quick ? 200 : 100_000),
    namespaces: n('namespaces', quick ? 2 : 100),
    shardSize: n('shard-size', quick ? 100 : 5_000),
    parallel: n('parallel', 2),
    endpointLatencyMs: 20,
  };
}


/** One shard = one process: setup (config), one run restricted to the shard, finish (peak RSS). */
async function runShardProcess(script: string, manifests: string, kubeconfig: string, shard: PlannedShard): Promise<ShardFigures> {
  const started = performance.now();
  const child = fork(script, [], { execPath: process.execPath, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const replies: WorkerReply[] = [];
  let wake: (() => void) | undefined;
  child.on('message', (m: WorkerReply) => { replies.push(m); wake?.(); });
  const exited = new Promise<void>((resolve) => child.on('exit', () => { resolve(); wake?.(); }));
  const ask = async <T extends WorkerReply['type']>(request: WorkerRequest, type: T): Promise<Extract<WorkerReply, { type: T }>> => {
    child.send(request);
    for (;;) {
      const reply = replies.shift();
      if (reply?.type === 'error') throw new Error(`shard ${String(shard.index)}: worker: ${reply.message}`);
      if (reply?.type === type) return reply as Extract<WorkerReply, { type: T }>;
      if (reply) throw new Error(`shard ${String(shard.index)}: worker answered ${reply.type}, expected ${type}`);
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`shard ${String(shard.index)}: worker exited`);
      await new Promise<void>((resolve) => { wake = resolve; });
    }
  };
  try {
    const ready = await ask({ type: 'setup', manifests, kubeconfig, concurrencyPerHost: 8 }, 'ready');
    const { run } = await ask({ type: 'run', selection: { cadence: '1h', shard } }, 'ran');
    const finished = await ask({ type: 'finish' }, 'finished');
    await exited;
    return {
      index: shard.index, slices: shard.slices, externalSecrets: shard.externalSecrets, wallMs: performance.now() - started,
      loadConfigMs: ready.loadConfigMs, runMs: run.wallMs, peakRssMb: finished.maxRssKb / 1024, counts: run.counts, failures: run.failures,
    };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}


/**
 * Plans the scenario's cadence and runs its shards, `parallel` processes at a time.
 *
 * @example
 * ```ts
 * const figures = await runShardBench({ cluster, endpoint, options: optionsFrom(['--quick']), log });
 * ```
 */
export async function runShardBench(o: { cluster: LocalCluster; endpoint: HttpsEndpoint; options: ShardBenchOptions; log: (line: string) => void }): Promise<ShardBenchFigures> {
  const { options } = o;
  const shape: ScenarioShape = { prefix: `bench-shards-${String(options.externalSecrets)}`, externalSecrets: options.externalSecrets, namespaces: options.namespaces, stores: 5, keysPerSecret: 3 };
  const manifests = manifestsFor(shape, o.endpoint);
  const config = loadConfig([{ source: 'bench.yaml', text: manifests }]);
  const plan = planShards({ externalSecrets: config.externalSecrets, cadence: '1h', shardSize: options.shardSize });
  o.log(`shards: ${String(options.externalSecrets)} ES in ${String(options.namespaces)} namespaces, shard size ${String(options.shardSize)} -> ${String(plan.length)} shards (${plan.map((s) => s.externalSecrets).join(', ')}), ${String(options.parallel)} at a time`);
  const { kubeconfig } = await syncIdentity(o.cluster, shape, o.endpoint);
  const script = await bundleWorker(ROOT, join(ROOT, '.tmp', 'bench-shard-worker.mjs'));
  const started = performance.now();
  const results: ShardFigures[] = [];
  const queue = [...plan];
  try {
    await Promise.all(Array.from({ length: Math.min(options.parallel, plan.length) }, async () => {
      for (let shard = queue.shift(); shard; shard = queue.shift()) {
        const r = await runShardProcess(script, manifests, kubeconfig, shard);
        o.log(`  shard ${String(r.index + 1)}/${String(plan.length)}: ${String(r.externalSecrets)} ES, ${(r.wallMs / 1000).toFixed(1)} s (config ${(r.loadConfigMs / 1000).toFixed(1)} s, run ${(r.runMs / 1000).toFixed(1)} s), peak RSS ${r.peakRssMb.toFixed(0)} MB, ${JSON.stringify(r.counts)}`);
        results.push(r);
      }
    }));
  } finally {
    // A bundle left in .tmp would be linted as an unknown file.
    await rm(script, { force: true });
  }
  const totalWallMs = performance.now() - started;
  const shards = results.sort((a, b) => a.index - b.index);
  const maxShardWallMs = Math.max(...shards.map((s) => s.wallMs));
  const counts = { created: 0, updated: 0, unchanged: 0, deleted: 0, skipped: 0, failed: 0 };
  for (const s of shards) for (const k of Object.keys(counts) as (keyof typeof counts)[]) counts[k] += s.counts[k];
  return {
    options, shards, totalWallMs, maxShardWallMs, counts,
    maxShardRssMb: Math.max(...shards.map((s) => s.peakRssMb)),
    lambdaFit: { limitMs: LAMBDA_LIMIT_MS, shareOfLimit: maxShardWallMs / LAMBDA_LIMIT_MS, fits: maxShardWallMs < LAMBDA_LIMIT_MS },
  };
}

/** The lines bench/README.md quotes. */
export function shardSummary(f: ShardBenchFigures): string {
  const n = (x: number): string => x.toLocaleString('en-US');
  return [
    `sharded run: ${n(f.options.externalSecrets)} ES, ${String(f.shards.length)} shards of <= ${n(f.options.shardSize)}, ${String(f.options.parallel)} processes at a time`,
    `  per shard: wall ${f.shards.map((s) => `${(s.wallMs / 1000).toFixed(1)} s`).join(', ')}; peak RSS ${f.shards.map((s) => `${s.peakRssMb.toFixed(0)} MB`).join(', ')}`,
    `  total wall ${(f.totalWallMs / 1000).toFixed(1)} s; longest shard ${(f.maxShardWallMs / 1000).toFixed(1)} s = ${(f.lambdaFit.shareOfLimit * 100).toFixed(1)}% of Lambda's 15 min (${f.lambdaFit.fits ? 'fits' : 'does NOT fit'}); max shard RSS ${f.maxShardRssMb.toFixed(0)} MB`,
    `  counts ${JSON.stringify(f.counts)}`,
  ].join('\n');
}

async function main(): Promise<void> {
  const log = (line: string): void => { process.stderr.write(`[bench] ${line}\n`); };
  const options = optionsFrom(process.argv.slice(2));
  const cluster = await startLocalCluster({ onProgress: log });
  const endpoint = await startHttpsEndpoint();
  try {
    endpoint.on('GET', (r) => r.path.startsWith('/s'), (r) => ({ delayMs: options.endpointLatencyMs, body: bodyFor(r.path.split('/').pop() ?? '') }));
    const figures = await runShardBench({ cluster, endpoint, options, log });
    const out = join(ROOT, 'bench', 'results', `shards-${String(options.externalSecrets)}.json`);
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, `${JSON.stringify({ generatedAt: new Date().toISOString(), machine: { node: process.version, cpus: cpus().length, memoryGb: Math.round(totalmem() / 2 ** 30) }, ...figures }, null, 2)}\n`);
    process.stdout.write(`\n${shardSummary(figures)}\nresults: ${out.slice(ROOT.length + 1)}\n`);
  } finally {
    await endpoint.close();
    await cluster.stop();
  }
}

if (import.meta.main) {
  main().catch((error: unknown) => {
    process.stderr.write(`[bench] crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}
