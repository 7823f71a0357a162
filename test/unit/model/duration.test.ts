/** Go `time.ParseDuration` at the edges: tiny, huge, and beyond Go's int64 nanoseconds. */
import { describe, expect, it } from 'vitest';
import { canonicalCadence, formatDuration, parseGoDuration } from '../../../src/model/duration.ts';

describe('parseGoDuration', () => {
  it.each([
    ['10us', 0.01],
    ['0.01ms', 0.01],
    ['1ns', 1e-6],
    ['596h', 2_145_600_000],
    ['720h', 2_592_000_000],
    ['8760h', 31_536_000_000],
    ['2562047h', 9_223_369_200_000],
  ])('reads %s as %d ms', (text, ms) => {
    expect(parseGoDuration(text)).toBeCloseTo(ms, 9);
  });

  it.each(['2562048h', '9999999999h', '2562047h48m'])('refuses %s as Go does (longer than int64 nanoseconds)', (text) => {
    expect(() => parseGoDuration(text)).toThrow(`invalid duration "${text}": longer than Go's maximum duration (2562047h47m16.854775807s)`);
  });

  it.each([[2_592_000_000, '720h'], [0.01, '0.01ms'], [5_400_000, '1h30m']])('formats %d ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it.each([['60m', '1h'], ['90m', '1h30m'], ['3600s', '1h'], ['1h0m0s', '1h'], ['15m', '15m'], ['1440m', '24h']])('spells cadence %s canonically as %s', (text, want) => {
    expect(canonicalCadence(text)).toBe(want);
  });

  it.each([['hourly', 'invalid duration "hourly"'], ['0', 'invalid cadence "0"'], ['-1h', 'invalid cadence "-1h"']])('refuses cadence %s', (text, message) => {
    expect(() => canonicalCadence(text)).toThrow(message);
  });
});
