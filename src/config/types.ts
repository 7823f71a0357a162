/** The validated, resolved configuration the engine runs on. */
import type { ClusterStoreCondition, ExternalSecretSpec, WebhookProviderSpec } from '../model/manifests.ts';

/** Where a document came from: a file path or `configmap <ns>/<name> key <k>`, and its 1-based index. */
export interface Origin {
  readonly source: string;
  readonly document: number;
}

export type StoreKind = 'SecretStore' | 'ClusterSecretStore';

/** What a store's endpoint may be: https only, no link-local or metadata addresses, a response cap. */
export interface EndpointPolicy {
  readonly allowHttp: boolean;
  readonly allowLinkLocal: boolean;
  readonly maxResponseBytes: number;
}

export const POLICY_ANNOTATIONS = {
  allowHttp: 'webhook-secret-sync.io/allow-http',
  allowLinkLocal: 'webhook-secret-sync.io/allow-link-local',
  maxResponseBytes: 'webhook-secret-sync.io/max-response-bytes',
} as const;

/** 4 MiB: a Kubernetes Secret holds at most 1 MiB, so a larger answer is a mistake or an attack. */
export const DEFAULT_POLICY: EndpointPolicy = { allowHttp: false, allowLinkLocal: false, maxResponseBytes: 4 * 1024 * 1024 };

export interface StoreDef {
  readonly policy: EndpointPolicy;
  readonly kind: StoreKind;
  readonly name: string;
  /** Undefined for a ClusterSecretStore. */
  readonly namespace: string | undefined;
  readonly webhook: WebhookProviderSpec;
  /** Parsed `timeout`, or undefined when the store sets none (the engine applies a default). */
  readonly timeoutMs: number | undefined;
  readonly conditions: readonly ClusterStoreCondition[];
  readonly origin: Origin;
}

export interface ExternalSecretDef {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly spec: ExternalSecretSpec;
  /** `refreshInterval` in milliseconds (0 disables periodic refresh, as in ESO). */
  readonly refreshMs: number;
  /** The canonical cadence name, e.g. `1h`, `15m`; the unit one scheduled function serves. */
  readonly cadence: string;
  readonly targetName: string;
  /** Hash of spec, labels and annotations: a change means "the ExternalSecret changed" (refreshPolicy OnChange). */
  readonly specHash: string;
  readonly origin: Origin;
}

export interface Config {
  readonly stores: readonly StoreDef[];
  readonly externalSecrets: readonly ExternalSecretDef[];
}

/** `ns/name` of a namespaced object. */
export function refOf(o: { namespace: string; name: string }): string {
  return `${o.namespace}/${o.name}`;
}

/** A ConfigMap holding manifests. */
export interface ConfigMapRef {
  readonly namespace: string;
  readonly name: string;
}
