/**
 * Go `time.ParseDuration`, the format of ESO's `refreshInterval` and the webhook `timeout`
 * (`1h`, `15m`, `1h30m`, `0.5s`, `300ms`, `0`).
 *
 * @example
 * ```ts
 * parseGoDuration('1h30m'); // 5_400_000
 * ```
 * @returns milliseconds
 * @throws {Error} `invalid duration "<text>"` when the text is not a Go duration
 */
export function parseGoDuration(text: string): number {
  const units: Record<string, number> = {
    ns: 1e-6,
    us: 1e-3,
    'µs': 1e-3,
    'μs': 1e-3,
    ms: 1,
    s: 1000,
    m: 60_000,
    h: 3_600_000,
  };
  const fail = (): never => {
    throw new Error(`invalid duration "${text}": expected a Go duration such as 30s, 15m, 1h or 1h30m`);
  };
  let rest = text.trim();
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest.startsWith('-') ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') fail();
  let total = 0;
  const part = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/u;
  while (rest !== '') {
    const m = part.exec(rest);
    if (!m) fail();
    const [whole, num, unit] = m as unknown as [string, string, string];
    total += Number(num) * (units[unit] ?? fail());
    rest = rest.slice(whole.length);
  }
  // Go's Duration is int64 nanoseconds: longer texts are refused there, so here too.
  if (total > MAX_GO_DURATION_MS) throw new Error(`invalid duration "${text}": longer than Go's maximum duration (2562047h47m16.854775807s)`);
  return sign * total;
}

/** Go's largest Duration (2^63-1 ns), in milliseconds. */
export const MAX_GO_DURATION_MS = 9_223_372_036_854.775;

/**
 * Formats milliseconds as a compact Go-style duration (`1h`, `15m`, `1h30m`, `45s`), the form used
 * for cadence names.
 *
 * @example
 * ```ts
 * formatDuration(5_400_000); // '1h30m'
 * ```
 */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  const parts: string[] = [];
  let rest = Math.abs(ms);
  for (const [unit, size] of [['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${String(n)}${unit}`);
    rest -= n * size;
  }
  if (rest > 0) parts.push(`${String(rest)}ms`);
  return (ms < 0 ? '-' : '') + parts.join('');
}

/**
 * A cadence in its one canonical spelling, so `60m`, `1h` and `3600s` name the same schedule
 * (and `90m` is `1h30m`): the Go duration, parsed and formatted compactly.
 *
 * @example
 * ```ts
 * canonicalCadence('60m'); // '1h'
 * canonicalCadence('90m'); // '1h30m'
 * ```
 * @throws {Error} `invalid duration "<text>"` when the text is not a Go duration, or it is not positive
 */
export function canonicalCadence(text: string): string {
  const ms = parseGoDuration(text);
  if (ms <= 0) throw new Error(`invalid cadence "${text}": expected a positive Go duration such as 15m or 1h`);
  return formatDuration(ms);
}
