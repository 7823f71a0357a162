/** Cross-document checks: store references, namespace rules, duplicates. */
import type { StoreRef } from '../model/manifests.ts';
import type { IssueSink } from './issues.ts';
import type { Config, ExternalSecretDef, StoreDef } from './types.ts';
import { compileGoRegexp } from '../template/index.ts';

/** Every store reference an ExternalSecret makes, with the field path that makes it. */
export function storeRefsOf(es: ExternalSecretDef): { path: string; ref: StoreRef }[] {
  const out: { path: string; ref: StoreRef }[] = [];
  const dflt = es.spec.secretStoreRef;
  es.spec.dataFrom?.forEach((d, i) => {
    const ref = d.sourceRef?.storeRef ?? dflt;
    if (ref) out.push({ path: d.sourceRef?.storeRef ? `spec.dataFrom[${String(i)}].sourceRef.storeRef` : 'spec.secretStoreRef', ref });
    else out.push({ path: `spec.dataFrom[${String(i)}]`, ref: { name: '', kind: 'SecretStore' } });
  });
  es.spec.data?.forEach((d, i) => {
    const ref = d.sourceRef?.storeRef ?? dflt;
    if (ref) out.push({ path: d.sourceRef?.storeRef ? `spec.data[${String(i)}].sourceRef.storeRef` : 'spec.secretStoreRef', ref });
    else out.push({ path: `spec.data[${String(i)}]`, ref: { name: '', kind: 'SecretStore' } });
  });
  return out;
}

/**
 * Finds the store an ExternalSecret in `namespace` means by `ref`, or says why it cannot be used.
 * A SecretStore serves only its own namespace; a ClusterSecretStore serves the namespaces its
 * conditions allow (namespaceSelector is matched on the `kubernetes.io/metadata.name` label only,
 * since manifests carry no namespace labels).
 */
export function findStore(
  stores: readonly StoreDef[],
  ref: StoreRef,
  namespace: string,
): { store: StoreDef } | { error: string } {
  if (ref.name === '') return { error: 'no store: set spec.secretStoreRef or a sourceRef.storeRef' };
  if (ref.kind === 'ClusterSecretStore') {
    const store = stores.find((s) => s.kind === 'ClusterSecretStore' && s.name === ref.name);
    if (!store) return { error: `ClusterSecretStore "${ref.name}" not found in the config` };
    if (!clusterStoreAllows(store, namespace)) {
      return { error: `using cluster store "${ref.name}" is not allowed from namespace "${namespace}": denied by spec.condition` };
    }
    return { store };
  }
  const store = stores.find((s) => s.kind === 'SecretStore' && s.name === ref.name && s.namespace === namespace);
  if (store) return { store };
  const elsewhere = stores.filter((s) => s.kind === 'SecretStore' && s.name === ref.name).map((s) => s.namespace);
  if (elsewhere.length > 0) {
    return {
      error: `SecretStore "${ref.name}" is in namespace ${elsewhere.join(', ')}; a SecretStore can only be used from its own namespace ("${namespace}") — use a ClusterSecretStore to share it`,
    };
  }
  return { error: `SecretStore "${ref.name}" not found in namespace "${namespace}"` };
}

function clusterStoreAllows(store: StoreDef, namespace: string): boolean {
  if (store.conditions.length === 0) return true;
  const labels: Record<string, string> = { 'kubernetes.io/metadata.name': namespace };
  return store.conditions.some((c) => {
    if (c.namespaces?.includes(namespace)) return true;
    if (c.namespaceRegexes?.some((r) => matchesGo(r, namespace))) return true;
    const sel = c.namespaceSelector;
    if (!sel) return false;
    const byLabels = Object.entries(sel.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
    const byExpr = (sel.matchExpressions ?? []).every((e) => {
      const v = labels[e.key];
      switch (e.operator) {
        case 'In': return v !== undefined && (e.values ?? []).includes(v);
        case 'NotIn': return v === undefined || !(e.values ?? []).includes(v);
        case 'Exists': return v !== undefined;
        case 'DoesNotExist': return v === undefined;
      }
      return false;
    });
    return byLabels && byExpr;
  });
}

/** Go `regexp.MatchString` (unanchored), compiled once and cached, the dialect ESO uses here too. */
function matchesGo(pattern: string, text: string): boolean {
  return compileGoRegexp(pattern).test(text);
}

/** Records issues for unresolvable references and duplicates; mutates nothing. */
export function resolveReferences(config: Config, sink: IssueSink): void {
  const storeKeys = new Map<string, StoreDef>();
  for (const s of config.stores) {
    const key = `${s.kind}/${s.namespace ?? ''}/${s.name}`;
    const prev = storeKeys.get(key);
    if (prev) sink.add(s.origin, `${s.kind} ${s.namespace ? `${s.namespace}/` : ''}${s.name}`, 'metadata.name', `defined twice (also ${prev.origin.source}: document ${String(prev.origin.document)})`);
    else storeKeys.set(key, s);
  }
  const esKeys = new Map<string, ExternalSecretDef>();
  const targets = new Map<string, ExternalSecretDef>();
  for (const es of config.externalSecrets) {
    const object = `ExternalSecret ${es.namespace}/${es.name}`;
    const key = `${es.namespace}/${es.name}`;
    const prev = esKeys.get(key);
    if (prev) {
      sink.add(es.origin, object, 'metadata.name', `defined twice (also ${prev.origin.source}: document ${String(prev.origin.document)})`);
      continue;
    }
    esKeys.set(key, es);
    const target = `${es.namespace}/${es.targetName}`;
    const owner = targets.get(target);
    if (owner) {
      sink.add(es.origin, object, 'spec.target.name', `Secret ${target} is already the target of ExternalSecret ${owner.namespace}/${owner.name}; two ExternalSecrets cannot write one Secret`);
    } else targets.set(target, es);
    const reported = new Set<string>();
    for (const { path, ref } of storeRefsOf(es)) {
      const found = findStore(config.stores, ref, es.namespace);
      if ('error' in found && !reported.has(path + found.error)) {
        reported.add(path + found.error);
        sink.add(es.origin, object, path, found.error);
      }
    }
  }
}
