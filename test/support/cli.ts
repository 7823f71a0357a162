/** Runs the real `bin/webhook-secret-sync` (a child process on the pinned Node 24). */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { recordOutput } from './leak.ts';

export const BIN = fileURLToPath(new URL('../../bin/webhook-secret-sync', import.meta.url));

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function runBin(args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, [...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      recordOutput(`cli ${args[0] ?? ''} stderr`, stderr);
      // `sync --dry-run` prints the Secrets (base64 data) on purpose; everything else is scanned.
      if (!args.some((a) => a.startsWith('--dry-run'))) recordOutput(`cli ${args[0] ?? ''} stdout`, stdout);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}
