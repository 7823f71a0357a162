/**
 * One sync run wired with the real adapters: the same function serves the CLI, `run --local` and
 * the Lambda handler.
 */
import type { InvalidDocument } from '../config/partial.ts';
import type { Config } from '../config/types.ts';
import type { KubeGateway } from '../kube/gateway.ts';
import { setLongTimeout } from '../model/long-timer.ts';
import type { RetryOptions } from '../providers/webhook/retry.ts';
import { NodeHttpTransport } from '../providers/webhook/transport.ts';
import { normaliseSelection } from '../sync/cadence.ts';
import type { EsoTakeOverGate } from '../sync/adopt-eso.ts';
import { syncCluster } from '../sync/cluster-sync.ts';
import type { Selection } from '../sync/due.ts';
import type { PruneLimit } from '../sync/prune-limit.ts';
import type { RunSummary } from '../sync/result.ts';
import { withInvalidDocuments } from './invalid-documents.ts';
import { runProviders } from './providers.ts';

export interface RunOptions {
  readonly gateway: KubeGateway;
  readonly config: Config;
  readonly source: string;
  readonly extraNamespaces?: readonly string[];
  readonly selection: Selection;
  /**
   * Epoch ms: no ExternalSecret starts after it and endpoint requests are cut at it (unfinished
   * ExternalSecrets are skipped, "time budget"). Bind the gateway to the same deadline
   * (`HttpsGateway.withSignal`) so apiserver calls stop too.
   */
  readonly deadline?: number;
  /** Aborts every endpoint request of the run; the caller's end of the run. */
  readonly signal?: AbortSignal;
  readonly prune?: boolean;
  /**
   * Documents of the source that failed to load (see `loadConfigPartial`): each is reported as a
   * failed outcome, and the run prunes nothing, whatever `prune` says (one of them may be the
   * ExternalSecret of a Secret that must stay).
   */
  readonly invalid?: readonly InvalidDocument[];
  /** Prune at most this many Owner Secrets per run (default 50% of this source's); above it, none. */
  readonly maxPrune?: PruneLimit;
  /** Reuse one transport across runs (keeps endpoint connections warm in `run --local` and Lambda). */
  readonly http?: NodeHttpTransport;
  /** Endpoint retry tuning (tests shorten the delays). */
  readonly retry?: RetryOptions;
  /** May ESO-managed targets be adopted? Default: never (the migration runbook's `sync --take-over-from-eso`). */
  readonly esoTakeOver?: EsoTakeOverGate;
}

/**
 * @example
 * ```ts
 * const summary = await runOnce({ gateway, config, source, selection: { cadence: '1h' } });
 * ```
 * @throws {UnknownCadenceError} when `selection.cadence` is not a cadence of the config or a schedule
 */
export async function runOnce(o: RunOptions): Promise<RunSummary> {
  // `60m` is `1h`; a cadence nobody serves fails the run before anything is read or fetched.
  const selection = normaliseSelection(o.selection, o.config.externalSecrets, (o.invalid ?? []).flatMap((d) => (d.cadence ? [d.cadence] : [])));
  const http = o.http ?? new NodeHttpTransport();
  const invalid = o.invalid ?? [];
  const prune = invalid.length > 0 ? false : o.prune;
  const stop = runSignal(o.deadline, o.signal);
  try {
    const providers = runProviders({ http, references: o.gateway, signal: stop.signal, ...(o.deadline !== undefined ? { deadline: o.deadline } : {}), ...(o.retry ? { retry: o.retry } : {}) });
    const summary = await syncCluster({
      config: o.config,
      gateway: o.gateway,
      selection,
      clientFor: providers.clientFor,
      endpointRequests: () => providers.requests.sent,
      source: o.source,
      ...(o.extraNamespaces ? { extraNamespaces: o.extraNamespaces } : {}),
      ...(o.deadline !== undefined ? { deadline: o.deadline } : {}),
      ...(prune !== undefined ? { prune } : {}),
      ...(o.maxPrune ? { maxPrune: o.maxPrune } : {}),
      ...(o.esoTakeOver ? { esoTakeOver: o.esoTakeOver } : {}),
    });
    return withInvalidDocuments(summary, invalid);
  } finally {
    stop.clear();
    if (!o.http) await http.close();
  }
}

/** One signal for the run: aborted at the deadline or when the caller aborts, whichever comes first. */
function runSignal(deadline: number | undefined, caller: AbortSignal | undefined): { signal: AbortSignal; clear: () => void } {
  const controller = new AbortController();
  const onAbort = (): void => { controller.abort(caller?.reason); };
  if (caller?.aborted) onAbort();
  else caller?.addEventListener('abort', onAbort, { once: true });
  // A long timer: a far deadline must not overflow Node's 24.8-day setTimeout (which then fires at once).
  const timer = deadline === undefined ? undefined : setLongTimeout(() => { controller.abort(new Error('time budget')); }, Math.max(0, deadline - Date.now()), { unref: true });
  return {
    signal: controller.signal,
    clear: () => {
      timer?.clear();
      caller?.removeEventListener('abort', onAbort);
    },
  };
}
