/**
 * Timers for any Go duration. vitest's fake clock stands in for days of waiting, and it behaves
 * like Node's: a delay beyond 2^31-1 ms becomes 1 ms, so the bug these timers fix shows here too.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_GO_DURATION_MS, parseGoDuration } from '../../../src/model/duration.ts';
import { MAX_TIMER_MS, setLongInterval, setLongTimeout, timerSteps } from '../../../src/model/long-timer.ts';
import { RequestDeadline } from '../../../src/providers/webhook/deadline.ts';

const HOUR = 3_600_000;

describe('timerSteps', () => {
  it.each([
    [0, [0]],
    [1_000, [1_000]],
    [MAX_TIMER_MS, [MAX_TIMER_MS]],
    [MAX_TIMER_MS + 1, [MAX_TIMER_MS, 1]],
    [720 * HOUR, [MAX_TIMER_MS, 720 * HOUR - MAX_TIMER_MS]],
    [3 * MAX_TIMER_MS + 7, [MAX_TIMER_MS, MAX_TIMER_MS, MAX_TIMER_MS, 7]],
    [-5, [0]],
    [Number.NaN, [0]],
  ])('splits %d ms into Node-sized timers %j', (ms, want) => {
    expect(timerSteps(ms)).toEqual(want);
  });

  it('covers Go\'s longest duration exactly, every step within Node\'s limit', () => {
    const steps = timerSteps(parseGoDuration('2562047h47m16.854s'));
    expect(steps.every((s) => s >= 0 && s <= MAX_TIMER_MS)).toBe(true);
    expect(steps.reduce((a, b) => a + b, 0)).toBeCloseTo(parseGoDuration('2562047h47m16.854s'), 3);
    expect(timerSteps(Number.POSITIVE_INFINITY).reduce((a, b) => a + b, 0)).toBeCloseTo(MAX_GO_DURATION_MS, 3);
  });
});

describe('long timers (fake clock)', () => {
  beforeEach(() => { vi.useFakeTimers(); });
  afterEach(() => { vi.useRealTimers(); });

  it.each(['596h', '597h', '720h', '8760h'])('setLongInterval with %s runs once per period, not in a loop', (text) => {
    // Prepare
    const period = parseGoDuration(text);
    const fn = vi.fn();
    const timer = setLongInterval(fn, period);
    // Act + Assess
    vi.advanceTimersByTime(period - 1);
    expect(fn).toHaveBeenCalledTimes(0);
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(period);
    expect(fn).toHaveBeenCalledTimes(2);
    timer.clear();
    vi.advanceTimersByTime(period);
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('setLongTimeout fires once after the whole delay, and never once cleared', () => {
    const fired = vi.fn();
    const never = vi.fn();
    setLongTimeout(fired, 30 * 24 * HOUR);
    setLongTimeout(never, 30 * 24 * HOUR).clear();
    vi.advanceTimersByTime(30 * 24 * HOUR - 1);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    vi.advanceTimersByTime(60 * 24 * HOUR);
    expect(fired).toHaveBeenCalledTimes(1);
    expect(never).not.toHaveBeenCalled();
  });

  it('a 30-day request deadline does not abort at once (beyond Node\'s 24.8-day timer), and aborts at 30 days', () => {
    const deadline = new RequestDeadline(30 * 24 * HOUR);
    vi.advanceTimersByTime(1);
    expect(deadline.signal.aborted).toBe(false);
    vi.advanceTimersByTime(30 * 24 * HOUR - 2);
    expect(deadline.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.passed).toBe(true);
  });
});

describe('RequestDeadline', () => {
  it('has passed once its time is reached, even before its timer has run', () => {
    // Prepare: a clock that the test moves, and a timer that cannot have run (no await in between).
    let now = 1_000;
    const deadline = new RequestDeadline(0.01, () => now);
    // Act + Assess
    expect(deadline.passed).toBe(false);
    now += 0.01;
    expect(deadline.passed).toBe(true);
    expect(deadline.signal.aborted).toBe(false);
    deadline.clear();
  });
});
