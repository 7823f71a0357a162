import type { Command } from 'commander';
import { openGateway } from '../../app/kube.ts';
import { loadFromConfigMap, loadFromFiles, parseConfigMapRef, type LoadedConfig } from '../../app/config-source.ts';
import { INVALID_MANIFEST, invalidOutcomes, subjectOf } from '../../app/invalid-documents.ts';
import { runProviders } from '../../app/providers.ts';
import { runOnce } from '../../app/run.ts';
import { canonicalCadence } from '../../model/duration.ts';
import { esoTakeOverGate } from '../../migrate/eso-controller.ts';
import { loadKubeConfig } from '../../migrate/kube-config.ts';
import { UsageError } from '../../model/errors.ts';
import { fileReferences } from '../../providers/file-references.ts';
import { EMPTY_REFERENCES } from '../../providers/references.ts';
import { NodeHttpTransport } from '../../providers/webhook/transport.ts';
import { computeSecrets } from '../../sync/compute.ts';
import { parsePruneLimit } from '../../sync/prune-limit.ts';
import type { RunSummary } from '../../sync/result.ts';
import { EXIT, type Io } from '../context.ts';
import { formatList, secretManifest, table } from '../output.ts';

interface SyncOptions {
  filename?: string[];
  configmap?: string;
  namespace: string;
  dryRun?: string;
  output?: string;
  secretsFile?: string;
  kubeconfig?: string;
  context?: string;
  cadence?: string;
  externalSecret: string[];
  all?: boolean;
  prune?: boolean;
  maxPrune?: string;
  takeOverFromEso?: boolean;
}

/** `sync`: to a cluster (from a ConfigMap or files), or offline with `--dry-run=client`. */
export function registerSyncCommand(program: Command, io: Io, setExit: (code: number) => void): void {
  program.command('sync')
    .description('fetch from the endpoint and apply the Secrets (or print them with --dry-run=client)')
    .option('-f, --filename <path...>', 'manifest files or directories (instead of the ConfigMap)')
    .option('--configmap <ns/name>', 'ConfigMap holding the manifests (default webhook-secret-sync/webhook-secret-sync)')
    .option('-n, --namespace <namespace>', 'namespace of documents that name none', 'default')
    .option('--dry-run <mode>', 'client: print the Secrets that would be applied; contacts no cluster (needs -f)')
    .option('-o, --output <format>', 'dry run: json or yaml (default yaml); cluster: table or json')
    .option('--secrets-file <file>', 'dry run: Secrets/ConfigMaps that secrets[] and caProvider refer to')
    .option('--kubeconfig <file>', 'kubeconfig (default $KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context')
    .option('--cadence <duration>', 'sync the ExternalSecrets with this refreshInterval (plus any overdue)')
    .option('--external-secret <ns/name>', 'force this ExternalSecret (repeatable)', (v: string, acc: string[]) => [...acc, v], [])
    .option('--all', 'force every ExternalSecret')
    .option('--prune', 'delete Owner Secrets whose ExternalSecret left the config (default with --configmap)')
    .option('--no-prune', 'keep them (default with -f, where another file set may own them)')
    .option('--max-prune <N|P%>', 'prune at most N (or P% of this source\'s) Owner Secrets in one run; above it, none (default 50%)')
    .option('--take-over-from-eso', 'adopt Secrets External Secrets Operator manages even if its controller may run (you stopped it)')
    .action(async (opts: SyncOptions) => {
      if (opts.dryRun !== undefined) return dryRun(opts, io, setExit);
      if (opts.filename && opts.configmap) throw new UsageError('use either -f or --configmap, not both');
      const cadence = opts.cadence === undefined ? undefined : cadenceOption(opts.cadence);
      const maxPrune = opts.maxPrune === undefined ? undefined : parsePruneLimit(opts.maxPrune, '--max-prune');
      const gateway = await openGateway({ kubeconfig: opts.kubeconfig, context: opts.context });
      try {
        // An invalid document fails alone (reported below, exit 1); the rest still syncs.
        const loaded: LoadedConfig = opts.filename
          ? await loadFromFiles(opts.filename, opts.namespace, { partial: true })
          : await loadFromConfigMap(gateway, parseConfigMapRef(opts.configmap), opts.namespace, { partial: true });
        if (loaded.invalid.length > 0) io.err(`${String(loaded.invalid.length)} invalid document(s): each is reported as failed (${INVALID_MANIFEST}); nothing is pruned in this run\n`);
        const summary = await runOnce({
          gateway,
          config: loaded.config,
          source: loaded.source,
          extraNamespaces: loaded.extraNamespaces,
          invalid: loaded.invalid,
          selection: { cadence, externalSecrets: opts.externalSecret, all: opts.all },
          ...(opts.prune !== undefined ? { prune: opts.prune } : {}),
          ...(maxPrune ? { maxPrune } : {}),
          esoTakeOver: esoTakeOverGate(loadKubeConfig(opts), opts.takeOverFromEso === true),
        });
        printSummary(summary, opts.output, io);
        setExit(summary.counts.failed > 0 ? EXIT.failed : EXIT.ok);
      } finally {
        await gateway.close();
      }
    });
}

/** `--cadence` in canonical form (`60m` is `1h`); a text that is no duration is a usage error. */
function cadenceOption(text: string): string {
  try {
    return canonicalCadence(text);
  } catch (e) {
    throw new UsageError(`--cadence: ${(e as Error).message}`);
  }
}

export function printSummary(summary: RunSummary, output: string | undefined, io: Io): void {
  if (output === 'json') {
    io.out(`${JSON.stringify(summary, null, 2)}\n`);
    return;
  }
  io.out(table(['EXTERNALSECRET', 'TARGET', 'CADENCE', 'RESULT', 'REASON', 'MESSAGE'], summary.outcomes.map((o) => [o.externalSecret, o.target, o.cadence, o.result, o.reason, o.message])));
  const c = summary.counts;
  io.out(`\n${String(c.created)} created, ${String(c.updated)} updated, ${String(c.unchanged)} unchanged, ${String(c.deleted)} deleted, ${String(c.skipped)} skipped, ${String(c.failed)} failed; ${String(summary.endpointRequests)} endpoint request(s) for ${String(summary.entriesFetched)} entries; ${String(summary.durationMs)} ms\n`);
}

async function dryRun(opts: SyncOptions, io: Io, setExit: (code: number) => void): Promise<void> {
  if (opts.dryRun !== 'client') throw new UsageError(`--dry-run=${String(opts.dryRun)}: only "client" is supported`);
  if (!opts.filename) throw new UsageError('--dry-run=client reads manifests from files: give -f PATH');
  const format = opts.output ?? 'yaml';
  if (format !== 'json' && format !== 'yaml') throw new UsageError(`-o ${format}: expected json or yaml`);
  // As a run: an invalid document fails alone (stderr, exit 1) and the rest is still printed.
  const { config, invalid } = await loadFromFiles(opts.filename, opts.namespace, { partial: true });
  const references = opts.secretsFile ? await fileReferences(opts.secretsFile, opts.namespace) : EMPTY_REFERENCES;
  const http = new NodeHttpTransport();
  try {
    const providers = runProviders({ http, references });
    const results = await computeSecrets(config, config.externalSecrets, { clientFor: providers.clientFor, source: 'files' });
    const items = [];
    let failed = invalid.length;
    for (const o of invalidOutcomes(invalid)) io.err(`${subjectOf(o)}: ${o.message}\n`);
    for (const r of results) {
      const id = `ExternalSecret ${r.es.namespace}/${r.es.name}`;
      if (r.kind === 'failed') {
        failed++;
        io.err(`${id}: ${r.error.message}\n`);
      } else if (r.kind === 'gone') {
        io.err(`${id}: the provider no longer has this secret (${r.missing.join(', ')}); deletionPolicy=Delete would delete Secret ${r.es.namespace}/${r.es.targetName}\n`);
      } else if (r.kind === 'retained') {
        io.err(`${id}: the provider returned no data; deletionPolicy=${r.es.spec.target.deletionPolicy} keeps Secret ${r.es.namespace}/${r.es.targetName} as it is\n`);
      } else if (r.kind === 'secret') {
        items.push(secretManifest(r.secret));
      }
    }
    io.out(formatList(items, format));
    setExit(failed > 0 ? EXIT.failed : EXIT.ok);
  } finally {
    await http.close();
  }
}
