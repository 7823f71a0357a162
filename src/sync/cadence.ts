/**
 * Cadences compared in one spelling: a run's selection is normalised (`60m` is `1h`) and a cadence
 * nobody serves is refused, so a typo in a schedule or on the command line never silently syncs nothing.
 */
import type { ExternalSecretDef } from '../config/types.ts';
import { canonicalCadence } from '../model/duration.ts';
import type { Selection } from './due.ts';
import { UnknownCadenceError } from './errors.ts';

/**
 * The selection with its cadence and scheduled cadences in canonical form.
 *
 * @param known cadences the config defines besides `externalSecrets` (e.g. those of invalid documents)
 * @throws {UnknownCadenceError} when the cadence is not a positive Go duration, or no ExternalSecret
 *   and no scheduled cadence has it
 * @example
 * ```ts
 * normaliseSelection({ cadence: '60m' }, config.externalSecrets); // { cadence: '1h' } when an ExternalSecret refreshes every 1h
 * ```
 */
export function normaliseSelection(selection: Selection, externalSecrets: readonly ExternalSecretDef[], known: readonly string[] = []): Selection {
  const scheduled = selection.scheduledCadences?.map((c) => canonicalOrThrow(c, 'scheduled cadence'));
  if (selection.cadence === undefined) return scheduled ? { ...selection, scheduledCadences: scheduled } : selection;
  const cadence = canonicalOrThrow(selection.cadence, 'cadence');
  const served = new Set([...externalSecrets.filter((es) => es.refreshMs > 0).map((es) => es.cadence), ...known, ...(scheduled ?? [])]);
  if (!served.has(cadence)) {
    const list = [...served].sort().join(', ') || 'none';
    throw new UnknownCadenceError(`cadence ${JSON.stringify(selection.cadence)}${cadence === selection.cadence ? '' : ` (${cadence})`} is not the refreshInterval of any ExternalSecret in the config: known cadences are ${list}`);
  }
  return { ...selection, cadence, ...(scheduled ? { scheduledCadences: scheduled } : {}) };
}

function canonicalOrThrow(text: string, what: string): string {
  try {
    return canonicalCadence(text);
  } catch (e) {
    throw new UnknownCadenceError(`${what}: ${(e as Error).message}`, { cause: e });
  }
}
