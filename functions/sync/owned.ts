/**
 * ForceRefresh routing, decided at run time from the current ConfigMap: every function receives
 * every named ForceRefresh and keeps the names it owns now (an ExternalSecret added or moved after
 * deploy included), so one ExternalSecret is synced once, by one function. Nothing owned means
 * nothing to do (never a fallback to a due pass). Names the config does not define are reported
 * as skipped (`NotServed`) by one function only: the one that takes unscheduled cadences.
 */
import type { Config } from '../../src/config/types.ts';
import { parseGoDuration } from '../../src/model/duration.ts';
import type { Selection } from '../../src/sync/due.ts';
import { countOutcomes, REASONS, type RunSummary } from '../../src/sync/result.ts';
import type { Trigger } from './event.ts';
import type { ReportItem, RunReport } from './report.ts';

export interface FunctionIdentity {
  readonly cadence: string | undefined;
  readonly scheduledCadences: readonly string[];
}

export interface Route {
  /** What this function runs; undefined when none of the names is its own. */
  readonly selection: Selection | undefined;
  /** Named ExternalSecrets that no deployed function serves (the config does not define them). */
  readonly unserved: readonly string[];
}

export const NOT_SERVED = 'NotServed';

/**
 * @example
 * ```ts
 * ownedSelection({ externalSecrets: ['apps/db', 'apps/api'] }, config, { cadence: '1h', scheduledCadences: ['15m', '1h'] });
 * ```
 */
export function ownedSelection(selection: Selection, config: Config, fn: FunctionIdentity): Selection {
  const names = selection.externalSecrets;
  if (!names || names.length === 0 || fn.cadence === undefined || fn.scheduledCadences.length === 0) return selection;
  const shortest = shortestOf(fn.scheduledCadences);
  const owns = (id: string): boolean => {
    const es = config.externalSecrets.find((e) => `${e.namespace}/${e.name}` === id);
    if (!es) return false;
    // A cadence with no function of its own (refreshInterval 0, or not deployed) is the shortest one's.
    return fn.scheduledCadences.includes(es.cadence) ? es.cadence === fn.cadence : fn.cadence === shortest;
  };
  return { ...selection, externalSecrets: names.filter(owns) };
}

/**
 * What one invocation runs and reports: a schedule runs its cadence; a direct invoke runs what it
 * names; a routed ForceRefresh runs the names this function owns now, or nothing.
 *
 * @example
 * ```ts
 * routeFor({ kind: 'force-refresh' }, { externalSecrets: ['apps/new'] }, config, settings); // { selection: ..., unserved: [] }
 * ```
 */
export function routeFor(trigger: Trigger, selection: Selection, config: Config, fn: FunctionIdentity): Route {
  if (trigger.kind === 'schedule') return { selection, unserved: [] };
  const known = new Set(config.externalSecrets.map((e) => `${e.namespace}/${e.name}`));
  const unknown = (selection.externalSecrets ?? []).filter((id) => !known.has(id));
  if (trigger.kind === 'manual') return { selection, unserved: unknown };
  const owned = ownedSelection(selection, config, fn);
  const takesLeftovers = fn.cadence === undefined || fn.scheduledCadences.length === 0 || fn.cadence === shortestOf(fn.scheduledCadences);
  return {
    selection: owned.all || (owned.externalSecrets?.length ?? 0) > 0 ? owned : undefined,
    unserved: takesLeftovers ? unknown : [],
  };
}

/** The summary of a run that had nothing to do. */
export function idleSummary(): RunSummary {
  return { outcomes: [], counts: { created: 0, updated: 0, unchanged: 0, deleted: 0, skipped: 0, failed: 0 }, endpointRequests: 0, entriesFetched: 0, durationMs: 0 };
}

/**
 * What the handler reports when the run still had not returned well after its deadline (something
 * ignored the run's abort): one skipped line saying so; the run's leftovers are abandoned.
 *
 * @example
 * ```ts
 * reportOf(abandonedSummary('1h'), trigger).skipped[0]?.reason; // 'DeadlineReached'
 * ```
 */
export function abandonedSummary(cadence: string): RunSummary {
  const outcome = { externalSecret: '(run)', target: '', cadence, result: 'skipped', reason: REASONS.deadline, message: 'time budget: the run had not finished by its deadline; its unfinished ExternalSecrets were abandoned, their Secrets untouched' } as const;
  return { outcomes: [outcome], counts: countOutcomes([outcome]), endpointRequests: 0, entriesFetched: 0, durationMs: 0 };
}

/**
 * Adds the unserved names to the report's skipped list (and count), so the result event and
 * `refresh` name them.
 *
 * @example
 * ```ts
 * withUnserved(report, ['apps/unknown'], 'configmap:webhook-secret-sync/webhook-secret-sync');
 * ```
 */
export function withUnserved(report: RunReport, unserved: readonly string[], source: string): RunReport {
  if (unserved.length === 0) return report;
  const items: ReportItem[] = unserved.map((id) => ({
    externalSecret: id,
    target: '',
    cadence: '',
    result: 'skipped',
    reason: NOT_SERVED,
    message: `no ExternalSecret ${id} in ${source}: no deployed function serves it`,
  }));
  return { ...report, counts: { ...report.counts, skipped: report.counts.skipped + items.length }, skipped: [...report.skipped, ...items] };
}

function shortestOf(cadences: readonly string[]): string | undefined {
  return [...cadences].sort((a, b) => parseGoDuration(a) - parseGoDuration(b))[0];
}
