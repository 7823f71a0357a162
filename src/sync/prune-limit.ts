/**
 * How many Owner Secrets one run may prune: a bound on the damage of a config that lost its
 * ExternalSecrets by mistake (an empty push, a broken generator). Above it, nothing is pruned.
 */
import { ConfigError } from '../model/errors.ts';

/** An absolute count, or a share of this source's Owner Secrets (rounded up). */
export type PruneLimit = { readonly count: number } | { readonly percent: number };

/**
 * Half of this source's Owner Secrets (rounded up) per run: a normal removal of a few
 * ExternalSecrets passes, losing most of the config does not. A single Secret can always go.
 */
export const DEFAULT_PRUNE_LIMIT: PruneLimit = { percent: 50 };

/**
 * Parses `N` or `P%` (0-100).
 *
 * @throws {ConfigError} naming `where` and the expected form
 * @example
 * ```ts
 * parsePruneLimit('25%', '--max-prune'); // { percent: 25 }
 * ```
 */
export function parsePruneLimit(text: string, where: string): PruneLimit {
  const m = /^(\d{1,9})(%?)$/u.exec(text.trim());
  if (!m?.[1]) throw new ConfigError(`${where}: invalid prune limit "${text}": expected a count such as 5 or a share such as 50%`);
  const n = Number(m[1]);
  if (m[2]) {
    if (n > 100) throw new ConfigError(`${where}: invalid prune limit "${text}": a share is at most 100%`);
    return { percent: n };
  }
  return { count: n };
}

/** `5` or `50%`, as the limit is written on the command line. */
export function formatPruneLimit(limit: PruneLimit): string {
  return 'count' in limit ? String(limit.count) : `${String(limit.percent)}%`;
}

/**
 * How many of `total` Owner Secrets may be pruned in one run.
 *
 * @example
 * ```ts
 * allowedPrunes({ percent: 50 }, 5); // 3
 * ```
 */
export function allowedPrunes(limit: PruneLimit, total: number): number {
  if ('count' in limit) return limit.count;
  if (limit.percent === 0) return 0;
  return Math.max(1, Math.ceil((total * limit.percent) / 100));
}
