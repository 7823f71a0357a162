/**
 * The config loader: manifests (files, directories or ConfigMap data) -> validated Config.
 * Every problem is collected and reported at once, each naming file, document, object and field.
 */
import { API_VERSIONS, TypeMeta } from '../model/manifests.ts';
import { configMapSources, parseDocuments, readManifestPaths, type ManifestSource, type RawDocument } from './documents.ts';
import { ConfigValidationError, IssueSink } from './issues.ts';
import { resolveReferences } from './resolve.ts';
import type { Config, ExternalSecretDef, StoreDef } from './types.ts';
import { validateExternalSecret } from './validate-external-secret.ts';
import { validateStore } from './validate-store.ts';

export interface LoadOptions {
  /** Namespace of documents that name none (default `default`, as kubectl). */
  readonly defaultNamespace?: string;
}

/**
 * Loads manifests from sources; throws ConfigValidationError listing every problem. Strict, for
 * `validate`, `config push` and `cdk synth`; a sync run uses `loadConfigPartial` (partial.ts).
 *
 * @example
 * ```ts
 * const config = loadConfig([{ source: 'es.yaml', text }], { defaultNamespace: 'apps' });
 * ```
 */
export function loadConfig(sources: readonly ManifestSource[], options: LoadOptions = {}): Config {
  const sink = new IssueSink();
  const docs = parseDocuments(sources, sink);
  const stores: StoreDef[] = [];
  const externalSecrets: ExternalSecretDef[] = [];
  const defaultNamespace = options.defaultNamespace ?? 'default';
  for (const doc of docs) classify(doc, defaultNamespace, sink, stores, externalSecrets);
  resolveReferences({ stores, externalSecrets }, sink);
  if (sink.issues.length > 0) throw new ConfigValidationError(sink.issues);
  return { stores, externalSecrets };
}

/** Reads the given files/directories and loads them. */
export async function loadConfigFromPaths(paths: readonly string[], options: LoadOptions = {}): Promise<Config> {
  return loadConfig(await readManifestPaths(paths), options);
}

/** Loads the manifests kept in a ConfigMap's data (every key is a multi-document YAML). */
export function loadConfigFromConfigMap(
  ref: { namespace: string; name: string },
  data: Readonly<Record<string, string>>,
  options: LoadOptions = {},
): Config {
  return loadConfig(configMapSources(ref, data), options);
}

/**
 * Validates one raw document by kind; a valid store or ExternalSecret is appended to its list,
 * every problem goes to `sink` (an ExternalSecret with field problems is still appended, so the
 * strict loader can check its references too).
 *
 * @example
 * ```ts
 * classify(doc, 'default', sink, stores, externalSecrets);
 * ```
 */
export function classify(
  doc: RawDocument,
  defaultNamespace: string,
  sink: IssueSink,
  stores: StoreDef[],
  externalSecrets: ExternalSecretDef[],
): void {
  if (typeof doc.value !== 'object' || doc.value === null || Array.isArray(doc.value)) {
    sink.add(doc.origin, undefined, '', 'expected a Kubernetes object (a mapping with apiVersion, kind and metadata)');
    return;
  }
  const meta = TypeMeta.safeParse(doc.value);
  if (!meta.success) {
    sink.addZod(doc.origin, undefined, '', meta.error);
    return;
  }
  const { apiVersion, kind, metadata } = meta.data;
  const raw = doc.value as { spec?: unknown };
  const known = ['SecretStore', 'ClusterSecretStore', 'ExternalSecret'];
  if (!known.includes(kind)) {
    sink.add(doc.origin, `${kind} ${metadata.name}`, 'kind', `unsupported kind ${kind}: expected one of ${known.join(', ')}`);
    return;
  }
  if (!(API_VERSIONS as readonly string[]).includes(apiVersion)) {
    sink.add(doc.origin, `${kind} ${metadata.name}`, 'apiVersion', `unsupported apiVersion ${apiVersion}: expected ${API_VERSIONS.join(' or ')}`);
    return;
  }
  if (kind === 'ClusterSecretStore') {
    if (metadata.namespace) {
      sink.add(doc.origin, `${kind} ${metadata.name}`, 'metadata.namespace', 'a ClusterSecretStore is cluster-scoped: remove the namespace');
      return;
    }
    const s = validateStore({ kind, name: metadata.name, namespace: undefined, annotations: metadata.annotations ?? {}, spec: raw.spec, origin: doc.origin }, sink);
    if (s) stores.push(s);
    return;
  }
  const namespace = metadata.namespace ?? defaultNamespace;
  if (kind === 'SecretStore') {
    const s = validateStore({ kind, name: metadata.name, namespace, annotations: metadata.annotations ?? {}, spec: raw.spec, origin: doc.origin }, sink);
    if (s) stores.push(s);
    return;
  }
  const es = validateExternalSecret(
    {
      name: metadata.name,
      namespace,
      labels: metadata.labels ?? {},
      annotations: metadata.annotations ?? {},
      spec: raw.spec,
      origin: doc.origin,
    },
    sink,
  );
  if (es) externalSecrets.push(es);
}
