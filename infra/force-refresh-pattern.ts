/**
 * The EventBridge patterns of one function's ForceRefresh rule. Routing by name happens at run
 * time (functions/sync/owned.ts): every function receives every named ForceRefresh and keeps the
 * ExternalSecrets it owns in the current ConfigMap, so names added or moved after deploy are
 * served. `{"all": true}` goes to one function (the shortest cadence), which syncs everything once.
 */
import { Match, type EventPattern } from 'aws-cdk-lib/aws-events';
import { DETAIL_TYPES } from '../src/aws/events.ts';

/**
 * @example
 * ```ts
 * forceRefreshPatterns({ includeAll: true }); // named refreshes, and {"all": true}
 * ```
 */
export function forceRefreshPatterns(options: { readonly includeAll: boolean }): EventPattern[] {
  const base = { detailType: [DETAIL_TYPES.forceRefresh] };
  const patterns: EventPattern[] = [{ ...base, detail: { externalSecrets: Match.exists() } }];
  if (options.includeAll) patterns.push({ ...base, detail: { all: [true] } });
  return patterns;
}
