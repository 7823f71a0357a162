/**
 * The period of a cadence's "an ExternalSecret failed" alarm. CloudWatch accepts a period of at
 * most one day (and period × evaluation periods of at most seven days), so a cadence longer than a
 * day cannot be the period: the alarm then looks at one day and keeps its state through the days
 * without a run, so a failure stays in alarm until a later run reports none.
 */
import { Duration } from 'aws-cdk-lib';
import { TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';

/** CloudWatch's longest alarm period. */
export const MAX_ALARM_PERIOD_MS = 86_400_000;
/** Shorter periods would alarm on nothing: a run reports its metrics once. */
export const MIN_ALARM_PERIOD_MS = 300_000;

export interface AlarmWindow {
  readonly period: Duration;
  readonly evaluationPeriods: 1;
  readonly treatMissingData: TreatMissingData;
}

/**
 * @example
 * ```ts
 * alarmWindow(3_600_000);      // 1 hour, missing data not breaching (a run every period)
 * alarmWindow(2_592_000_000);  // 720h cadence: 1 day, missing data ignored (the last run's state holds)
 * ```
 */
export function alarmWindow(refreshMs: number): AlarmWindow {
  const periodMs = Math.min(MAX_ALARM_PERIOD_MS, Math.max(MIN_ALARM_PERIOD_MS, refreshMs));
  return {
    period: Duration.seconds(Math.round(periodMs / 1000)),
    evaluationPeriods: 1,
    // Every run reports ExternalSecretsFailed (0 when none failed), so ignoring the empty days
    // between runs keeps exactly the last run's verdict.
    treatMissingData: refreshMs > periodMs ? TreatMissingData.IGNORE : TreatMissingData.NOT_BREACHING,
  };
}
