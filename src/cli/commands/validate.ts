import type { Command } from 'commander';
import { addManifestOptions, EXIT, loadFromOptions } from '../context.ts';

/** `validate -f PATH...`: prints every error (through the CLI's error handler), or nothing. */
export function registerValidateCommand(program: Command, setExit: (code: number) => void): void {
  addManifestOptions(program.command('validate').description('check manifests; prints every error, or nothing'))
    .action(async (opts: { filename: string[]; namespace: string }) => {
      await loadFromOptions(opts);
      setExit(EXIT.ok);
    });
}
