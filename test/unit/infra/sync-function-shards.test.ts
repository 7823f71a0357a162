import { describe, expect, it } from 'vitest';
import { reportOf, resultEntry, type RunReport } from '../../../functions/sync/report.ts';
import { parseShardStep, type ShardResult } from '../../../functions/sync/shard-event.ts';
import { compactShardResult, mergeShardResults } from '../../../functions/sync/shard-report.ts';
import { reportStep } from '../../../functions/sync/shard-steps.ts';
import { countOutcomes, type Outcome } from '../../../src/sync/result.ts';

const trigger = { kind: 'schedule', cadence: '1h' } as const;
const outcome = (externalSecret: string, result: Outcome['result'], reason = 'r', message = 'm'): Outcome => ({ externalSecret, target: externalSecret, cadence: '1h', result, reason, message });
const reportFrom = (outcomes: Outcome[], endpointRequests = 0): RunReport => reportOf({ outcomes, counts: countOutcomes(outcomes), endpointRequests, entriesFetched: 0, durationMs: 10 }, trigger);
const shardOf = (index: number, count: number) => ({ index, count });

describe('parseShardStep', () => {
  it('leaves the schedule, invoke and ForceRefresh shapes to parseEvent', () => {
    expect(parseShardStep({ cadence: '1h' })).toBeUndefined();
    expect(parseShardStep({ all: true })).toBeUndefined();
    expect(parseShardStep('x')).toBeUndefined();
  });

  it('reads the three steps, the cadence in canonical form', () => {
    expect(parseShardStep({ shardPlan: { cadence: '60m' } })).toEqual({ kind: 'plan', cadence: '1h', all: false });
    expect(parseShardStep({ shardPlan: { cadence: '1h', all: true } })).toEqual({ kind: 'plan', cadence: '1h', all: true });
    expect(parseShardStep({ shard: { cadence: '1h', index: 1, count: 2, externalSecrets: 3, slices: [{ namespace: 'a', from: 'm' }] } }))
      .toEqual({ kind: 'shard', shard: { cadence: '1h', index: 1, count: 2, externalSecrets: 3, slices: [{ namespace: 'a', from: 'm' }] } });
    expect(parseShardStep({ shardReport: { cadence: '1h', results: [], failure: null } })).toMatchObject({ kind: 'report' });
  });

  it.each([
    [{ shard: { cadence: '1h', index: 2, count: 2, slices: [] } }, 'shard step input: shard.index: index must be below count'],
    [{ shard: { cadence: '1h', index: 0, count: 1, slices: [{ ns: 'a' }] } }, 'shard step input: shard.slices.0'],
    [{ shardPlan: { cadence: 'soon' } }, 'shardPlan step input: shardPlan.cadence: expected a positive Go duration'],
  ])('refuses a malformed step naming the field: %j', (input, message) => {
    expect(() => parseShardStep(input)).toThrow(message);
  });
});

describe('compactShardResult', () => {
  it('keeps counts exact, lists names within its share of 200, and invalid documents in the first shard only', () => {
    const outcomes = [
      ...Array.from({ length: 150 }, (_, i) => outcome(`a/s${String(i)}`, 'created')),
      outcome('a/bad', 'failed', 'InvalidManifest'),
      outcome('(last-checked state)', 'skipped', 'StateMissing'),
      outcome('(SecretStore a/s)', 'failed', 'InvalidManifest'),
    ];
    const first = compactShardResult(reportFrom(outcomes), shardOf(0, 2));
    const second = compactShardResult(reportFrom(outcomes), shardOf(1, 2));
    expect(first.counts).toMatchObject({ created: 150, failed: 2, skipped: 1 });
    expect(first.synced).toHaveLength(100);
    expect(first.failed.map((f) => f.externalSecret)).toEqual(['a/bad']);
    expect(second.counts).toMatchObject({ created: 150, failed: 0, skipped: 1 });
    expect(second.runLevel.map((f) => f.externalSecret)).toEqual(['(last-checked state)']);
    const merged = mergeShardResults({ cadence: '1h', results: [first, second], failure: null }, 0);
    expect(merged.kind === 'report' && merged.report.counts).toMatchObject({ created: 300, failed: 2, skipped: 1 });
  });

  it('stays within its share of what Step Functions passes on, however many shards and failures', () => {
    const outcomes = Array.from({ length: 500 }, (_, i) => outcome(`ns/es-${String(i)}`, 'failed', 'UpdateFailed', 'x'.repeat(2000)));
    for (const count of [1, 20, 200]) {
      const r = compactShardResult(reportFrom(outcomes), shardOf(0, count));
      expect(Buffer.byteLength(JSON.stringify(r))).toBeLessThanOrEqual(200_000 / count);
      expect(r.counts.failed).toBe(500);
      expect(r.failed.length).toBeGreaterThanOrEqual(1);
    }
  });
});

describe('mergeShardResults', () => {
  const input = (results: unknown[], extra: Record<string, unknown> = {}) => {
    const step = parseShardStep({ shardReport: { cadence: '1h', executionId: 'exec-1', startedAt: '2026-01-01T00:00:00.000Z', results, failure: null, ...extra } });
    if (step?.kind !== 'report') throw new Error('not a report step');
    return step.report;
  };

  it('sums the shards, counts a run-level line said by every shard once, and times the run from its start', () => {
    const a = compactShardResult(reportFrom([outcome('a/x', 'created'), outcome('a/y', 'unchanged'), outcome('(last-checked state)', 'skipped', 'StateMissing')], 3), shardOf(0, 2));
    const b = compactShardResult(reportFrom([outcome('b/x', 'failed', 'UpdateFailed'), outcome('(last-checked state)', 'skipped', 'StateMissing')], 4), shardOf(1, 2));
    const merged = mergeShardResults(input([a, b]), Date.parse('2026-01-01T00:00:05.000Z'));
    expect(merged).toMatchObject({ kind: 'report', shards: { count: 2, failed: 0 } });
    if (merged.kind !== 'report') return;
    expect(merged.report.counts).toEqual({ created: 1, updated: 0, unchanged: 1, deleted: 0, skipped: 1, failed: 1 });
    expect(merged.report.endpointRequests).toBe(7);
    expect(merged.report.durationMs).toBe(5000);
    expect(merged.report.trigger).toEqual({ kind: 'schedule', cadence: '1h', executionId: 'exec-1' });
    const detail = JSON.parse(resultEntry('bus', { report: merged.report }, 'fn').Detail ?? '{}') as { synced: string[]; failed: { externalSecret: string }[] };
    expect(detail.synced).toEqual(['a/x']);
    expect(detail.failed.map((f) => f.externalSecret)).toEqual(['b/x']);
  });

  it('reports a shard that failed after its retries as one failed line, the run still has its report', () => {
    const ok: ShardResult = compactShardResult(reportFrom([outcome('a/x', 'created')]), shardOf(0, 2));
    const merged = mergeShardResults(input([ok, { failedShard: { index: 1, count: 2, error: 'Lambda.Unknown', cause: 'apiserver unreachable' } }]), 0);
    if (merged.kind !== 'report') throw new Error('expected a report');
    expect(merged.shards).toEqual({ count: 2, failed: 1 });
    expect(merged.report.counts).toMatchObject({ created: 1, failed: 1 });
    expect(merged.report.failed[0]).toMatchObject({ externalSecret: '(shard 2 of 2)', reason: 'ShardFailed', message: expect.stringContaining('Lambda.Unknown: apiserver unreachable') });
  });

  it('names a sharded forced refresh of all as a force-refresh in the result event', () => {
    const merged = mergeShardResults(input([], { all: true }), 0);
    expect(merged.kind === 'report' && merged.report.trigger).toEqual({ kind: 'force-refresh', eventId: 'exec-1' });
  });

  it('turns a failed plan or map into a failed run', () => {
    expect(mergeShardResults(input([], { failure: { Error: 'ConfigError', Cause: 'ConfigMap not found' } }), 0)).toEqual({ kind: 'failed', error: 'ConfigError: ConfigMap not found' });
  });
});

describe('reportStep', () => {
  it('publishes exactly one event per run: SyncRunHadFailures with the shard count, or SyncRunFailed', async () => {
    const events: unknown[] = [];
    const deps = { publish: (o: unknown, extra: unknown) => { events.push({ o, extra }); return Promise.resolve(); }, recordReport: () => undefined, recordRunFailed: () => undefined };
    const step = parseShardStep({ shardReport: { cadence: '1h', results: [{ failedShard: { index: 0, count: 1, error: 'E', cause: 'C' } }], failure: null } });
    if (step?.kind !== 'report') throw new Error('not a report step');
    await expect(reportStep(step.report, deps, 0)).resolves.toMatchObject({ runFailed: false, shards: { count: 1, failed: 1 } });
    const failedPlan = parseShardStep({ shardReport: { cadence: '1h', shards: 0, results: [], failure: { Error: 'E', Cause: 'C' } } });
    if (failedPlan?.kind !== 'report') throw new Error('not a report step');
    await expect(reportStep(failedPlan.report, deps, 0)).resolves.toEqual({ runFailed: true });
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({ o: { error: 'E: C' } });
  });
});
