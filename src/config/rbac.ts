/**
 * The least privilege a sync identity needs for a given config: get and patch the ConfigMap (its
 * namespace record, see src/sync/namespace-record.ts) and its `-state` ConfigMap (src/sync/checked.ts); list/get/create/
 * patch/delete Secrets and create, get, patch Events in each target namespace; get the labelled auth Secrets and
 * CA ConfigMaps elsewhere by name. Nothing cluster-wide.
 */
import { createHash } from 'node:crypto';
import { STATE_SUFFIX } from '../sync/checked.ts';
import type { Config, ConfigMapRef } from './types.ts';

export interface RbacSubject {
  readonly kind: 'User' | 'Group' | 'ServiceAccount';
  readonly name: string;
  readonly namespace?: string;
}

export interface PolicyRule {
  readonly apiGroups: string[];
  readonly resources: string[];
  readonly verbs: string[];
  readonly resourceNames?: string[];
}

/** The name every Role and RoleBinding had before names were derived; `--name webhook-secret-sync` still prints it. */
export const LEGACY_RBAC_NAME = 'webhook-secret-sync';

/**
 * A Role/RoleBinding name two stacks cannot share: the subject's name for reading, and a hash of
 * the subject (kind, namespace, name) and the ConfigMap, so another identity or another ConfigMap
 * in the same namespace never overwrites this binding's subjects or rules.
 *
 * @example
 * ```ts
 * rbacName({ kind: 'Group', name: 'webhook-secret-sync' }, { namespace: 'wss', name: 'wss' }); // 'webhook-secret-sync-webhook-secret-sync-1a2b3c4d'
 * ```
 */
export function rbacName(subject: RbacSubject, configMap?: ConfigMapRef): string {
  const key = [subject.kind, subject.namespace ?? '', subject.name, configMap ? `${configMap.namespace}/${configMap.name}` : ''].join('\0');
  const slug = subject.name.toLowerCase().replace(/[^a-z0-9-]+/gu, '-').replace(/^-+|-+$/gu, '').slice(0, 40);
  return `${LEGACY_RBAC_NAME}-${slug ? `${slug}-` : ''}${createHash('sha256').update(key).digest('hex').slice(0, 8)}`;
}

/** Role + RoleBinding manifests per namespace, named `options.name` or {@link rbacName}. */
export function rbacFor(config: Config, options: { configMap?: ConfigMapRef; subject: RbacSubject; name?: string }): Record<string, unknown>[] {
  const name = options.name ?? rbacName(options.subject, options.configMap);
  const rules = new Map<string, PolicyRule[]>();
  const add = (ns: string, rule: PolicyRule): void => {
    const list = rules.get(ns) ?? [];
    const same = list.find((r) => r.resources.join() === rule.resources.join() && r.verbs.join() === rule.verbs.join() && (r.resourceNames === undefined) === (rule.resourceNames === undefined));
    if (same && same.resourceNames && rule.resourceNames) {
      for (const n of rule.resourceNames) if (!same.resourceNames.includes(n)) same.resourceNames.push(n);
    } else if (!same) list.push({ ...rule, ...(rule.resourceNames ? { resourceNames: [...rule.resourceNames] } : {}) });
    rules.set(ns, list);
  };
  const targets = new Set(config.externalSecrets.map((es) => es.namespace));
  for (const ns of targets) {
    add(ns, { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'create', 'patch', 'delete'] });
    // get, patch: a repeated Event is counted on the existing object (client-go's aggregation).
    add(ns, { apiGroups: [''], resources: ['events'], verbs: ['create', 'get', 'patch'] });
  }
  if (options.configMap) {
    // patch: a run removes a namespace from the ConfigMap's clean-up record once it holds no Owner
    // Secret, and records "last checked" in the state ConfigMap beside it (created by a server-side apply, a patch).
    add(options.configMap.namespace, { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'patch'], resourceNames: [options.configMap.name, `${options.configMap.name}${STATE_SUFFIX}`] });
  }
  for (const store of config.stores) {
    const users = config.externalSecrets.filter((es) =>
      [es.spec.secretStoreRef, ...(es.spec.data ?? []).map((d) => d.sourceRef?.storeRef), ...(es.spec.dataFrom ?? []).map((d) => d.sourceRef?.storeRef)]
        .some((r) => r?.name === store.name && (r.kind === store.kind) && (store.kind === 'ClusterSecretStore' || es.namespace === store.namespace)));
    const nsOf = (given: string | undefined): string[] => (store.kind === 'ClusterSecretStore' ? [given ?? ''] : [...new Set(users.map((u) => u.namespace))]);
    for (const s of store.webhook.secrets ?? []) {
      for (const ns of nsOf(s.secretRef.namespace)) if (!targets.has(ns)) add(ns, { apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: [s.secretRef.name] });
    }
    const ca = store.webhook.caProvider;
    if (ca) {
      for (const ns of nsOf(ca.namespace)) {
        if (ca.type === 'Secret' && targets.has(ns)) continue;
        add(ns, { apiGroups: [''], resources: [ca.type === 'Secret' ? 'secrets' : 'configmaps'], verbs: ['get'], resourceNames: [ca.name] });
      }
    }
  }
  const out: Record<string, unknown>[] = [];
  for (const ns of [...rules.keys()].sort()) {
    const metadata = { name, namespace: ns, labels: { 'app.kubernetes.io/name': 'webhook-secret-sync' } };
    out.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata, rules: rules.get(ns) });
    const subject = options.subject.kind === 'ServiceAccount'
      ? { kind: 'ServiceAccount', name: options.subject.name, namespace: options.subject.namespace ?? ns }
      : { kind: options.subject.kind, apiGroup: 'rbac.authorization.k8s.io', name: options.subject.name };
    out.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name }, subjects: [subject] });
  }
  return out;
}
