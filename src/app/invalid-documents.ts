/**
 * Invalid documents in a run's report: each one is a failed outcome naming where it is and what is
 * wrong, so a broken document is seen (exit 1, `SyncRunHadFailures`) without stopping the others.
 */
import { formatIssue } from '../config/issues.ts';
import type { InvalidDocument } from '../config/partial.ts';
import { countOutcomes, type Outcome, type RunSummary } from '../sync/result.ts';

/** The reason of an outcome for a document that could not be used. */
export const INVALID_MANIFEST = 'InvalidManifest';

/**
 * One failed outcome per invalid document: an ExternalSecret under its `ns/name` (and target, when
 * readable); a store as `(SecretStore ns/name)`; anything else as `(<source>: document N)`.
 *
 * @example
 * ```ts
 * invalidOutcomes(invalid); // [{ externalSecret: 'apps/db', result: 'failed', reason: 'InvalidManifest', ... }]
 * ```
 */
export function invalidOutcomes(invalid: readonly InvalidDocument[]): Outcome[] {
  return invalid.map((d) => {
    const named = d.kind !== undefined && d.name !== undefined;
    const externalSecret = d.kind === 'ExternalSecret' && named
      ? `${d.namespace ?? ''}/${d.name ?? ''}`
      : named ? `(${d.kind ?? ''} ${d.namespace ? `${d.namespace}/` : ''}${d.name ?? ''})` : `(${d.origin.source}: document ${String(d.origin.document)})`;
    return {
      externalSecret,
      target: d.targetName !== undefined ? `${d.namespace ?? ''}/${d.targetName}` : '',
      cadence: d.cadence ?? '',
      result: 'failed',
      reason: INVALID_MANIFEST,
      message: d.issues.map(formatIssue).join('; '),
    };
  });
}

/**
 * The run's summary with the invalid documents added as failures (counts included).
 *
 * @example
 * ```ts
 * const report = withInvalidDocuments(await syncCluster(...), loaded.invalid);
 * ```
 */
export function withInvalidDocuments(summary: RunSummary, invalid: readonly InvalidDocument[]): RunSummary {
  if (invalid.length === 0) return summary;
  const outcomes = [...summary.outcomes, ...invalidOutcomes(invalid)];
  return { ...summary, outcomes, counts: countOutcomes(outcomes) };
}

/**
 * How a failed outcome is introduced on a line of its own: `ExternalSecret ns/name`, or the
 * parenthesised name of a document that is not an ExternalSecret.
 *
 * @example
 * ```ts
 * io.err(`${subjectOf(o)}: ${o.message}\n`);
 * ```
 */
export function subjectOf(o: Outcome): string {
  return o.externalSecret.startsWith('(') ? o.externalSecret : `ExternalSecret ${o.externalSecret}`;
}
