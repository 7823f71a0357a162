/**
 * What the stack deploys, derived at synth time from the manifests: one entry per distinct
 * refreshInterval, with the ExternalSecrets it owns at synth time (routing is decided at run time).
 */
import { loadConfigFromPaths } from '../src/config/load.ts';
import type { Config } from '../src/config/types.ts';
import { formatDuration, parseGoDuration } from '../src/model/duration.ts';

export interface CadencePlan {
  /** Canonical name (`15m`, `1h`), the schedule's input and the function's WSS_CADENCE. */
  readonly cadence: string;
  readonly refreshMs: number;
  /** `ns/name` of the ExternalSecrets with this refreshInterval. */
  readonly externalSecrets: readonly string[];
}

/** A cadence EventBridge Scheduler cannot express (its shortest rate is 1 minute, whole minutes). */
export class CadencePlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CadencePlanError';
  }
}

/**
 * ExternalSecrets with refreshInterval 0 get no schedule (ESO: no periodic refresh); any run creates
 * their missing Secret and the shortest cadence's function takes their forced refreshes.
 *
 * @example
 * ```ts
 * planFromConfig(config); // [{ cadence: '15m', refreshMs: 900000, externalSecrets: ['apps/db'] }, ...]
 * ```
 */
export function planFromConfig(config: Config): CadencePlan[] {
  const byCadence = new Map<string, { refreshMs: number; ids: string[] }>();
  const unscheduled: string[] = [];
  for (const es of config.externalSecrets) {
    const id = `${es.namespace}/${es.name}`;
    if (es.refreshMs <= 0) {
      unscheduled.push(id);
      continue;
    }
    const entry = byCadence.get(es.cadence) ?? { refreshMs: es.refreshMs, ids: [] };
    entry.ids.push(id);
    byCadence.set(es.cadence, entry);
  }
  const plans = [...byCadence].map(([cadence, e]) => plan(cadence, e.refreshMs, e.ids)).sort((a, b) => a.refreshMs - b.refreshMs);
  const [first, ...rest] = plans;
  if (!first) {
    if (config.externalSecrets.length === 0) throw new CadencePlanError('the manifests define no ExternalSecret: nothing to schedule');
    return [plan('1h', 3_600_000, unscheduled)];
  }
  return [{ ...first, externalSecrets: [...first.externalSecrets, ...unscheduled].sort() }, ...rest];
}

/**
 * `-c cadences=15m,1h`: schedules without reading manifests.
 *
 * @example
 * ```ts
 * planFromCadences('15m,1h');
 * ```
 */
export function planFromCadences(list: string): CadencePlan[] {
  const seen = new Map<string, CadencePlan>();
  for (const text of list.split(',').map((s) => s.trim()).filter(Boolean)) {
    let ms: number;
    try {
      ms = parseGoDuration(text);
    } catch (e) {
      throw new CadencePlanError(`-c cadences: ${(e as Error).message}`);
    }
    const cadence = formatDuration(ms);
    seen.set(cadence, plan(cadence, ms, []));
  }
  if (seen.size === 0) throw new CadencePlanError('-c cadences: expected a comma-separated list such as 15m,1h');
  return [...seen.values()].sort((a, b) => a.refreshMs - b.refreshMs);
}

/** Reads and validates the manifests (throws ConfigValidationError, whose issues `validate` prints). */
export async function planFromManifests(dir: string, defaultNamespace = 'default'): Promise<CadencePlan[]> {
  return planFromConfig(await loadConfigFromPaths([dir], { defaultNamespace }));
}

function plan(cadence: string, refreshMs: number, ids: readonly string[]): CadencePlan {
  if (refreshMs < 60_000 || refreshMs % 60_000 !== 0) {
    throw new CadencePlanError(`refreshInterval ${cadence} (${ids.slice(0, 3).join(', ') || 'cadences'}): EventBridge Scheduler runs at whole minutes, at least 1m; use e.g. 1m or 15m`);
  }
  return { cadence, refreshMs, externalSecrets: [...ids].sort() };
}
