/** Commands around the cluster: `config push`, `status`, `rbac`. */
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { configMapContent, configMapManifest } from '../../app/config-map-manifest.ts';
import { NAMESPACES_ANNOTATION, loadFromConfigMap, loadFromFiles, parseConfigMapRef, sourceOf } from '../../app/config-source.ts';
import { openGateway } from '../../app/kube.ts';
import { readManifestPaths } from '../../config/documents.ts';
import { loadConfig } from '../../config/load.ts';
import { LEGACY_RBAC_NAME, rbacFor, rbacName, type RbacSubject } from '../../config/rbac.ts';
import type { KubeGateway } from '../../kube/gateway.ts';
import { ConfigError, UsageError } from '../../model/errors.ts';
import { MANAGED } from '../../model/managed.ts';
import { ensureStateObject } from '../../sync/checked.ts';
import { isOwnerSecretOf } from '../../sync/prune.ts';
import { statusRows } from '../../sync/status.ts';
import { EXIT, type Io } from '../context.ts';
import { table } from '../output.ts';

interface KubeOpts { kubeconfig?: string; context?: string }

export function registerClusterAdminCommands(program: Command, io: Io, setExit: (code: number) => void): void {
  const config = program.command('config').description('manage the ConfigMap the sync reads');
  config.command('push')
    .description('validate manifests and create or update the ConfigMap by server-side apply')
    .requiredOption('-f, --filename <path...>', 'manifest files or directories')
    .option('--configmap <ns/name>', 'target ConfigMap', 'webhook-secret-sync/webhook-secret-sync')
    .option('-n, --namespace <namespace>', 'namespace of documents that name none', 'default')
    .option('--allow-empty', 'push a set with no ExternalSecret (the next runs prune this config\'s Owner Secrets, within the prune limit)')
    .option('--dry-run <mode>', 'client: print the ConfigMap that would be applied (namespaces record: this set\'s only); contacts no cluster')
    .option('-o, --output <format>', 'with --dry-run=client: yaml or json', 'yaml')
    .option('--kubeconfig <file>').option('--context <name>')
    .action(async (opts: { filename: string[]; configmap: string; namespace: string; allowEmpty?: boolean; dryRun?: string; output: string } & KubeOpts) => {
      if (opts.dryRun !== undefined && opts.dryRun !== 'client') throw new UsageError(`--dry-run=${opts.dryRun}: only "client" is supported`);
      if (opts.output !== 'yaml' && opts.output !== 'json') throw new UsageError(`-o ${opts.output}: expected yaml or json`);
      const sources = await readManifestPaths(opts.filename);
      const parsed = loadConfig(sources, { defaultNamespace: opts.namespace }); // refuse to push an invalid config
      const ref = parseConfigMapRef(opts.configmap);
      if (parsed.externalSecrets.length === 0 && !opts.allowEmpty) {
        throw new ConfigError(`config push -f ${opts.filename.join(' ')}: no ExternalSecret found (${String(sources.length)} file(s) read); `
          + `pushing it would make the next runs delete the Owner Secrets of ${sourceOf(ref)}. Pass --allow-empty if that is intended`);
      }
      const current = new Set(parsed.externalSecrets.map((e) => e.namespace));
      if (opts.dryRun === 'client') {
        // No cluster: the record holds this set's namespaces (a push would keep emptied ones still holding Owner Secrets).
        const manifest = configMapManifest(ref, configMapContent(sources, current));
        io.out(opts.output === 'json' ? `${JSON.stringify(manifest, null, 2)}\n` : stringify(manifest));
        setExit(EXIT.ok);
        return;
      }
      const gateway = await openGateway(opts);
      try {
        const previous = await gateway.readConfigMapWithMeta(ref.namespace, ref.name);
        const recorded = (previous?.annotations[NAMESPACES_ANNOTATION] ?? '').split(',').filter(Boolean);
        const kept = await stillHolding(gateway, sourceOf(ref), recorded.filter((ns) => !current.has(ns)));
        await gateway.applyConfigMap(ref.namespace, ref.name, configMapContent(sources, [...kept, ...current]));
        // The runs' "last checked" record: they may only get and patch it, so it is created here.
        await ensureStateObject(gateway, ref);
        io.out(`configmap/${ref.name} ${previous ? 'configured' : 'created'} in ${ref.namespace}: ${String(parsed.stores.length)} store(s), ${String(parsed.externalSecrets.length)} ExternalSecret(s)\n`);
      } finally {
        await gateway.close();
      }
      setExit(EXIT.ok);
    });

  program.command('status')
    .description('show each ExternalSecret with its target, cadence, last sync, result and message, read from the cluster')
    .option('-f, --filename <path...>', 'manifests (instead of the ConfigMap)')
    .option('--configmap <ns/name>', 'ConfigMap holding the manifests')
    .option('-n, --namespace <namespace>', 'namespace of documents that name none', 'default')
    .option('-o, --output <format>', 'table or json', 'table')
    .option('--kubeconfig <file>').option('--context <name>')
    .action(async (opts: { filename?: string[]; configmap?: string; namespace: string; output: string } & KubeOpts) => {
      const gateway = await openGateway(opts);
      try {
        const loaded = opts.filename ? await loadFromFiles(opts.filename, opts.namespace) : await loadFromConfigMap(gateway, parseConfigMapRef(opts.configmap), opts.namespace);
        const rows = await statusRows(loaded.config, gateway, loaded.source);
        if (opts.output === 'json') io.out(`${JSON.stringify(rows, null, 2)}\n`);
        else io.out(table(['EXTERNALSECRET', 'TARGET', 'CADENCE', 'LAST SYNC', 'RESULT', 'MESSAGE'], rows.map((r) => [r.externalSecret, r.target, r.cadence, r.lastSync ?? '-', r.result, r.message])));
        setExit(rows.some((r) => r.result === 'Failed') ? EXIT.failed : EXIT.ok);
      } finally {
        await gateway.close();
      }
    });

  program.command('rbac')
    .description('print the Roles and RoleBindings the sync identity needs for a config, and nothing more')
    .requiredOption('-f, --filename <path...>', 'manifest files or directories')
    .option('--configmap <ns/name>', 'the ConfigMap the sync reads', 'webhook-secret-sync/webhook-secret-sync')
    .option('--no-configmap', 'the sync reads files, not a ConfigMap')
    .option('-n, --namespace <namespace>', 'namespace of documents that name none', 'default')
    .option('--group <name>', 'bind to this group (EKS access entry kubernetesGroups)')
    .option('--user <name>', 'bind to this user')
    .option('--service-account <ns/name>', 'bind to this ServiceAccount')
    .option('--name <name>', `name of the Roles and RoleBindings (default: derived from the subject and the ConfigMap; ${LEGACY_RBAC_NAME} is the name earlier versions printed)`)
    .action(async (opts: { filename: string[]; configmap: string | false; namespace: string; group?: string; user?: string; serviceAccount?: string; name?: string }) => {
      const given = [opts.group, opts.user, opts.serviceAccount].filter(Boolean).length;
      if (given > 1) throw new UsageError('give one of --group, --user or --service-account');
      let subject: RbacSubject = { kind: 'Group', name: opts.group ?? 'webhook-secret-sync' };
      if (opts.user) subject = { kind: 'User', name: opts.user };
      if (opts.serviceAccount) {
        const [ns, name] = opts.serviceAccount.split('/');
        if (!ns || !name) throw new UsageError('--service-account expects NAMESPACE/NAME');
        subject = { kind: 'ServiceAccount', name, namespace: ns };
      }
      const { config } = await loadFromFiles(opts.filename, opts.namespace);
      if (opts.name !== undefined && !/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/u.test(opts.name)) throw new UsageError(`--name: invalid name ${JSON.stringify(opts.name)}: expected lowercase letters, digits, '-' and '.' (a Kubernetes object name)`);
      const configMap = opts.configmap === false ? undefined : parseConfigMapRef(opts.configmap);
      const docs = rbacFor(config, { subject, ...(configMap ? { configMap } : {}), ...(opts.name ? { name: opts.name } : {}) });
      const name = opts.name ?? rbacName(subject, configMap);
      // Roles bound under the old shared name keep working (RBAC only adds); say how to retire them.
      if (name !== LEGACY_RBAC_NAME) io.err(`# Roles and RoleBindings named ${name}. Ones named ${LEGACY_RBAC_NAME} (earlier versions) still grant access: once these are applied, delete them, or keep that name with --name ${LEGACY_RBAC_NAME}\n`);
      io.out(docs.map((d) => stringify(d)).join('---\n'));
      setExit(EXIT.ok);
    });
}

/**
 * The recorded namespaces that still hold an Owner Secret of `source` (or cannot be read, so may):
 * the others leave the record, and a run need not list them any more.
 */
async function stillHolding(gateway: KubeGateway, source: string, namespaces: readonly string[]): Promise<string[]> {
  const holding = await Promise.all(namespaces.map(async (ns) => {
    try {
      // Metadata is enough: whose Secret it is lives in its annotations.
      return (await gateway.listSecretMetadata(ns, { labelSelector: `${MANAGED.label}=true` })).some((s) => isOwnerSecretOf(s, source));
    } catch {
      return true;
    }
  }));
  return namespaces.filter((_, i) => holding[i]);
}
