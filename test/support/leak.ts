/**
 * The secret-leak scan's recorder. Tests that handle secrets use canary values (anything matching
 * CANARY_PATTERN, plus the seed example's password and token); everything users could see — CLI
 * output, run summaries and error messages, Kubernetes Events and Secret annotations, Lambda logs
 * and result events — is recorded here and scanned after the suite (test/leak-scan/).
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const LEAK_DIR = fileURLToPath(new URL('../../.tmp/leak-scan/', import.meta.url));
/** Every secret value a test invents starts with `cnry-`. */
export const CANARY_PATTERN = /cnry-[A-Za-z0-9_-]{3,}/u;
/** The seed example's values and header (fixed by the brief, so listed literally). */
export const SEED_CANARIES = ['secure-password-123', '<your-token-here>'] as const;

/** A fresh canary value, e.g. `cnry-password-3f9a`. */
export function canary(label: string): string {
  return `cnry-${label}-${Math.random().toString(36).slice(2, 8)}`;
}

export function recordOutput(label: string, text: string): void {
  if (!text) return;
  mkdirSync(LEAK_DIR, { recursive: true });
  appendFileSync(join(LEAK_DIR, `${String(process.pid)}.jsonl`), `${JSON.stringify({ label, text })}\n`);
}
