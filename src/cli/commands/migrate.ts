/** `migrate plan` and `migrate export`: the read-only steps of moving from a running ESO (README "Migrating from ESO"). */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { parseConfigMapRef } from '../../app/config-source.ts';
import { openGateway } from '../../app/kube.ts';
import { runProviders } from '../../app/providers.ts';
import { sortObjects, type Sorted } from '../../migrate/clean.ts';
import { activeReason, findEsoController, type EsoController } from '../../migrate/eso-controller.ts';
import { configMapOf, exportFiles } from '../../migrate/export.ts';
import { loadKubeConfig } from '../../migrate/kube-config.ts';
import { planTargets } from '../../migrate/plan.ts';
import { readEso, type EsoInventory } from '../../migrate/read-eso.ts';
import { UsageError } from '../../model/errors.ts';
import { NodeHttpTransport } from '../../providers/webhook/transport.ts';
import { EXIT, type Io } from '../context.ts';
import { table } from '../output.ts';

interface ScopeOptions {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  allNamespaces?: boolean;
}

function scoped(cmd: Command): Command {
  return cmd
    .option('--kubeconfig <file>', 'kubeconfig (default $KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context')
    .option('-n, --namespace <namespace>', 'read the ExternalSecrets and SecretStores of this namespace')
    .option('-A, --all-namespaces', 'read them in every namespace');
}

async function inventory(opts: ScopeOptions): Promise<{ inv: EsoInventory; sorted: Sorted }> {
  if (opts.namespace === undefined && !opts.allNamespaces) throw new UsageError('give -n NAMESPACE or --all-namespaces');
  if (opts.namespace !== undefined && opts.allNamespaces) throw new UsageError('use either -n or --all-namespaces, not both');
  const inv = await readEso(loadKubeConfig(opts), opts.allNamespaces ? { allNamespaces: true } : { namespace: opts.namespace ?? '' });
  return { inv, sorted: sortObjects(inv.objects) };
}

/** Registers `migrate plan` and `migrate export`. */
export function registerMigrateCommands(program: Command, io: Io, setExit: (code: number) => void): void {
  const migrate = program.command('migrate').description('move from a running External Secrets Operator without churn (see README "Migrating from ESO")');

  scoped(migrate.command('plan'))
    .description('read-only: what ESO has, what cannot move and why, and per target whether our sync would change its data (never values)')
    .option('-o, --output <format>', 'table or json', 'table')
    .action(async (opts: ScopeOptions & { output: string }) => {
      if (opts.output !== 'table' && opts.output !== 'json') throw new UsageError(`-o ${opts.output}: expected table or json`);
      const { inv, sorted } = await inventory(opts);
      const controller = await findEsoController(loadKubeConfig(opts)).catch((e: unknown) => e as Error);
      const gateway = await openGateway(opts);
      const http = new NodeHttpTransport();
      try {
        const providers = runProviders({ http, references: gateway });
        const targets = await planTargets({ config: sorted.config, gateway, clientFor: providers.clientFor });
        const eso = controller instanceof Error
          ? { state: 'unknown', message: `could not list Deployments (${statusOf(controller)}); make sure it is stopped before \`sync --take-over-from-eso\`` }
          : { state: activeReason(controller) === undefined ? 'stopped' : 'running', message: describeController(controller) };
        if (opts.output === 'json') {
          io.out(`${JSON.stringify({ servedVersions: inv.servedVersions, controller: eso, unsupported: sorted.unsupported, targets }, null, 2)}\n`);
        } else {
          io.out(`external-secrets.io served versions: ${inv.servedVersions.join(', ') || 'none (ESO\'s CRDs are not installed)'}\n`);
          io.out(`ESO controller: ${eso.state}: ${eso.message}\n\n`);
          if (sorted.unsupported.length > 0) {
            io.out(`NOT MIGRATED (${String(sorted.unsupported.length)})\n`);
            io.out(table(['OBJECT', 'REASON'], sorted.unsupported.map((u) => [u.object, u.reasons.join('; ')])));
            io.out('\n');
          }
          io.out(table(['EXTERNALSECRET', 'TARGET', 'EXISTS', 'ESO-MANAGED', 'DATA'], targets.map((t) => [t.externalSecret, t.target, yesNo(t.exists), yesNo(t.esoManaged), t.data])));
        }
        setExit(EXIT.ok);
      } finally {
        await http.close();
        await gateway.close();
      }
    });

  scoped(migrate.command('export'))
    .description('write clean manifests of what can move (one YAML per namespace) for `validate` and `config push -f DIR`')
    .option('-o, --output <dir|format>', 'directory to write; with --dry-run=client: yaml or json')
    .option('--dry-run <mode>', 'client: print the ConfigMap `config push` would create instead of writing files')
    .option('--configmap <ns/name>', 'with --dry-run: the ConfigMap to print (default webhook-secret-sync/webhook-secret-sync)')
    .action(async (opts: ScopeOptions & { output?: string; dryRun?: string; configmap?: string }) => {
      if (opts.dryRun !== undefined && opts.dryRun !== 'client') throw new UsageError(`--dry-run=${opts.dryRun}: only "client" is supported`);
      if (opts.dryRun === undefined && !opts.output) throw new UsageError('give -o DIR (or --dry-run=client -o yaml)');
      const format = opts.dryRun ? (opts.output ?? 'yaml') : undefined;
      if (format !== undefined && format !== 'yaml' && format !== 'json') throw new UsageError(`--dry-run=client -o ${format}: expected yaml or json`);
      const { sorted } = await inventory(opts);
      for (const u of sorted.unsupported) io.err(`not exported: ${u.object}: ${u.reasons.join('; ')}\n`);
      const files = exportFiles(sorted.manifests);
      if (format !== undefined) {
        const cm = configMapOf(files, parseConfigMapRef(opts.configmap), sorted.config.externalSecrets.map((e) => e.namespace));
        io.out(format === 'json' ? `${JSON.stringify(cm, null, 2)}\n` : stringify(cm, { lineWidth: 0 }));
      } else {
        const dir = opts.output ?? '.';
        await mkdir(dir, { recursive: true });
        for (const [file, text] of files) await writeFile(join(dir, file), text);
        io.out(`wrote ${String(files.size)} file(s) to ${dir}: ${String(sorted.config.stores.length)} store(s), ${String(sorted.config.externalSecrets.length)} ExternalSecret(s); ${String(sorted.unsupported.length)} object(s) not exported\n`);
      }
      setExit(EXIT.ok);
    });
}

/** The HTTP status only: client-node's error messages embed response headers and bodies. */
function statusOf(e: Error): string {
  const code = (e as { code?: unknown }).code;
  return typeof code === 'number' ? `HTTP ${String(code)}` : e.name;
}

function yesNo(b: boolean): string {
  return b ? 'yes' : 'no';
}

function describeController(c: EsoController): string {
  if (c.deployments.length === 0) return 'no Deployment labelled app.kubernetes.io/name=external-secrets';
  return c.deployments.map((d) => `Deployment ${d.name}: ${String(d.ready)} ready`).join(', ');
}
