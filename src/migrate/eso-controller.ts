/**
 * Is External Secrets Operator's controller running? Adoption must not start while it is: the two
 * would take turns on the same Secrets. Detected from its Deployment, as ESO's Helm chart labels it
 * (`app.kubernetes.io/name=external-secrets`; the webhook and cert-controller Deployments carry other
 * names and write no Secrets): any such Deployment with a ready replica means ESO is active.
 */
import { AppsV1Api, KubeConfig } from '@kubernetes/client-node';
import type { EsoTakeOverGate } from '../sync/adopt-eso.ts';

/** The label selector of ESO's controller Deployment (Helm chart `external-secrets`). */
export const ESO_CONTROLLER_SELECTOR = 'app.kubernetes.io/name=external-secrets';

export interface EsoController {
  /** `ns/name` of each ESO controller Deployment found, with its ready replicas. */
  readonly deployments: readonly { readonly name: string; readonly ready: number }[];
}

/**
 * Lists ESO's controller Deployments in every namespace (needs `list deployments` cluster-wide).
 *
 * @example
 * ```ts
 * const { deployments } = await findEsoController(kubeConfig);
 * ```
 */
export async function findEsoController(kc: KubeConfig): Promise<EsoController> {
  const list = await kc.makeApiClient(AppsV1Api).listDeploymentForAllNamespaces({ labelSelector: ESO_CONTROLLER_SELECTOR });
  return {
    deployments: list.items.map((d) => ({ name: `${d.metadata?.namespace ?? ''}/${d.metadata?.name ?? ''}`, ready: d.status?.readyReplicas ?? 0 })),
  };
}

/** Why ESO counts as active (a Deployment with ready replicas), or undefined. */
export function activeReason(c: EsoController): string | undefined {
  const active = c.deployments.filter((d) => d.ready > 0);
  if (active.length === 0) return undefined;
  return `External Secrets Operator's controller is running (${active.map((d) => `Deployment ${d.name}: ${String(d.ready)} ready`).join(', ')}); scale it to 0 first`;
}

/**
 * The adoption gate of `sync`: with `--take-over-from-eso` always yes (the operator says ESO is
 * stopped); otherwise yes only when no ESO controller Deployment has a ready replica, and no when
 * that cannot be checked (the sync identity usually may not list Deployments).
 *
 * @example
 * ```ts
 * await runOnce({ ..., esoTakeOver: esoTakeOverGate(kubeConfig, opts.takeOverFromEso === true) });
 * ```
 */
export function esoTakeOverGate(kc: KubeConfig, takeOver: boolean): EsoTakeOverGate {
  if (takeOver) return () => Promise.resolve(undefined);
  return async () => {
    try {
      const why = activeReason(await findEsoController(kc));
      return why === undefined ? undefined : `${why}, or pass --take-over-from-eso`;
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      return `could not tell whether External Secrets Operator's controller runs (listing Deployments with ${ESO_CONTROLLER_SELECTOR} failed${typeof code === 'number' ? `: HTTP ${String(code)}` : ''}); stop it, then pass --take-over-from-eso`;
    }
  };
}
