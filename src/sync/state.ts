/** What our Secrets record now (metadata only: no data is read): one LIST of managed Secrets per namespace, in parallel. */
import { KubeUnreachableError, type ExistingSecret, type KubeGateway } from '../kube/gateway.ts';
import { MANAGED } from '../model/managed.ts';

export interface ManagedState {
  /** `ns/name` -> Secret, metadata only (`data` is empty). */
  readonly secrets: Map<string, ExistingSecret>;
  /** Namespaces whose LIST failed, with the error. */
  readonly errors: Map<string, string>;
}

/**
 * @throws {KubeUnreachableError} when no namespace could be read because the apiserver is unreachable
 * @example
 * ```ts
 * const { secrets, errors } = await readManagedState(gateway, ['apps', 'web']);
 * ```
 */
export async function readManagedState(gateway: KubeGateway, namespaces: readonly string[]): Promise<ManagedState> {
  const secrets = new Map<string, ExistingSecret>();
  const errors = new Map<string, string>();
  let unreachable: KubeUnreachableError | undefined;
  await Promise.all(namespaces.map(async (ns) => {
    try {
      for (const s of await gateway.listSecretMetadata(ns, { labelSelector: `${MANAGED.label}=true` })) secrets.set(`${s.namespace}/${s.name}`, s);
    } catch (e) {
      if (e instanceof KubeUnreachableError) unreachable = e;
      errors.set(ns, (e as Error).message);
    }
  }));
  if (unreachable && errors.size === namespaces.length) throw unreachable;
  return { secrets, errors };
}
