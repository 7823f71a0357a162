/** What every command shares: streams (so tests can capture them), exit codes, config loading. */
import type { Command } from 'commander';
import { loadConfigFromPaths } from '../config/load.ts';
import type { Config } from '../config/types.ts';

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

export const processIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};

/** `-f PATH...` and `-n NAMESPACE`, kubectl style. */
export function addManifestOptions(cmd: Command): Command {
  return cmd
    .requiredOption('-f, --filename <path...>', 'manifest files or directories (YAML, multi-document)')
    .option('-n, --namespace <namespace>', 'namespace of documents that name none', 'default');
}

export async function loadFromOptions(opts: { filename: string[]; namespace: string }): Promise<Config> {
  return loadConfigFromPaths(opts.filename, { defaultNamespace: opts.namespace });
}
