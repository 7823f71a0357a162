/**
 * Timers for any Go duration. Node's timers hold at most 2^31-1 ms (about 24.8 days) and turn a
 * longer delay into 1 ms, so a `720h` refreshInterval or a long store timeout would fire at once.
 * These arm the longest timer Node allows and re-arm for the rest until the whole delay has passed.
 */
import { MAX_GO_DURATION_MS } from './duration.ts';

/** The longest delay one Node timer holds (2^31-1 ms). */
export const MAX_TIMER_MS = 2_147_483_647;

/** A timer that can be cancelled; `unref` ones do not keep the process alive. */
export interface LongTimer {
  clear(): void;
}

/**
 * The delays of the successive Node timers that together wait `ms` (never more than MAX_TIMER_MS each).
 *
 * @example
 * ```ts
 * timerSteps(2 * MAX_TIMER_MS + 5); // [MAX_TIMER_MS, MAX_TIMER_MS, 5]
 * ```
 */
export function timerSteps(ms: number): number[] {
  // Go durations end at MAX_GO_DURATION_MS (about 4,300 steps); NaN waits nothing.
  const total = Number.isNaN(ms) ? 0 : Math.min(Math.max(0, ms), MAX_GO_DURATION_MS);
  const steps: number[] = [];
  for (let rest = total; rest > MAX_TIMER_MS; rest -= MAX_TIMER_MS) steps.push(MAX_TIMER_MS);
  steps.push(total - steps.length * MAX_TIMER_MS);
  return steps;
}

/**
 * `setTimeout` for any delay.
 *
 * @example
 * ```ts
 * const t = setLongTimeout(() => { run(); }, 30 * 86_400_000); // 30 days, not 1 ms
 * t.clear();
 * ```
 */
export function setLongTimeout(fn: () => void, ms: number, options: { unref?: boolean } = {}): LongTimer {
  const steps = timerSteps(ms);
  let handle: NodeJS.Timeout | undefined;
  const arm = (): void => {
    const step = steps.shift() ?? 0;
    handle = setTimeout(() => {
      if (steps.length > 0) arm();
      else fn();
    }, step);
    if (options.unref) handle.unref();
  };
  arm();
  return { clear: () => { clearTimeout(handle); } };
}

/**
 * `setInterval` for any period: the next wait starts when the previous one ends.
 *
 * @example
 * ```ts
 * const t = setLongInterval(() => { run('720h'); }, 2_592_000_000);
 * ```
 */
export function setLongInterval(fn: () => void, ms: number): LongTimer {
  let current: LongTimer;
  let cleared = false;
  const next = (): void => {
    current = setLongTimeout(() => {
      if (cleared) return;
      next();
      fn();
    }, ms);
  };
  next();
  return { clear: () => { cleared = true; current.clear(); } };
}
