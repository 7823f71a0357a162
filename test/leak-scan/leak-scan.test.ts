/**
 * Runs after the whole suite (`npm test` runs it second): nothing users can see contains a secret
 * value or an auth header value from the canary set.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CANARY_PATTERN, LEAK_DIR, SEED_CANARIES } from '../support/leak.ts';

interface Recorded {
  label: string;
  text: string;
}

function recorded(): Recorded[] {
  const files = readdirSync(LEAK_DIR).filter((f) => f.endsWith('.jsonl'));
  return files.flatMap((f) => readFileSync(join(LEAK_DIR, f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Recorded));
}

describe('secret-leak scan over everything the suite showed users', () => {
  const all = recorded();

  it('saw the material it is meant to scan (CLI output, run summaries, Events, Secret metadata, Lambda logs, result events)', () => {
    const labels = new Set(all.map((r) => r.label.split(' ')[0]));
    for (const kind of ['cli', 'run', 'kubernetes', 'secret', 'lambda', 'eventbridge']) expect([...labels], `no ${kind} output recorded`).toContain(kind);
    expect(all.filter((r) => r.label === 'kubernetes event').length).toBeGreaterThan(5);
  });

  it('finds no canary value and no seed secret or header value anywhere', () => {
    const leaks = all.flatMap((r) => {
      const hit = CANARY_PATTERN.exec(r.text)?.[0] ?? SEED_CANARIES.find((c) => r.text.includes(c));
      return hit ? [`${r.label}: …${r.text.slice(Math.max(0, r.text.indexOf(hit) - 80), r.text.indexOf(hit) + 40)}…`] : [];
    });
    expect(leaks).toEqual([]);
  });
});
