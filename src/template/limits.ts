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
