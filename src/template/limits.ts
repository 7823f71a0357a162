/** Resource limits: bad templates or data fail with a TemplateError instead of hanging or exhausting memory. */
export const LIMITS = {
  /** Largest output of one execution, in UTF-16 code units. */
  maxOutput: 1 << 20,
  /** Largest string a single function may build (`repeat`, `indent`, `join`, …). */
  maxString: 1 << 20,
  /** Total `range` iterations per execution. */
  maxRangeIterations: 100_000,
  /** Nesting of `{{template}}` calls (Go allows 100000; JS stacks are smaller). */
  maxTemplateDepth: 200,
  /** Nesting of parentheses and control structures at parse time (Go uses 10000). */
  maxParseDepth: 500,
} as const;

/**
 * The budget of one template execution (see budget.ts). A Kubernetes Secret holds at most 1 MiB,
 * so 16 MiB of values leaves room for any real template while keeping a runaway one far below the
 * function's memory.
 */
export interface BudgetLimits {
  /** Values built during the execution (strings in UTF-16 code units, 8 per list element or map entry). */
  readonly maxBytes: number;
  /** Evaluation steps: actions, function calls, range iterations, elements visited by deep functions. */
  readonly maxSteps: number;
  /** Wall-clock backstop in milliseconds, checked every {@link CLOCK_EVERY} steps. */
  readonly maxMillis: number;
}

/** Default {@link BudgetLimits}: 16 MiB of values, one million steps, one second. */
export const DEFAULT_BUDGET: BudgetLimits = { maxBytes: 16 << 20, maxSteps: 1_000_000, maxMillis: 1000 };

/** What one execution used (values charged, steps), for observers such as tests or metrics. */
export interface BudgetUsage {
  readonly bytes: number;
  readonly steps: number;
}

/** How many steps pass between two looks at the clock. */
export const CLOCK_EVERY = 256;
