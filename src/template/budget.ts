/**
 * One budget per template execution. Every value the engine or a function builds is charged
 * (strings by length, lists and maps by entries) and every step (action, call, range iteration,
 * element visited by a deep function) is counted; the clock is only a backstop, so a template fails
 * at the same point on a fast or a busy machine. Functions charge through the module-level
 * {@link chargeBytes}/{@link chargeSteps}: executions are synchronous, so the running one is known.
 */
import { TemplateError } from './errors.ts';
import { CLOCK_EVERY, DEFAULT_BUDGET, type BudgetLimits } from './limits.ts';

/** An execution went over its {@link BudgetLimits}; the message names the limit. */
export class TemplateBudgetError extends TemplateError {}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && !(v instanceof Date);
}

/** Charge per list element or map entry (a pointer-sized slot). */
const SLOT = 8;

function mib(n: number): string {
  return n % (1 << 20) === 0 ? `${String(n / (1 << 20))} MiB` : `${String(n)} bytes`;
}

/**
 * The running totals of one execution.
 *
 * @example
 * ```ts
 * const b = new Budget({ maxBytes: 1024, maxSteps: 100, maxMillis: 1000 });
 * b.chargeBytes(2048); // throws TemplateBudgetError: exceeds the template budget (1024 bytes of values)
 * ```
 */
export class Budget {
  /** Units charged so far. */
  bytes = 0;
  /** Steps taken so far. */
  steps = 0;
  readonly limits: BudgetLimits;
  private readonly clock: () => number;
  private readonly deadline: number;
  private sinceClock = 0;

  constructor(limits: BudgetLimits = DEFAULT_BUDGET, clock: () => number = () => performance.now()) {
    this.limits = limits;
    this.clock = clock;
    this.deadline = clock() + limits.maxMillis;
  }

  /** Charges `n` units of values; throws once the total passes the limit. */
  chargeBytes(n: number): void {
    this.bytes += n;
    if (this.bytes > this.limits.maxBytes) throw new TemplateBudgetError(`exceeds the template budget (${mib(this.limits.maxBytes)} of values)`);
  }

  /** Counts `n` steps; throws past the step limit, or past the deadline (looked at every few steps). */
  chargeSteps(n: number): void {
    this.steps += n;
    if (this.steps > this.limits.maxSteps) throw new TemplateBudgetError(`exceeds the template budget (${String(this.limits.maxSteps)} steps)`);
    this.sinceClock += n;
    if (this.sinceClock >= CLOCK_EVERY) {
      this.sinceClock = 0;
      if (this.clock() > this.deadline) throw new TemplateBudgetError(`exceeds the template budget (${String(this.limits.maxMillis)} ms)`);
    }
  }
}

let current: Budget | undefined;

/** Runs `fn` with `budget` as the one functions charge; restores the previous one afterwards. */
export function withBudget<T>(budget: Budget, fn: () => T): T {
  const previous = current;
  current = budget;
  try {
    return fn();
  } finally {
    current = previous;
  }
}

/** Charges the running execution `n` units (no-op outside an execution). */
export function chargeBytes(n: number): void {
  current?.chargeBytes(n);
}

/** Charges a string about to be kept or returned, and returns it. */
export function charged(s: string): string {
  current?.chargeBytes(s.length);
  return s;
}

/** Counts `n` steps against the running execution (no-op outside an execution). */
export function chargeSteps(n: number): void {
  current?.chargeSteps(n);
}

/** The size a freshly built value adds: its own string, slots or entries (contents were charged when built). */
export function shallowSize(v: unknown): number {
  if (typeof v === 'string') return v.length;
  if (v instanceof Uint8Array) return v.length;
  if (Array.isArray(v)) return v.length * SLOT;
  if (isMap(v)) {
    let n = 0;
    for (const k in v) n += SLOT + k.length;
    return n;
  }
  return 0;
}

/**
 * Charges one step per element of a value, and its strings, as a function that walks or copies
 * the whole value would: a list holding itself a thousand times deep costs what printing it costs.
 */
export function chargeDeep(v: unknown, depth = 0): void {
  if (current === undefined) return;
  current.chargeSteps(1);
  if (depth > 1000) return;
  if (typeof v === 'string') current.chargeBytes(v.length);
  else if (Array.isArray(v)) for (const x of v) chargeDeep(x, depth + 1);
  else if (isMap(v)) for (const k in v) {
    current.chargeBytes(k.length);
    chargeDeep(v[k], depth + 1);
  }
}
