import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planShards, type PlannedShard } from '../../../src/sync/shard-plan.ts';
import { inShard, runPruneBound, shardNamespaces, shardPruneLimit } from '../../../src/sync/shard.ts';

type Es = { namespace: string; name: string; cadence: string };
const many = (namespace: string, n: number, cadence = '1h'): Es[] => Array.from({ length: n }, (_, i) => ({ namespace, name: `es-${String(i).padStart(4, '0')}`, cadence }));
const owners = (shards: readonly PlannedShard[], es: Es): number[] => shards.filter((s) => inShard(s, es.namespace, es.name)).map((s) => s.index);

describe('planShards', () => {
  it('packs whole namespaces into as few shards as the size allows, largest first onto the least loaded', () => {
    // Prepare
    const externalSecrets = [...many('a', 40), ...many('b', 30), ...many('c', 20), ...many('d', 10)];
    // Act
    const shards = planShards({ externalSecrets, cadence: '1h', shardSize: 50 });
    // Assess
    expect(shards.map((s) => ({ n: s.externalSecrets, ns: s.slices.map((x) => x.namespace) }))).toEqual([
      { n: 50, ns: ['a', 'd'] },
      { n: 50, ns: ['b', 'c'] },
    ]);
    expect(shards.map((s) => [s.index, s.count])).toEqual([[0, 2], [1, 2]]);
  });

  it('gives the same plan whatever the order of the config', () => {
    const externalSecrets = [...many('a', 7), ...many('b', 5), ...many('c', 12), ...many('d', 3)];
    const reversed = [...externalSecrets].reverse();
    expect(planShards({ externalSecrets: reversed, cadence: '1h', shardSize: 6 })).toEqual(planShards({ externalSecrets, cadence: '1h', shardSize: 6 }));
  });

  it('cuts a namespace bigger than a shard into contiguous name ranges open at both ends', () => {
    const shards = planShards({ externalSecrets: many('big', 10), cadence: '1h', shardSize: 4 });
    expect(shards.map((s) => s.slices)).toEqual([
      [{ namespace: 'big', to: 'es-0004' }],
      [{ namespace: 'big', from: 'es-0004', to: 'es-0008' }],
      [{ namespace: 'big', from: 'es-0008' }],
    ]);
    expect(shards.map((s) => s.externalSecrets)).toEqual([4, 4, 2]);
    // A name added after the plan still lands in exactly one shard.
    expect(owners(shards, { namespace: 'big', name: 'a-new-one', cadence: '1h' })).toEqual([0]);
    expect(owners(shards, { namespace: 'big', name: 'zz', cadence: '1h' })).toEqual([2]);
  });

  it('balances on the planned cadence; other cadences\' namespaces and clean-up namespaces weigh 1 and are placed once', () => {
    const externalSecrets = [...many('hourly', 6), ...many('daily', 50, '24h')];
    const shards = planShards({ externalSecrets, extraNamespaces: ['gone'], cadence: '1h', shardSize: 4 });
    expect(shards.map((s) => s.externalSecrets).reduce((a, b) => a + b)).toBe(6 + 1 + 1);
    expect(shards.flatMap((s) => s.slices.filter((x) => x.namespace !== 'hourly').map((x) => x.namespace)).sort()).toEqual(['daily', 'gone']);
    expect(shards.every((s) => s.externalSecrets <= 4)).toBe(true);
  });

  it('balances every ExternalSecret for a forced refresh of all (no cadence)', () => {
    const shards = planShards({ externalSecrets: [...many('hourly', 3), ...many('daily', 5, '24h')], cadence: undefined, shardSize: 5 });
    expect(shards.map((s) => [s.externalSecrets, s.slices.map((x) => x.namespace)])).toEqual([[5, ['daily']], [3, ['hourly']]]);
  });

  it.each([[0], [-1], [1.5], [Number.NaN]])('refuses shardSize %s with a clear error', (shardSize) => {
    expect(() => planShards({ externalSecrets: many('a', 1), cadence: '1h', shardSize })).toThrow(`shardSize: expected a positive integer, got ${String(shardSize)}`);
  });

  it('plans nothing for an empty config', () => {
    expect(planShards({ externalSecrets: [], cadence: '1h', shardSize: 5 })).toEqual([]);
  });

  it('property: every ExternalSecret in exactly one shard, no shard above the size, every namespace placed, the work conserved', () => {
    const config = fc.array(fc.record({ ns: fc.constantFrom('a', 'b', 'c', 'd', 'e'), name: fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/u), hourly: fc.boolean() }), { maxLength: 80 });
    fc.assert(fc.property(config, fc.integer({ min: 1, max: 20 }), (entries, shardSize) => {
      const unique = [...new Map(entries.map((e) => [`${e.ns}/${e.name}`, { namespace: e.ns, name: e.name, cadence: e.hourly ? '1h' : '15m' }])).values()];
      const shards = planShards({ externalSecrets: unique, cadence: '1h', shardSize });
      for (const es of unique) expect(owners(shards, es)).toHaveLength(1);
      for (const s of shards) expect(s.externalSecrets).toBeLessThanOrEqual(shardSize);
      const weight = shards.reduce((n, s) => n + s.externalSecrets, 0);
      const perNamespace = new Map<string, number>();
      for (const e of unique) perNamespace.set(e.namespace, (perNamespace.get(e.namespace) ?? 0) + (e.cadence === '1h' ? 1 : 0));
      expect(weight).toBe([...perNamespace.values()].reduce((n, c) => n + Math.max(1, c), 0));
      expect(new Set(shards.flatMap(shardNamespaces))).toEqual(new Set(unique.map((e) => e.namespace)));
    }));
  });
});

describe('shardPruneLimit', () => {
  it('divides a count among the shards so that the run never prunes more than the count', () => {
    expect([0, 1, 2].map((index) => shardPruneLimit({ count: 5 }, { index, count: 3, slices: [] }))).toEqual([{ count: 2 }, { count: 2 }, { count: 1 }]);
    expect(runPruneBound({ count: 5 }, [100, 100, 100])).toBe(5);
  });

  it('applies a share per shard: the run stays within the share plus one Secret per shard', () => {
    expect(shardPruneLimit({ percent: 50 }, { index: 1, count: 3, slices: [] })).toEqual({ percent: 50 });
    const owned = [7, 3, 1];
    expect(runPruneBound({ percent: 50 }, owned)).toBeLessThanOrEqual(Math.ceil(11 * 0.5) + owned.length);
    expect(runPruneBound({ percent: 50 }, owned)).toBe(4 + 2 + 1);
  });
});
