/**
 * A ForceRefresh event that names ExternalSecrets of several cadences reaches every matching
 * function; each keeps only the names it owns, so one ExternalSecret is synced once, not N times.
 */
import type { Config } from '../../src/config/types.ts';
import { parseGoDuration } from '../../src/model/duration.ts';
import type { Selection } from '../../src/sync/due.ts';

/**
 * @example
 * ```ts
 * ownedSelection({ externalSecrets: ['apps/db', 'apps/api'] }, config, { cadence: '1h', scheduledCadences: ['15m', '1h'] });
 * ```
 */
export function ownedSelection(selection: Selection, config: Config, fn: { cadence: string | undefined; scheduledCadences: readonly string[] }): Selection {
  const names = selection.externalSecrets;
  if (!names || names.length === 0 || fn.cadence === undefined || fn.scheduledCadences.length === 0) return selection;
  const shortest = [...fn.scheduledCadences].sort((a, b) => parseGoDuration(a) - parseGoDuration(b))[0];
  const owns = (id: string): boolean => {
    const es = config.externalSecrets.find((e) => `${e.namespace}/${e.name}` === id);
    if (!es) return false;
    // A cadence with no function of its own (refreshInterval 0, or not deployed) is the shortest one's.
    return fn.scheduledCadences.includes(es.cadence) ? es.cadence === fn.cadence : fn.cadence === shortest;
  };
  return { ...selection, externalSecrets: names.filter(owns) };
}
