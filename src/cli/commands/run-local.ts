/** `demo` (what `npm start` runs) and `run --local`. */
import type { Command } from 'commander';
import { runDemo } from '../../app/demo.ts';
import { subjectOf } from '../../app/invalid-documents.ts';
import { openGateway } from '../../app/kube.ts';
import { loadFromConfigMap, loadFromFiles, parseConfigMapRef } from '../../app/config-source.ts';
import { runLocalLoop } from '../../app/local-loop.ts';
import { UsageError } from '../../model/errors.ts';
import { parsePruneLimit } from '../../sync/prune-limit.ts';
import { EXIT, type Io } from '../context.ts';
import { table } from '../output.ts';
import { printSummary } from './sync.ts';

export function registerRunCommands(program: Command, io: Io, setExit: (code: number) => void): void {
  program.command('demo')
    .description('the embedded default: local cluster + local HTTPS endpoint + the seed example, one sync, then the result')
    .option('--state-dir <dir>', 'where the local cluster keeps its state')
    .action(async (opts: { stateDir?: string }) => {
      const result = await runDemo({ ...(opts.stateDir ? { stateDir: opts.stateDir } : {}), onProgress: (l) => { io.err(`${l}\n`); } });
      printSummary(result.summary, 'table', io);
      io.out(`\nSecrets (values are never printed; read them with kubectl):\n`);
      io.out(table(['SECRET', 'TYPE', 'KEYS'], result.secrets.map((s) => [`${s.namespace}/${s.name}`, s.type, Object.entries(s.keys).map(([k, n]) => `${k} (${String(n)} bytes)`).join(', ')])));
      io.out(`\nStatus:\n`);
      io.out(table(['EXTERNALSECRET', 'TARGET', 'CADENCE', 'LAST SYNC', 'RESULT', 'MESSAGE'], result.status.map((r) => [r.externalSecret, r.target, r.cadence, r.lastSync ?? '-', r.result, r.message])));
      io.out(`\nThe local cluster keeps running. Look around:\n  kubectl --kubeconfig ${result.adminKubeconfigPath} get secret my-secret -o yaml\nStop it with: bin/webhook-secret-sync local-cluster down${opts.stateDir ? ` --state-dir ${opts.stateDir}` : ''}\n`);
      setExit(result.summary.counts.failed > 0 ? EXIT.failed : EXIT.ok);
    });

  program.command('run')
    .description('keep syncing on each ExternalSecret\'s cadence until Ctrl-C (the same engine as the Lambda)')
    .requiredOption('--local', 'run in this process (the only mode; the Lambda is deployed with CDK)')
    .option('-f, --filename <path...>', 'manifest files or directories (instead of the ConfigMap)')
    .option('--configmap <ns/name>', 'ConfigMap holding the manifests')
    .option('-n, --namespace <namespace>', 'namespace of documents that name none', 'default')
    .option('--max-prune <N|P%>', 'prune at most N (or P% of this source\'s) Owner Secrets in one run; above it, none (default 50%)')
    .option('--kubeconfig <file>').option('--context <name>')
    .action(async (opts: { local: boolean; filename?: string[]; configmap?: string; namespace: string; maxPrune?: string; kubeconfig?: string; context?: string }) => {
      if (opts.filename && opts.configmap) throw new UsageError('use either -f or --configmap, not both');
      const maxPrune = opts.maxPrune === undefined ? undefined : parsePruneLimit(opts.maxPrune, '--max-prune');
      const gateway = await openGateway(opts);
      const stop = new AbortController();
      const onSignal = (): void => { io.err('stopping after the run in flight\n'); stop.abort(); };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        await runLocalLoop({
          gateway,
          signal: stop.signal,
          ...(maxPrune ? { maxPrune } : {}),
          load: () => (opts.filename ? loadFromFiles(opts.filename, opts.namespace, { partial: true }) : loadFromConfigMap(gateway, parseConfigMapRef(opts.configmap), opts.namespace, { partial: true })),
          onRun: (cadence, s) => {
            const c = s.counts;
            io.err(`[${new Date().toISOString()}] run ${cadence}: ${String(c.created)} created, ${String(c.updated)} updated, ${String(c.unchanged)} unchanged, ${String(c.deleted)} deleted, ${String(c.skipped)} skipped, ${String(c.failed)} failed\n`);
            for (const o of s.outcomes) if (o.result === 'failed') io.err(`  ${subjectOf(o)}: ${o.message}\n`);
          },
          onError: (cadence, e) => { io.err(`[${new Date().toISOString()}] run ${cadence} failed: ${e.message}\n`); },
        });
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        await gateway.close();
      }
      setExit(EXIT.ok);
    });
}
