/**
 * What the sync needs from Kubernetes. The engine depends on this interface only; the HTTPS
 * adapter (https-gateway.ts) is the one place that talks to the apiserver.
 */
import { WebhookSecretSyncError } from '../model/errors.ts';
import type { ReferenceReader } from '../providers/references.ts';

export interface ExistingSecret {
  readonly name: string;
  readonly namespace: string;
  readonly uid: string;
  readonly resourceVersion: string;
  readonly type: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly data: Readonly<Record<string, Buffer>>;
  readonly immutable: boolean;
  /** Its owners (absent when there are none); an External Secrets Operator target points at its ExternalSecret. */
  readonly ownerReferences?: readonly SecretOwnerReference[];
  /**
   * Who owns its data keys, from `metadata.managedFields` (so metadata-only reads have it too):
   * how many keys this tool's field managers own, and whether any other field manager owns one.
   * Absent when the apiserver sent no managed fields.
   */
  readonly dataFields?: { readonly ours: number; readonly others: boolean };
}

/** One `metadata.ownerReferences` entry of a Secret. */
export interface SecretOwnerReference {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly uid: string;
  readonly controller?: boolean;
}

/**
 * A whole-metadata rewrite of one Secret, applied only if it is still at `resourceVersion` (a JSON
 * patch with a test: nothing is written when it changed meanwhile). Used to adopt a Secret another
 * controller created: its owner references, labels and annotations are replaced in one write.
 */
export interface SecretRewrite {
  readonly namespace: string;
  readonly name: string;
  readonly resourceVersion: string;
  readonly ownerReferences: readonly SecretOwnerReference[];
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** Omitted: data is left as it is. */
  readonly data?: Readonly<Record<string, Buffer>>;
}

/** A Secret as we apply it (server-side apply: the fields we own, nothing else). */
export interface SecretApply {
  readonly name: string;
  readonly namespace: string;
  readonly type?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** Omitted: we apply metadata only and leave data as it is. */
  readonly data?: Readonly<Record<string, Buffer>>;
  readonly immutable?: boolean;
  /** Apply only if the Secret is still at this version (409 otherwise): no stale overwrite. */
  readonly resourceVersion?: string;
}

export interface SecretEvent {
  readonly namespace: string;
  /** The Secret the event is about (there is no ExternalSecret object in the cluster). */
  readonly secretName: string;
  readonly secretUid?: string;
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  readonly message: string;
  /** `ns/name` of the ExternalSecret, kept in the event's annotations-free `related` fields. */
  readonly externalSecret: string;
}

export interface ConfigMapData {
  readonly data: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

export interface KubeGateway extends ReferenceReader {
  /** Every Secret in the namespace that carries our managed label: one LIST call. */
  listManagedSecrets(namespace: string): Promise<ExistingSecret[]>;
  /**
   * Every Secret in the namespace, metadata only (no data is transferred): one LIST call that tells
   * "missing" from "someone else's Secret" for all new targets at once. `data` is empty, `type` ''.
   * `labelSelector` (Kubernetes selector syntax) narrows the list; omitted: every Secret.
   */
  listSecretMetadata(namespace: string, options?: { readonly labelSelector?: string }): Promise<ExistingSecret[]>;
  getSecret(namespace: string, name: string): Promise<ExistingSecret | undefined>;
  /** Server-side apply with our field manager; `force` takes fields over from other managers. */
  applySecret(secret: SecretApply, options: { readonly force: boolean }): Promise<'created' | 'updated'>;
  /** Deletes only the exact object we looked at (uid and resourceVersion preconditions). */
  deleteSecret(namespace: string, name: string, precondition: { readonly uid: string; readonly resourceVersion: string }): Promise<void>;
  /** Removes data keys (merge patch with nulls): keys other writers added to a Secret we own. */
  removeSecretKeys(namespace: string, name: string, keys: readonly string[]): Promise<void>;
  /** Rewrites a Secret's metadata (and optionally data) in one request, if it is still at the version read. */
  rewriteSecret(rewrite: SecretRewrite): Promise<void>;
  /** Sets (string) or removes (null) annotations only, with a merge patch; data is untouched. */
  annotateSecret(namespace: string, name: string, annotations: Readonly<Record<string, string | null>>): Promise<void>;
  recordEvent(event: SecretEvent): Promise<void>;
  readConfigMapWithMeta(namespace: string, name: string): Promise<ConfigMapData | undefined>;
  applyConfigMap(namespace: string, name: string, content: ConfigMapData): Promise<void>;
  /**
   * Sets (string) or removes (null) data keys of a ConfigMap with a merge patch, so concurrent
   * writers of different keys never undo each other; creates the ConfigMap when it does not exist.
   */
  patchConfigMapData(namespace: string, name: string, data: Readonly<Record<string, string | null>>): Promise<void>;
  /**
   * Replaces one annotation of a ConfigMap only if it still has the value `expected` (a JSON patch
   * with a test: 422 when it changed meanwhile); nothing else of the ConfigMap is touched.
   */
  replaceConfigMapAnnotation(namespace: string, name: string, key: string, expected: string, value: string): Promise<void>;
}

/** An apiserver answer other than success: status code and Kubernetes reason, never the request. */
export class KubeApiError extends WebhookSecretSyncError {
  readonly code: number;
  readonly reason: string;
  constructor(message: string, code: number, reason: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.reason = reason;
  }
}

/** The apiserver could not be reached at all (systemic: fails the run). */
export class KubeUnreachableError extends WebhookSecretSyncError {}

/** An apiserver call not sent, or cut, because the run was aborted (its time budget ran out). Nothing was written by it. */
export class KubeCallAbortedError extends WebhookSecretSyncError {}
