/**
 * The lenient loader a sync run uses: an invalid document fails alone, as a broken ExternalSecret
 * does in ESO. Everything that is valid, and does not depend on something invalid, is returned as
 * the Config; every other document is listed with its location and every issue. `validate`,
 * `config push` and `cdk synth` keep the strict `loadConfig`, which refuses the whole set.
 */
import { formatDuration, parseGoDuration } from '../model/duration.ts';
import { configMapSources, parseDocuments, readManifestPaths, type BrokenDocument, type ManifestSource } from './documents.ts';
import { IssueSink, type ConfigIssue } from './issues.ts';
import { classify, type LoadOptions } from './load.ts';
import { findStore, storeRefsOf } from './resolve.ts';
import type { Config, ExternalSecretDef, Origin, StoreDef } from './types.ts';

/** One document that failed, named as far as it could be read. */
export interface InvalidDocument {
  readonly origin: Origin;
  /** `kind`, `namespace` and `name` when readable; `name` only when it is a valid Kubernetes name. */
  readonly kind: string | undefined;
  readonly namespace: string | undefined;
  readonly name: string | undefined;
  /** ExternalSecret only: the target Secret's name (default: the ExternalSecret's name) and the cadence, when readable. */
  readonly targetName: string | undefined;
  readonly cadence: string | undefined;
  readonly issues: readonly ConfigIssue[];
}

export interface PartialConfig {
  /** The valid documents that depend on nothing invalid. */
  readonly config: Config;
  readonly invalid: readonly InvalidDocument[];
}

const KINDS = ['SecretStore', 'ClusterSecretStore', 'ExternalSecret'];
// RFC 1123 subdomain: anything else read from a broken document is not trusted as a name.
const NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/u;

/**
 * Loads what is valid and lists what is not: a YAML error fails only its document; a schema or
 * template error fails only its object; an ExternalSecret whose store is missing or invalid fails
 * with a message naming the store; duplicates (two stores or ExternalSecrets of one name, two
 * ExternalSecrets writing one Secret) all fail, since which one is meant cannot be told.
 *
 * @example
 * ```ts
 * const { config, invalid } = loadConfigPartial([{ source: 'es.yaml', text }]);
 * for (const d of invalid) console.error(d.issues.map(formatIssue).join('\n'));
 * ```
 */
export function loadConfigPartial(sources: readonly ManifestSource[], options: LoadOptions = {}): PartialConfig {
  const defaultNamespace = options.defaultNamespace ?? 'default';
  const broken: BrokenDocument[] = [];
  const docs = parseDocuments(sources, new IssueSink(), broken);
  const invalid: InvalidDocument[] = broken.map((b) => {
    const identity = identityOf(b.partial, defaultNamespace);
    return { ...identity, origin: b.origin, issues: b.messages.map((message) => ({ origin: b.origin, object: objectOf(identity), path: '', message })) };
  });
  const stores: StoreDef[] = [];
  const externalSecrets: ExternalSecretDef[] = [];
  for (const doc of docs) {
    const sink = new IssueSink();
    const s: StoreDef[] = [];
    const e: ExternalSecretDef[] = [];
    classify(doc, defaultNamespace, sink, s, e);
    if (sink.issues.length === 0) {
      stores.push(...s);
      externalSecrets.push(...e);
    } else {
      invalid.push({ ...identityOf(doc.value, defaultNamespace), origin: doc.origin, issues: sink.issues });
    }
  }
  const { config, invalid: all } = isolateDependents(stores, externalSecrets, invalid);
  // Reported in the order of the sources, then of the documents.
  const order = new Map(sources.map((src, i) => [src.source, i]));
  const rank = (d: InvalidDocument): number => order.get(d.origin.source) ?? 0;
  return { config, invalid: [...all].sort((a, b) => rank(a) - rank(b) || a.origin.document - b.origin.document) };
}

/** Reads the given files/directories and loads them leniently (an unreadable path still throws). */
export async function loadConfigPartialFromPaths(paths: readonly string[], options: LoadOptions = {}): Promise<PartialConfig> {
  return loadConfigPartial(await readManifestPaths(paths), options);
}

/** Loads a ConfigMap's data leniently (every key is a multi-document YAML). */
export function loadConfigPartialFromConfigMap(
  ref: { namespace: string; name: string },
  data: Readonly<Record<string, string>>,
  options: LoadOptions = {},
): PartialConfig {
  return loadConfigPartial(configMapSources(ref, data), options);
}

/** Cross-document rules: duplicates fail together, and an ExternalSecret fails with its store. */
function isolateDependents(stores: readonly StoreDef[], externalSecrets: readonly ExternalSecretDef[], invalidDocs: InvalidDocument[]): PartialConfig {
  const invalid = [...invalidDocs];
  const storeKey = (kind: string, namespace: string | undefined, name: string): string => `${kind}/${kind === 'ClusterSecretStore' ? '' : (namespace ?? '')}/${name}`;
  const storeDuplicates = duplicates(stores.map((s) => ({ key: storeKey(s.kind, s.namespace, s.name), origin: s.origin })), invalid, (d) => (d.kind === 'SecretStore' || d.kind === 'ClusterSecretStore') && d.name ? storeKey(d.kind, d.namespace, d.name) : undefined);
  const validStores: StoreDef[] = [];
  for (const s of stores) {
    const also = storeDuplicates.get(storeKey(s.kind, s.namespace, s.name));
    if (!also) {
      validStores.push(s);
      continue;
    }
    const identity = { kind: s.kind, namespace: s.namespace, name: s.name, targetName: undefined, cadence: undefined };
    invalid.push({ ...identity, origin: s.origin, issues: [{ origin: s.origin, object: objectOf(identity), path: 'metadata.name', message: definedTwice(also, s.origin) }] });
  }
  // An invalid store, by the key an ExternalSecret's reference would use: the reason to name.
  const invalidStores = new Map<string, InvalidDocument>();
  for (const d of invalid) if ((d.kind === 'SecretStore' || d.kind === 'ClusterSecretStore') && d.name) invalidStores.set(storeKey(d.kind, d.namespace, d.name), d);

  const esKey = (namespace: string | undefined, name: string): string => `${namespace ?? ''}/${name}`;
  const esDuplicates = duplicates(externalSecrets.map((es) => ({ key: esKey(es.namespace, es.name), origin: es.origin })), invalid, (d) => (d.kind === 'ExternalSecret' && d.name ? esKey(d.namespace, d.name) : undefined));
  // Copies of one ExternalSecret share its target too: that is the duplicate's issue, not this one.
  const writers = new Map<string, Map<string, Origin>>();
  const write = (target: string, name: string, origin: Origin): void => {
    const byName = writers.get(target) ?? new Map<string, Origin>();
    if (!byName.has(name)) byName.set(name, origin);
    writers.set(target, byName);
  };
  for (const es of externalSecrets) write(esKey(es.namespace, es.targetName), es.name, es.origin);
  for (const d of invalid) if (d.kind === 'ExternalSecret' && d.name && d.targetName) write(esKey(d.namespace, d.targetName), d.name, d.origin);
  const valid: ExternalSecretDef[] = [];
  for (const es of externalSecrets) {
    const object = `ExternalSecret ${es.namespace}/${es.name}`;
    const issues: ConfigIssue[] = [];
    const add = (path: string, message: string): void => {
      if (!issues.some((i) => i.path === path && i.message === message)) issues.push({ origin: es.origin, object, path, message });
    };
    const twice = esDuplicates.get(esKey(es.namespace, es.name));
    if (twice) add('metadata.name', definedTwice(twice, es.origin));
    const others = [...(writers.get(esKey(es.namespace, es.targetName)) ?? [])].filter(([name]) => name !== es.name);
    if (others.length > 0) add('spec.target.name', `Secret ${es.namespace}/${es.targetName} is the target of more than one ExternalSecret (${others.map(([name, origin]) => `${name} in ${where([origin])}`).join(', ')}); none of them is synced until one target remains`);
    for (const { path, ref } of storeRefsOf(es)) {
      const found = findStore(validStores, ref, es.namespace);
      if (!('error' in found)) continue;
      const bad = invalidStores.get(storeKey(ref.kind, es.namespace, ref.name));
      add(path, bad ? `${ref.kind} "${ref.name}" is invalid (${where([bad.origin])}): fix that document` : found.error);
    }
    if (issues.length === 0) valid.push(es);
    else invalid.push({ kind: 'ExternalSecret', namespace: es.namespace, name: es.name, targetName: es.targetName, cadence: es.cadence, origin: es.origin, issues });
  }
  return { config: { stores: validStores, externalSecrets: valid }, invalid };
}

/**
 * Keys seen more than once, counting valid objects and invalid documents alike (a valid object
 * beside a broken copy of itself is just as ambiguous), with the origins of every copy.
 */
function duplicates(
  items: readonly { key: string; origin: Origin }[],
  invalid: readonly InvalidDocument[],
  keyOfInvalid: (d: InvalidDocument) => string | undefined,
): Map<string, Origin[]> {
  const all = new Map<string, Origin[]>();
  const note = (key: string, origin: Origin): void => {
    all.set(key, [...(all.get(key) ?? []), origin]);
  };
  for (const i of items) note(i.key, i.origin);
  for (const d of invalid) {
    const key = keyOfInvalid(d);
    if (key !== undefined) note(key, d.origin);
  }
  return new Map([...all].filter(([, origins]) => origins.length > 1));
}

function definedTwice(origins: readonly Origin[], self: Origin): string {
  const others = origins.filter((o) => o !== self);
  return `defined more than once (also ${others.length > 0 ? where(others) : 'in the same document'}); none of the copies is used`;
}

function where(origins: readonly Origin[]): string {
  return origins.map((o) => `${o.source}: document ${String(o.document)}`).join(', ');
}

function objectOf(id: { kind: string | undefined; namespace: string | undefined; name: string | undefined }): string | undefined {
  if (!id.kind || !id.name) return undefined;
  return `${id.kind} ${id.namespace ? `${id.namespace}/` : ''}${id.name}`;
}

/** Whatever names a document, read defensively from its (possibly partial) value. */
function identityOf(value: unknown, defaultNamespace: string): Omit<InvalidDocument, 'origin' | 'issues'> {
  const v = asRecord(value);
  const meta = asRecord(v.metadata);
  const spec = asRecord(v.spec);
  const kind = typeof v.kind === 'string' && KINDS.includes(v.kind) ? v.kind : undefined;
  // A name means nothing without a kind we know (and a kind we do not know is the issue itself).
  const name = kind ? nameOf(meta.name) : undefined;
  const namespace = kind === 'ClusterSecretStore' || !kind ? undefined : (nameOf(meta.namespace) ?? defaultNamespace);
  if (kind !== 'ExternalSecret' || !name) return { kind, namespace, name, targetName: undefined, cadence: undefined };
  const targetName = asRecord(spec.target).name === undefined ? name : nameOf(asRecord(spec.target).name);
  return { kind, namespace, name, targetName, cadence: cadenceOf(spec.refreshInterval) };
}

function cadenceOf(refreshInterval: unknown): string | undefined {
  if (refreshInterval === undefined) return '1h';
  if (typeof refreshInterval !== 'string') return undefined;
  try {
    const ms = parseGoDuration(refreshInterval);
    return ms >= 0 ? formatDuration(ms) : undefined;
  } catch {
    return undefined;
  }
}

function nameOf(v: unknown): string | undefined {
  return typeof v === 'string' && NAME.test(v) ? v : undefined;
}

function asRecord(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}
