/**
 * Reads what External Secrets Operator has in a cluster: its ExternalSecret, SecretStore and
 * ClusterSecretStore objects. Discovery says which versions of `external-secrets.io` are served
 * (ESO 0.x serves v1beta1, 1.x/2.x v1); every object is read once, through the preferred version,
 * falling back to the other served versions for a kind the preferred one lacks.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ApisApi, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { MigrateError } from './errors.ts';

export const ESO_GROUP = 'external-secrets.io';

const RESOURCES = [
  { kind: 'ClusterSecretStore', plural: 'clustersecretstores', namespaced: false },
  { kind: 'SecretStore', plural: 'secretstores', namespaced: true },
  { kind: 'ExternalSecret', plural: 'externalsecrets', namespaced: true },
] as const;

/** One object as the apiserver returned it (status and all). */
export type EsoObject = Record<string, unknown> & {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly uid?: string } & Record<string, unknown>;
};

export interface EsoInventory {
  /** Versions of external-secrets.io the apiserver serves, preferred first; empty when ESO's CRDs are absent. */
  readonly servedVersions: readonly string[];
  readonly objects: readonly EsoObject[];
}

/**
 * @example
 * ```ts
 * const { servedVersions, objects } = await readEso(kubeConfig, { namespace: 'apps' }); // or { allNamespaces: true }
 * ```
 */
export async function readEso(kc: KubeConfig, scope: { readonly namespace?: string; readonly allNamespaces?: boolean }): Promise<EsoInventory> {
  const groups = await kc.makeApiClient(ApisApi).getAPIVersions().catch((e: unknown) => {
    throw new MigrateError(`discovery of API groups failed (${describe(e)})`, { cause: e });
  });
  const group = groups.groups.find((g) => g.name === ESO_GROUP);
  if (!group) return { servedVersions: [], objects: [] };
  const preferred = group.preferredVersion?.version;
  const servedVersions = [...group.versions.map((v) => v.version)].sort((a, b) => Number(b === preferred) - Number(a === preferred));
  const custom = kc.makeApiClient(CustomObjectsApi);
  const objects: EsoObject[] = [];
  // ClusterSecretStores are read whatever the scope: ExternalSecrets of any namespace may use them.
  for (const r of RESOURCES) {
    for (const version of servedVersions) {
      let list: { items?: EsoObject[] };
      try {
        list = await withRetryOn429(async () => (r.namespaced && !scope.allNamespaces && scope.namespace !== undefined
          ? await custom.listNamespacedCustomObject({ group: ESO_GROUP, version, namespace: scope.namespace, plural: r.plural })
          : await custom.listClusterCustomObject({ group: ESO_GROUP, version, plural: r.plural })) as { items?: EsoObject[] });
      } catch (e) {
        if ((e as { code?: unknown }).code === 404) continue; // this version does not serve this kind
        throw new MigrateError(`list ${r.plural}.${ESO_GROUP}/${version} failed (${describe(e)})`, { cause: e });
      }
      objects.push(...(list.items ?? []).map((o) => ({ ...o, apiVersion: `${ESO_GROUP}/${version}`, kind: r.kind })));
      break;
    }
  }
  return { servedVersions, objects };
}

/**
 * The apiserver answers 429 while a resource's storage is (re)initializing, e.g. just after its CRD
 * was created or changed: wait and ask again, a few times.
 */
async function withRetryOn429<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (e) {
      if ((e as { code?: unknown }).code !== 429 || attempt >= 10) throw e;
      await sleep(Math.min(200 * 2 ** attempt, 2_000));
    }
  }
}

/** An apiserver failure as status code only: client-node's messages embed headers. */
function describe(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  return typeof code === 'number' ? `HTTP ${String(code)}` : (e as Error).message;
}
