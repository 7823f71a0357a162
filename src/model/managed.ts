/** Our labels and annotations on every Secret we write (no ExternalSecret object exists in the cluster). */
export const MANAGED = {
  label: 'webhook-secret-sync.io/managed',
  externalSecretLabel: 'webhook-secret-sync.io/external-secret',
  externalSecretAnnotation: 'webhook-secret-sync.io/external-secret',
  sourceAnnotation: 'webhook-secret-sync.io/source',
  dataHashAnnotation: 'webhook-secret-sync.io/data-hash',
  /**
   * How many data keys we applied. With the managed fields (no other writer of data, as many keys
   * owned by us) it rules out drift from metadata alone, so a run need not read the data.
   */
  dataKeysAnnotation: 'webhook-secret-sync.io/data-keys',
  specHashAnnotation: 'webhook-secret-sync.io/spec-hash',
  lastSyncAnnotation: 'webhook-secret-sync.io/last-sync',
  cadenceAnnotation: 'webhook-secret-sync.io/cadence',
  creationPolicyAnnotation: 'webhook-secret-sync.io/creation-policy',
  lastErrorAnnotation: 'webhook-secret-sync.io/last-error',
  /**
   * On an ExternalSecret: the source (`configmap:ns/name` or `files`) whose Secret it may take over.
   * Without it, a Secret recorded by another source is never written (two configs never take turns).
   */
  takeOverAnnotation: 'webhook-secret-sync.io/take-over-from',
  /** On the config ConfigMap: namespaces that may still hold its Owner Secrets (Owner clean-up reads them). */
  namespacesAnnotation: 'webhook-secret-sync.io/namespaces',
} as const;

/** `NAMESPACE/NAME` of an ExternalSecret (DNS-1123 names), as the CLI and the function accept it. */
export const EXTERNAL_SECRET_REF = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/u;
