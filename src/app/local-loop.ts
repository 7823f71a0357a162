/**
 * `run --local`: a plain process that syncs on each ExternalSecret's cadence until stopped, with
 * the same engine as the Lambda. The config is re-read from its source before every run.
 */
import type { KubeGateway } from '../kube/gateway.ts';
import { setLongInterval, type LongTimer } from '../model/long-timer.ts';
import { NodeHttpTransport } from '../providers/webhook/transport.ts';
import type { RunSummary } from '../sync/result.ts';
import type { LoadedConfig } from './config-source.ts';
import type { PruneLimit } from '../sync/prune-limit.ts';
import { runOnce } from './run.ts';

export interface LocalLoopOptions {
  readonly gateway: KubeGateway;
  load(): Promise<LoadedConfig>;
  onRun(cadence: string, summary: RunSummary): void;
  onError(cadence: string, error: Error): void;
  readonly signal: AbortSignal;
  /** Prune at most this many Owner Secrets per run (default: the engine's 50%). */
  readonly maxPrune?: PruneLimit;
}

/**
 * Runs once for everything due, then one timer per distinct refreshInterval; resolves when
 * `signal` aborts and the run in flight has finished.
 *
 * @example
 * ```ts
 * const stop = new AbortController(); process.once('SIGINT', () => stop.abort());
 * await runLocalLoop({ gateway, load, onRun, onError, signal: stop.signal });
 * ```
 */
export async function runLocalLoop(o: LocalLoopOptions): Promise<void> {
  const http = new NodeHttpTransport();
  let chain: Promise<void> = Promise.resolve();
  const scheduled: string[] = [];
  const run = (cadence: string | undefined): Promise<void> => {
    // Runs never overlap: each waits for the previous one, like one reserved Lambda per cadence.
    chain = chain.then(async () => {
      if (o.signal.aborted) return;
      try {
        const loaded = await o.load();
        const summary = await runOnce({ gateway: o.gateway, http, config: loaded.config, source: loaded.source, extraNamespaces: loaded.extraNamespaces, invalid: loaded.invalid, selection: { cadence, scheduledCadences: scheduled }, signal: o.signal, ...(o.maxPrune ? { maxPrune: o.maxPrune } : {}) });
        o.onRun(cadence ?? 'start', summary);
      } catch (e) {
        o.onError(cadence ?? 'start', e as Error);
      }
    });
    return chain;
  };
  const timers: LongTimer[] = [];
  try {
    await run(undefined);
    const cadences = new Map<string, number>();
    for (const es of (await o.load()).config.externalSecrets) if (es.refreshMs > 0) cadences.set(es.cadence, es.refreshMs);
    for (const [cadence, ms] of cadences) {
      scheduled.push(cadence);
      // Any refreshInterval: Node's own setInterval turns one beyond 24.8 days into 1 ms.
      timers.push(setLongInterval(() => void run(cadence), ms));
    }
    await new Promise<void>((resolve) => {
      if (o.signal.aborted) resolve();
      o.signal.addEventListener('abort', () => { resolve(); }, { once: true });
    });
  } finally {
    for (const t of timers) t.clear();
    await chain;
    await http.close();
  }
}
