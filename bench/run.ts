/**
 * `npm run bench [-- --quick]`: the sync measured against the physical minimum and against ESO's call
 * pattern, on the real kube-apiserver, as the restricted identity, with a 20 ms HTTPS endpoint.
 * Writes bench/results/{latest,quick}.json and prints a table. A benchmark, not a test: missed goals
 * are reported, never an exit code (only a crash of the benchmark itself exits non-zero).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseResponseBytes, type ApiserverRequestCount } from '../src/local/apiserver-metrics.ts';
import { readAuditEvents } from '../src/local/audit.ts';
import { startLocalCluster, type LocalCluster } from '../src/local/cluster.ts';
import { startHttpsEndpoint, type HttpsEndpoint } from '../src/local/https-endpoint.ts';
import type { Selection } from '../src/sync/due.ts';
import { formatModuleTable, measureBundle, type BundleFigures } from './bundle.ts';
import { bundleWorker, syncIdentity } from './harness.ts';
import { bodyFor, manifestsFor, remoteKey, type ScenarioShape } from './scenario.ts';
import type { WorkerReply, WorkerRequest, WorkerRun } from './worker.ts';
import { optionsFrom as shardOptionsFrom, runShardBench, shardSummary } from './shards.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const QUICK = process.argv.includes('--quick');
// Optional V8 old-space cap for the sync worker (`--worker-heap-mb=192`): shows how much of the peak
// RSS is uncollected garbage, as a memory-capped Lambda would collect it sooner.
const WORKER_HEAP_MB = Number(/^--worker-heap-mb=(\d+)$/.exec(process.argv.find((a) => a.startsWith('--worker-heap-mb=')) ?? '')?.[1] ?? 0);
// The worker gets the V8 heap flags AWS's Node.js runtime bootstrap derives from the function's
// memory M (new space M/10, semi-space half of it, old space the rest), as a function of this size
// runs it: `--lambda-memory-mb=256` (default); 0 = Node's defaults for this machine.
const LAMBDA_MEMORY_MB = Number(/^--lambda-memory-mb=(\d+)$/.exec(process.argv.find((a) => a.startsWith('--lambda-memory-mb=')) ?? '')?.[1] ?? 256);
const LAMBDA_HEAP_FLAGS = LAMBDA_MEMORY_MB > 0
  ? [`--max-semi-space-size=${String(Math.floor(LAMBDA_MEMORY_MB / 20))}`, `--max-old-space-size=${String(LAMBDA_MEMORY_MB - Math.floor(LAMBDA_MEMORY_MB / 10))}`]
  : [];

const SETTINGS = {
  endpointLatencyMs: 20,
  // The sync's configured concurrencies (defaults of NodeHttpTransport, HttpsGateway, syncCluster).
  endpointConcurrencyPerHost: 8,
  apiserverConnections: 4,
  writeConcurrency: 16,
  storeKind: 'ClusterSecretStore',
  workerMaxOldSpaceMb: WORKER_HEAP_MB || undefined,
  workerHeapFlags: LAMBDA_MEMORY_MB > 0 ? `as AWS's Node.js runtime sets them for a ${String(LAMBDA_MEMORY_MB)} MB function: ${LAMBDA_HEAP_FLAGS.join(' ')}` : 'Node defaults',
  worker: process.argv.includes('--unbundled') ? 'sources (type-stripped)' : 'bundled like the Lambda (esbuild, minified)',
  keysPerSecret: 3,
  stores: 5,
  ...(QUICK
    ? { externalSecrets: 100, namespaces: 2, largeExternalSecrets: 1_000, bundleSamples: 10 }
    : { externalSecrets: 1_000, namespaces: 10, largeExternalSecrets: 10_000, bundleSamples: 15 }),
};
const RSS_GOAL_MB = 256;
const RSS_GOAL_1K_MB = 150;
// Every run serves the ExternalSecrets' cadence: a scheduled tick, all due; the second finds nothing changed.
const TICK: Selection = { cadence: '1h' };
// The third run forces a refresh of this many ExternalSecrets only: the bytes read should follow them.
const FEW_DUE = 10;
const WRITE_VERBS = new Set(['POST', 'PUT', 'PATCH', 'APPLY', 'DELETE', 'DELETECOLLECTION']);
const READ_VERBS = new Set(['GET', 'LIST', 'WATCH']);
const SYNC_RESOURCES = new Set(['secrets', 'events']);

const log = (line: string): void => {
  process.stderr.write(`[bench] ${line}\n`);
};

interface RunFigures extends WorkerRun {
  /** Requests and TLS connections as the endpoint saw them. */
  readonly endpoint: { readonly requests: number; readonly distinct: number; readonly connections: number };
  /** Delta of apiserver_request_total for secrets/events, by verb; `other` = any other resource (background). */
  readonly apiserver: { readonly byVerb: Record<string, number>; readonly reads: number; readonly writes: number; readonly otherResources: number };
  /** Bytes the apiserver sent for secrets (delta of apiserver_response_sizes_sum), by verb and in all. */
  readonly secretBytes: { readonly byVerb: Record<string, number>; readonly total: number };
  /** The same run from the audit log, for the sync identity only (cross-check). */
  readonly audit: { readonly byVerb: Record<string, number>; readonly total: number };
  readonly latencyBoundMs: number;
}

interface ScenarioFigures {
  readonly shape: ScenarioShape;
  readonly loadConfigMs: number;
  /** first: all created; second: nothing changed; few: a forced refresh of FEW_DUE of them (reads follow the due set). */
  readonly runs: { readonly first: RunFigures; readonly second: RunFigures; readonly few: RunFigures };
  readonly peakRssMb: number;
  /** Where the RSS goes: after the imports alone, after parsing the config, and the sampled peak of live heap. */
  readonly memoryMb: { readonly afterImports: number; readonly afterConfig: number; readonly peakHeapUsed: number };
}

/** One request/reply at a time over the worker's IPC channel. */
class Worker {
  readonly #child: ChildProcess;
  #pending: { resolve: (r: WorkerReply) => void; reject: (e: Error) => void } | undefined;

  constructor(script: string) {
    this.#child = fork(script, [], {
      execPath: process.execPath,
      execArgv: [...LAMBDA_HEAP_FLAGS.filter((f) => !(WORKER_HEAP_MB && f.startsWith('--max-old-space-size'))), ...(WORKER_HEAP_MB ? [`--max-old-space-size=${String(WORKER_HEAP_MB)}`] : [])],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.#child.on('message', (reply: WorkerReply) => {
      const pending = this.#pending;
      this.#pending = undefined;
      if (reply.type === 'error') pending?.reject(new Error(`worker: ${reply.message}`));
      else pending?.resolve(reply);
    });
    this.#child.on('exit', (code, signal) => {
      this.#pending?.reject(new Error(`worker exited (${String(code ?? signal)})`));
      this.#pending = undefined;
    });
  }

  ask<T extends WorkerReply['type']>(request: WorkerRequest, expect: T): Promise<Extract<WorkerReply, { type: T }>> {
    return new Promise((resolve, reject) => {
      this.#pending = {
        resolve: (r) => { if (r.type === expect) resolve(r as Extract<WorkerReply, { type: T }>); else reject(new Error(`worker answered ${r.type}, expected ${expect}`)); },
        reject,
      };
      this.#child.send(request);
    });
  }

  kill(): void {
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill('SIGKILL');
  }
}

function countsByKey(counts: ApiserverRequestCount[]): Map<string, ApiserverRequestCount> {
  return new Map(counts.map((c) => [JSON.stringify(c.labels), c]));
}

function apiserverDelta(before: Map<string, ApiserverRequestCount>, after: Map<string, ApiserverRequestCount>): RunFigures['apiserver'] {
  const byVerb: Record<string, number> = {};
  let otherResources = 0;
  for (const [key, c] of after) {
    const delta = c.value - (before.get(key)?.value ?? 0);
    if (delta === 0) continue;
    // Non-resource URLs ('' resource) are the bench's own /metrics scrapes.
    if (c.resource === '') continue;
    if (!SYNC_RESOURCES.has(c.resource)) {
      otherResources += delta;
      continue;
    }
    byVerb[c.verb] = (byVerb[c.verb] ?? 0) + delta;
  }
  const sum = (verbs: Set<string>): number => Object.entries(byVerb).reduce((n, [v, d]) => n + (verbs.has(v) ? d : 0), 0);
  return { byVerb, reads: sum(READ_VERBS), writes: sum(WRITE_VERBS), otherResources };
}



// The worker runs bundled by default, like the deployed Lambda (one file, esbuild, minified):
// loading node_modules file by file costs about 35 MB more RSS. `--unbundled` runs the sources.
const UNBUNDLED = process.argv.includes('--unbundled');
let bundledWorker: Promise<string> | undefined;

function workerScript(): Promise<string> {
  if (UNBUNDLED) return Promise.resolve(join(ROOT, 'bench', 'worker.ts'));
  bundledWorker ??= bundleWorker(ROOT, join(ROOT, '.tmp', 'bench-worker.mjs'));
  return bundledWorker;
}

async function runScenario(cluster: LocalCluster, endpoint: HttpsEndpoint, shape: ScenarioShape): Promise<ScenarioFigures> {
  log(`scenario ${shape.prefix}: ${String(shape.externalSecrets)} ExternalSecrets x ${String(shape.keysPerSecret)} keys, ${String(shape.namespaces)} namespaces, ${String(shape.stores)} stores`);
  const identity = await syncIdentity(cluster, shape, endpoint);
  const worker = new Worker(await workerScript());
  try {
    const ready = await worker.ask({
      type: 'setup',
      manifests: manifestsFor(shape, endpoint),
      kubeconfig: identity.kubeconfig,
      concurrencyPerHost: SETTINGS.endpointConcurrencyPerHost,
    }, 'ready');
    const measure = async (name: string, selection: Selection = TICK): Promise<RunFigures> => {
      const requests0 = endpoint.requests.length;
      const connections0 = endpoint.connections;
      const auditLog = join(cluster.dir, 'audit.log');
      const audit0 = (await readAuditEvents(auditLog, { user: identity.user })).length;
      const metrics0 = countsByKey(await cluster.apiserverRequestCounts());
      const bytes0 = parseResponseBytes({ metrics: await cluster.metrics(), resource: 'secrets' });
      const { run } = await worker.ask({ type: 'run', selection }, 'ran');
      const bytes1 = parseResponseBytes({ metrics: await cluster.metrics(), resource: 'secrets' });
      const metrics1 = countsByKey(await cluster.apiserverRequestCounts());
      const bytesByVerb: Record<string, number> = {};
      for (const [verb, n] of Object.entries(bytes1)) if (n !== (bytes0[verb] ?? 0)) bytesByVerb[verb] = n - (bytes0[verb] ?? 0);
      const auditEvents = (await readAuditEvents(auditLog, { user: identity.user })).slice(audit0);
      const seen = endpoint.requests.slice(requests0);
      const distinct = new Set(seen.map((r) => `${r.method} ${r.path}`)).size;
      const byVerb: Record<string, number> = {};
      for (const e of auditEvents) byVerb[e.verb] = (byVerb[e.verb] ?? 0) + 1;
      const figures: RunFigures = {
        ...run,
        endpoint: { requests: seen.length, distinct, connections: endpoint.connections - connections0 },
        apiserver: apiserverDelta(metrics0, metrics1),
        secretBytes: { byVerb: bytesByVerb, total: Object.values(bytesByVerb).reduce((a, b) => a + b, 0) },
        audit: { byVerb, total: auditEvents.length },
        latencyBoundMs: (distinct * SETTINGS.endpointLatencyMs) / SETTINGS.endpointConcurrencyPerHost,
      };
      log(`  ${name} run: ${(run.wallMs / 1000).toFixed(2)} s, ${JSON.stringify(run.counts)}, endpoint ${String(seen.length)} requests, apiserver ${JSON.stringify(figures.apiserver.byVerb)}, secrets read ${kB(figures.secretBytes.total)}`);
      return figures;
    };
    const first = await measure('first');
    const second = await measure('second');
    const forced = Array.from({ length: FEW_DUE }, (_, i) => `${shape.prefix}-${String(i % shape.namespaces)}/${remoteKey(i)}`);
    const few = await measure(`forced refresh of ${String(FEW_DUE)}`, { externalSecrets: forced });
    const finished = await worker.ask({ type: 'finish' }, 'finished');
    const mb = (kb: number): number => Math.round(kb / 1024);
    return {
      shape,
      loadConfigMs: ready.loadConfigMs,
      runs: { first, second, few },
      peakRssMb: finished.maxRssKb / 1024,
      memoryMb: { afterImports: mb(ready.rssAfterImportsKb), afterConfig: mb(ready.rssAfterConfigKb), peakHeapUsed: mb(finished.peakHeapUsedKb) },
    };
  } finally {
    worker.kill();
  }
}

interface GoalRow {
  readonly metric: string;
  readonly value: string;
  readonly goal: string;
  /** undefined: reported for information, no goal. */
  readonly met: boolean | undefined;
}

const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const kB = (bytes: number): string => `${(bytes / 1000).toFixed(0)} kB`;
const verbs = (byVerb: Record<string, number>): string =>
  Object.entries(byVerb).sort(([a], [b]) => a.localeCompare(b)).map(([v, n]) => `${v} ${String(n)}`).join(', ') || 'none';

const memory = (s: ScenarioFigures): string =>
  `${s.peakRssMb.toFixed(0)} MB (imports ${String(s.memoryMb.afterImports)} MB, after config ${String(s.memoryMb.afterConfig)} MB, peak live heap ${String(s.memoryMb.peakHeapUsed)} MB)`;
const bytesRead = (s: ScenarioFigures): string =>
  `${kB(s.runs.first.secretBytes.total)} / ${kB(s.runs.second.secretBytes.total)} / ${kB(s.runs.few.secretBytes.total)} (${verbs(s.runs.few.apiserver.byVerb)})`;

function goalRows(main: ScenarioFigures, large: ScenarioFigures, bundle: BundleFigures): GoalRow[] {
  const { first, second } = main.runs;
  const eso = main.shape.externalSecrets * main.shape.keysPerSecret;
  const maxReads = 1 + main.shape.namespaces;
  const bound = 1.5 * first.latencyBoundMs;
  const n = main.shape.externalSecrets.toLocaleString('en-US');
  const bundleEntry = bundle.entry === 'functions/sync/handler.ts' ? 'Lambda bundle' : `bundle of ${bundle.entry} (handler not bundlable)`;
  return [
    { metric: `endpoint requests, first run (${n} ES)`, value: `${String(first.endpoint.requests)} (distinct rendered ${String(first.endpoint.distinct)}; ESO ${String(eso)})`, goal: '= distinct', met: first.endpoint.requests === first.endpoint.distinct },
    { metric: 'apiserver requests, first run', value: verbs(first.apiserver.byVerb), goal: '(report)', met: undefined },
    { metric: 'apiserver requests, second run (nothing changed)', value: `${String(second.apiserver.writes)} writes, ${String(second.apiserver.reads)} reads (${verbs(second.apiserver.byVerb)})`, goal: `0 writes, <= ${String(maxReads)} reads`, met: second.apiserver.writes === 0 && second.apiserver.reads <= maxReads },
    { metric: `apiserver bytes read for secrets, first / steady / forced ${String(FEW_DUE)}`, value: bytesRead(main), goal: 'forced < steady', met: main.runs.few.secretBytes.total < main.runs.second.secretBytes.total },
    { metric: 'TLS connections to apiserver, first run', value: String(first.apiserverConnections), goal: `<= ${String(SETTINGS.apiserverConnections)}`, met: first.apiserverConnections <= SETTINGS.apiserverConnections },
    { metric: 'TLS connections to endpoint, first run', value: String(first.endpoint.connections), goal: `<= ${String(SETTINGS.endpointConcurrencyPerHost)}`, met: first.endpoint.connections <= SETTINGS.endpointConcurrencyPerHost },
    { metric: 'wall time, first run', value: `${secs(first.wallMs)} (${(first.wallMs / first.latencyBoundMs).toFixed(2)}x the ${secs(first.latencyBoundMs)} latency bound)`, goal: `<= 1.5x = ${secs(bound)}`, met: first.wallMs <= bound },
    { metric: 'wall time, steady-state run', value: `${secs(second.wallMs)} (${(second.wallMs / second.latencyBoundMs).toFixed(2)}x the ${secs(second.latencyBoundMs)} bound)`, goal: '(report)', met: undefined },
    { metric: `peak RSS at ${n} ES`, value: memory(main), goal: `<= ${String(RSS_GOAL_1K_MB)} MB at 1,000 (ESO 129-139 MB)`, met: main.shape.externalSecrets < 1_000 ? undefined : main.peakRssMb <= RSS_GOAL_1K_MB },
    { metric: `peak RSS at ${large.shape.externalSecrets.toLocaleString('en-US')} ES`, value: memory(large), goal: `<= ${String(RSS_GOAL_MB)} MB at 10,000`, met: large.peakRssMb <= RSS_GOAL_MB },
    { metric: `apiserver bytes read at ${large.shape.externalSecrets.toLocaleString('en-US')} ES, first / steady / forced ${String(FEW_DUE)}`, value: bytesRead(large), goal: '(report)', met: undefined },
    { metric: `wall time at ${large.shape.externalSecrets.toLocaleString('en-US')} ES, first / steady-state`, value: `${secs(large.runs.first.wallMs)} / ${secs(large.runs.second.wallMs)} (bound ${secs(large.runs.first.latencyBoundMs)})`, goal: '(report)', met: undefined },
    { metric: `${bundleEntry}: size, minified`, value: `${(bundle.bytes / 1e6).toFixed(2)} MB (${(bundle.bytesAwsSdkExternal / 1e6).toFixed(2)} MB with @aws-sdk/* external)`, goal: '<= 1.5 MB', met: bundle.bytes <= 1.5e6 },
    { metric: `${bundleEntry}: module init, median of ${String(bundle.initMs.samples.length)}`, value: `${bundle.initMs.median.toFixed(0)} ms (unbundled import ${bundle.unbundledImportMs.median.toFixed(0)} ms)`, goal: '<= 150 ms', met: bundle.initMs.median <= 150 },
  ];
}

function printTable(rows: readonly GoalRow[]): void {
  const cells = [['metric', 'value', 'goal', 'met'], ...rows.map((r) => [r.metric, r.value, r.goal, r.met === undefined ? '-' : r.met ? 'yes' : 'NO'])];
  const widths = [0, 1, 2, 3].map((i) => Math.max(...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: string[]): string => c.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ').trimEnd();
  process.stdout.write(`${line(cells[0] ?? [])}\n${widths.map((w) => '-'.repeat(w)).join('-|-')}\n`);
  for (const c of cells.slice(1)) process.stdout.write(`${line(c)}\n`);
}

async function main(): Promise<void> {
  const started = Date.now();
  const cluster = await startLocalCluster({ onProgress: log });
  const endpoint = await startHttpsEndpoint();
  try {
    endpoint.on('GET', (r) => r.path.startsWith('/s'), (r) => ({
      delayMs: SETTINGS.endpointLatencyMs,
      body: bodyFor(r.path.split('/').pop() ?? ''),
    }));
    const base = { stores: SETTINGS.stores, keysPerSecret: SETTINGS.keysPerSecret, namespaces: SETTINGS.namespaces };
    const mainScenario = await runScenario(cluster, endpoint, { ...base, prefix: 'bench-main', externalSecrets: SETTINGS.externalSecrets });
    const largeScenario = await runScenario(cluster, endpoint, { ...base, prefix: 'bench-large', externalSecrets: SETTINGS.largeExternalSecrets });
    log('bundling and timing module init');
    const bundle = await measureBundle({ root: ROOT, node: process.execPath, samples: SETTINGS.bundleSamples });
    // The sharded run simulated with one process per shard (bench/shards.ts): tiny in --quick, sized by --es= etc. with --shards.
    const shards = QUICK || process.argv.includes('--shards') ? await runShardBench({ cluster, endpoint, options: shardOptionsFrom(process.argv), log }) : undefined;
    const rows = goalRows(mainScenario, largeScenario, bundle);
    const results = {
      mode: QUICK ? 'quick' : 'full',
      generatedAt: new Date().toISOString(),
      machine: { node: process.version, cpus: cpus().length, memoryGb: Math.round(totalmem() / 2 ** 30) },
      settings: SETTINGS,
      goals: rows,
      scenarios: { main: mainScenario, large: largeScenario },
      bundle,
      ...(shards ? { shards } : {}),
      benchSeconds: Math.round((Date.now() - started) / 1000),
    };
    const name = `${QUICK ? 'quick' : 'latest'}${WORKER_HEAP_MB ? `-heap${String(WORKER_HEAP_MB)}` : ''}${LAMBDA_MEMORY_MB === 256 ? '' : `-lambda${String(LAMBDA_MEMORY_MB)}`}.json`;
    const out = join(ROOT, 'bench', 'results', name);
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write(`\nwebhook-secret-sync bench (${results.mode}): ${String(SETTINGS.externalSecrets)} ES x ${String(SETTINGS.keysPerSecret)} keys, ${String(SETTINGS.namespaces)} namespaces, ${String(SETTINGS.stores)} ${SETTINGS.storeKind}s, endpoint +${String(SETTINGS.endpointLatencyMs)} ms; concurrency: endpoint ${String(SETTINGS.endpointConcurrencyPerHost)}/host, apiserver ${String(SETTINGS.apiserverConnections)} connections, writes ${String(SETTINGS.writeConcurrency)}\n\n`);
    printTable(rows);
    process.stdout.write(`\n${formatModuleTable(bundle)}`);
    if (shards) process.stdout.write(`\n${shardSummary(shards)}\n`);
    const missed = rows.filter((r) => r.met === false).length;
    process.stdout.write(`\n${missed === 0 ? 'all goals met' : `${String(missed)} goal(s) missed`} (timings never fail the build); results: ${out.slice(ROOT.length + 1)}\n`);
  } finally {
    await endpoint.close();
    await cluster.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`[bench] crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
