/**
 * A request's deadline, as Go's `http.Client.Timeout` sets one: it covers dialling, the headers and
 * reading the body. A deadline that has passed fails the request whatever the timers say (Go checks
 * the context before dialling), so a timeout shorter than the exchange always fails, even when a busy
 * event loop runs the timer late. Long timeouts (beyond Node's 24.8-day timer) wait as written.
 */
import { performance } from 'node:perf_hooks';
import { setLongTimeout, type LongTimer } from '../../model/long-timer.ts';

/**
 * @example
 * ```ts
 * const deadline = new RequestDeadline(500);
 * try { if (deadline.passed) throw ...; await request({ signal: deadline.signal }); } finally { deadline.clear(); }
 * ```
 */
export class RequestDeadline {
  readonly #now: () => number;
  readonly #at: number;
  readonly #controller = new AbortController();
  readonly #timer: LongTimer;

  /** `now` is a monotonic clock in ms (tests pass their own). */
  constructor(timeoutMs: number, now: () => number = () => performance.now()) {
    this.#now = now;
    this.#at = now() + timeoutMs;
    // Aborts what is in flight; `passed` is the authority, the timer only interrupts the wait.
    this.#timer = setLongTimeout(() => { this.#controller.abort(); }, Math.max(1, Math.ceil(timeoutMs)), { unref: true });
  }

  /** Aborted when the deadline's timer fires. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** True once the deadline is reached, whether or not its timer has run yet. */
  get passed(): boolean {
    return this.#controller.signal.aborted || this.#now() >= this.#at;
  }

  clear(): void {
    this.#timer.clear();
  }
}
