#!/usr/bin/env node
/**
 * The command line: `bin/webhook-secret-sync` runs this file on Node 24. Exit codes: 0 ok,
 * 1 failures, 2 usage. Errors are one line each on stderr and never include secret values.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { ConfigValidationError, formatIssue } from '../config/issues.ts';
import { ConfigError, UsageError } from '../model/errors.ts';
import { registerClusterAdminCommands } from './commands/cluster-admin.ts';
import { registerLocalClusterCommand } from './commands/local-cluster.ts';
import { registerMigrateCommands } from './commands/migrate.ts';
import { registerPlanCommand } from './commands/plan.ts';
import { registerRefreshCommand } from './commands/refresh.ts';
import { registerRunCommands } from './commands/run-local.ts';
import { registerSyncCommand } from './commands/sync.ts';
import { registerValidateCommand } from './commands/validate.ts';
import { EXIT, processIo, type Io } from './context.ts';

/**
 * Runs the CLI with `argv` (without node and script) and returns the exit code.
 *
 * @example
 * ```ts
 * const code = await runCli(['validate', '-f', 'manifests/']);
 * ```
 */
export async function runCli(argv: readonly string[], io: Io = processIo): Promise<number> {
  let exit: number = EXIT.ok;
  const setExit = (code: number): void => {
    exit = code;
  };
  const program = new Command('webhook-secret-sync')
    .description('Keep Kubernetes Secrets in sync with an HTTP secrets endpoint, using External Secrets Operator manifests.')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError('(run with --help for usage)');
  registerValidateCommand(program, setExit);
  registerPlanCommand(program, io, setExit);
  registerSyncCommand(program, io, setExit);
  registerRefreshCommand(program, io, setExit);
  registerClusterAdminCommands(program, io, setExit);
  registerRunCommands(program, io, setExit);
  registerLocalClusterCommand(program);
  registerMigrateCommands(program, io, setExit);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exit;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (e instanceof ConfigValidationError) {
      for (const issue of e.issues) io.err(`${formatIssue(issue)}\n`);
      return EXIT.failed;
    }
    if (e instanceof UsageError) {
      io.err(`error: ${e.message}\n`);
      return EXIT.usage;
    }
    if (e instanceof ConfigError) {
      io.err(`${e.message}\n`);
      return EXIT.failed;
    }
    io.err(`error: ${(e as Error).message}\n`);
    return EXIT.failed;
  }
}

const invokedDirectly = process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  process.exitCode = await runCli(process.argv.slice(2));
}
