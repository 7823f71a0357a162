import { describe, expect, it } from 'vitest';
import { allowedPrunes, DEFAULT_PRUNE_LIMIT, formatPruneLimit, parsePruneLimit } from '../../../src/sync/prune-limit.ts';

describe('prune limit', () => {
  it.each([
    ['5', { count: 5 }],
    ['0', { count: 0 }],
    ['50%', { percent: 50 }],
    ['100%', { percent: 100 }],
    [' 25% ', { percent: 25 }],
  ])('parses %j', (text, want) => {
    expect(parsePruneLimit(text, '--max-prune')).toEqual(want);
  });

  it.each([
    ['lots', 'expected a count such as 5 or a share such as 50%'],
    ['-1', 'expected a count such as 5 or a share such as 50%'],
    ['1.5', 'expected a count such as 5 or a share such as 50%'],
    ['101%', 'a share is at most 100%'],
  ])('refuses %j, naming where', (text, why) => {
    expect(() => parsePruneLimit(text, 'WSS_MAX_PRUNE')).toThrow(`WSS_MAX_PRUNE: invalid prune limit "${text}": ${why}`);
  });

  it.each([
    // [limit, Owner Secrets of the source, allowed per run]
    [DEFAULT_PRUNE_LIMIT, 1, 1],
    [DEFAULT_PRUNE_LIMIT, 2, 1],
    [DEFAULT_PRUNE_LIMIT, 3, 2],
    [DEFAULT_PRUNE_LIMIT, 4, 2],
    [DEFAULT_PRUNE_LIMIT, 1000, 500],
    [{ percent: 100 }, 7, 7],
    [{ percent: 0 }, 7, 0],
    [{ percent: 10 }, 3, 1],
    [{ count: 3 }, 100, 3],
    [{ count: 0 }, 100, 0],
  ] as const)('%j of %i Owner Secrets allows %i', (limit, total, want) => {
    expect(allowedPrunes(limit, total)).toBe(want);
  });

  it('formats as it parses', () => {
    expect(['7', '30%'].map((t) => formatPruneLimit(parsePruneLimit(t, 'x')))).toEqual(['7', '30%']);
  });
});
