/**
 * EventBridge patterns that route a ForceRefresh event to the function owning the ExternalSecret.
 * `detail.externalSecrets` is an array in the event; EventBridge matches when any element is listed.
 */
import type { EventPattern } from 'aws-cdk-lib/aws-events';
import { DETAIL_TYPES } from '../src/aws/events.ts';
import type { CadencePlan } from './cadence-plan.ts';

/** EventBridge caps a pattern at 4096 characters; stay well under with room for the envelope. */
const MAX_NAMES_CHARS = 3_000;

/**
 * @example
 * ```ts
 * forceRefreshPatterns({ cadence: '1h', refreshMs: 3600000, externalSecrets: ['apps/db'] }, { includeAll: true });
 * ```
 */
export function forceRefreshPatterns(plan: CadencePlan, options: { readonly includeAll: boolean }): EventPattern[] {
  const base = { detailType: [DETAIL_TYPES.forceRefresh] };
  const patterns: EventPattern[] = chunks(plan.externalSecrets).map((names) => ({ ...base, detail: { externalSecrets: names } }));
  if (options.includeAll) patterns.push({ ...base, detail: { all: [true] } });
  return patterns;
}

function chunks(names: readonly string[]): string[][] {
  const out: string[][] = [];
  let current: string[] = [];
  let size = 0;
  for (const name of names) {
    if (current.length > 0 && size + name.length + 3 > MAX_NAMES_CHARS) {
      out.push(current);
      current = [];
      size = 0;
    }
    current.push(name);
    size += name.length + 3;
  }
  if (current.length > 0) out.push(current);
  return out;
}
