/** Results of a run: what happened to each ExternalSecret, with ESO's reasons where they mean the same. */

export const REASONS = {
  created: 'Created',
  updated: 'Updated',
  deleted: 'Deleted',
  updateFailed: 'UpdateFailed',
  synced: 'SecretSynced',
  secretMissing: 'SecretMissing',
  notDue: 'NotDue',
  deadline: 'DeadlineReached',
  none: 'CreationPolicyNone',
  stateMissing: 'StateMissing',
} as const;

export interface Outcome {
  readonly externalSecret: string;
  readonly target: string;
  readonly cadence: string;
  readonly result: 'created' | 'updated' | 'unchanged' | 'deleted' | 'skipped' | 'failed';
  readonly reason: string;
  readonly message: string;
}

export interface RunSummary {
  readonly outcomes: readonly Outcome[];
  readonly counts: Readonly<Record<Outcome['result'], number>>;
  /** Endpoint requests actually sent, and how many entries asked (what ESO would send). */
  readonly endpointRequests: number;
  readonly entriesFetched: number;
  readonly durationMs: number;
}

export function countOutcomes(outcomes: readonly Outcome[]): Record<Outcome['result'], number> {
  const counts = { created: 0, updated: 0, unchanged: 0, deleted: 0, skipped: 0, failed: 0 };
  for (const o of outcomes) counts[o.result]++;
  return counts;
}
