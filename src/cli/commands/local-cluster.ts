import type { Command } from 'commander';
import {
  defaultStateDir,
  localClusterDown,
  localClusterKubeconfigPath,
  localClusterUp,
} from '../../local/cluster-state.ts';

interface StateDirOption {
  stateDir?: string;
}

const progress = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/**
 * Adds `local-cluster up|down|kubeconfig`: a real etcd + kube-apiserver on 127.0.0.1 that keeps
 * running between commands (for trying the tool without a real cluster).
 *
 * @example
 * ```ts
 * const program = new Command('webhook-secret-sync');
 * registerLocalClusterCommand(program);
 * await program.parseAsync(process.argv);
 * // $ webhook-secret-sync local-cluster up   -> prints the admin kubeconfig path
 * ```
 */
export function registerLocalClusterCommand(program: Command): void {
  const localCluster = program
    .command('local-cluster')
    .description('run a local kube-apiserver + etcd (RBAC on) for trying webhook-secret-sync');

  localCluster
    .command('up')
    .description('start the local cluster (or reuse a running one); prints the admin kubeconfig path')
    .option('--state-dir <dir>', 'where the cluster keeps its data and state', defaultStateDir())
    .action(async (options: StateDirOption) => {
      const state = await localClusterUp({ stateDir: options.stateDir, onProgress: progress });
      progress(
        state.reused
          ? `[local-cluster] already running at ${state.server}`
          : `[local-cluster] running at ${state.server}; stop it with: local-cluster down`,
      );
      process.stdout.write(`${state.adminKubeconfigPath}\n`);
    });

  localCluster
    .command('down')
    .description('stop the local cluster and delete its data')
    .option('--state-dir <dir>', 'where the cluster keeps its data and state', defaultStateDir())
    .action(async (options: StateDirOption) => {
      const stopped = await localClusterDown({ stateDir: options.stateDir });
      progress(stopped ? '[local-cluster] stopped' : '[local-cluster] not running');
    });

  localCluster
    .command('kubeconfig')
    .description('print the path of the running local cluster\'s admin kubeconfig')
    .option('--state-dir <dir>', 'where the cluster keeps its data and state', defaultStateDir())
    .action(async (options: StateDirOption) => {
      const path = await localClusterKubeconfigPath({ stateDir: options.stateDir });
      if (!path) {
        process.stderr.write('local cluster is not running; start it with: webhook-secret-sync local-cluster up\n');
        process.exitCode = 1;
        return;
      }
      process.stdout.write(`${path}\n`);
    });
}
