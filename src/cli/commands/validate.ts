import type { Command } from 'commander';
import { addManifestOptions, EXIT, loadFromOptions, type Io } from '../context.ts';

/** `validate -f PATH...`: prints every error, or nothing. */
export function registerValidateCommand(program: Command, io: Io, setExit: (code: number) => void): void {
  addManifestOptions(program.command('validate').description('check manifests; prints every error, or nothing'))
    .action(async (opts: { filename: string[]; namespace: string }) => {
      await loadFromOptions(opts);
      void io;
      setExit(EXIT.ok);
    });
}
