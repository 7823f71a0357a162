/**
 * Schemas of the ESO manifests we read (SecretStore, ClusterSecretStore, ExternalSecret), in
 * `external-secrets.io/v1` and `v1beta1` (identical for every field the webhook provider uses).
 * Objects are strict where a typo would silently change behaviour (provider, spec, target), and
 * loose for `metadata` and `status`, which carry whatever the cluster adds.
 */
import * as z from './zod.ts';

export const API_GROUP = 'external-secrets.io';
export const API_VERSIONS = [`${API_GROUP}/v1`, `${API_GROUP}/v1beta1`] as const;
export const STORE_KINDS = ['SecretStore', 'ClusterSecretStore'] as const;

const name = z.string().check(z.minLength(1, 'expected a non-empty name'));

export const ObjectMeta = z.looseObject({
  name,
  namespace: z.optional(z.string().check(z.minLength(1))),
  labels: z.optional(z.record(z.string(), z.string())),
  annotations: z.optional(z.record(z.string(), z.string())),
});

/** ESO's CRD has a map; the brief's example uses a list of `{name, value}`. Both become a list. */
const Headers = z.pipe(
  z.union([
    z.record(z.string(), z.string()),
    z.array(z.strictObject({ name: z.string().check(z.minLength(1)), value: z.string() })),
  ]),
  z.transform((h): [string, string][] =>
    Array.isArray(h) ? h.map((e) => [e.name, e.value] as [string, string]) : Object.entries(h),
  ),
);

const SecretKeySelector = z.strictObject({
  name,
  key: z.optional(z.string()),
  namespace: z.optional(z.string()),
});

export const WebhookProviderSpec = z.strictObject({
  url: z.string().check(z.minLength(1, 'expected the endpoint URL (a Go template)')),
  method: z.optional(z.string()),
  headers: z.optional(Headers),
  body: z.optional(z.string()),
  timeout: z.optional(z.string()),
  result: z.optional(z.strictObject({ jsonPath: z.optional(z.string()) })),
  secrets: z.optional(z.array(z.strictObject({ name, secretRef: SecretKeySelector }))),
  caBundle: z.optional(z.string()),
  caProvider: z.optional(
    z.strictObject({
      type: z.enum(['Secret', 'ConfigMap']),
      name,
      key: z.string().check(z.minLength(1)),
      namespace: z.optional(z.string()),
    }),
  ),
  auth: z.optional(z.unknown()),
});
export type WebhookProviderSpec = z.infer<typeof WebhookProviderSpec>;

const LabelSelector = z.looseObject({
  matchLabels: z.optional(z.record(z.string(), z.string())),
  matchExpressions: z.optional(
    z.array(
      z.strictObject({
        key: z.string(),
        operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
        values: z.optional(z.array(z.string())),
      }),
    ),
  ),
});

export const ClusterStoreCondition = z.strictObject({
  namespaceSelector: z.optional(LabelSelector),
  namespaces: z.optional(z.array(z.string())),
  namespaceRegexes: z.optional(z.array(z.string())),
});
export type ClusterStoreCondition = z.infer<typeof ClusterStoreCondition>;

export const SecretStoreSpec = z.looseObject({
  provider: z.record(z.string(), z.unknown()),
  conditions: z.optional(z.array(ClusterStoreCondition)),
  refreshInterval: z.optional(z.union([z.number(), z.string()])),
  retrySettings: z.optional(z.unknown()),
  controller: z.optional(z.string()),
});

export const StoreRef = z.strictObject({
  name,
  kind: z._default(z.enum(STORE_KINDS), 'SecretStore'),
});
export type StoreRef = z.infer<typeof StoreRef>;

const ConversionStrategy = z.enum(['Default', 'Unicode']);
const DecodingStrategy = z.enum(['None', 'Base64', 'Base64URL', 'Auto']);

const RemoteRef = z.strictObject({
  key: z.string(),
  property: z.optional(z.string()),
  version: z.optional(z.string()),
  conversionStrategy: z.optional(ConversionStrategy),
  decodingStrategy: z.optional(DecodingStrategy),
  metadataPolicy: z.optional(z.enum(['None', 'Fetch'])),
  nullBytePolicy: z.optional(z.enum(['Ignore', 'Fail'])),
});
export type RemoteRef = z.infer<typeof RemoteRef>;

const SourceRef = z.strictObject({
  storeRef: z.optional(StoreRef),
  generatorRef: z.optional(z.unknown()),
});

export const DataEntry = z.strictObject({
  secretKey: z.string().check(z.minLength(1, 'expected the key to write in the target Secret')),
  remoteRef: RemoteRef,
  sourceRef: z.optional(SourceRef),
});
export type DataEntry = z.infer<typeof DataEntry>;

const Rewrite = z
  .strictObject({
    regexp: z.optional(z.strictObject({ source: z.string(), target: z.string() })),
    transform: z.optional(z.strictObject({ template: z.string() })),
    merge: z.optional(z.unknown()),
  })
  .check(
    z.refine((r) => [r.regexp, r.transform, r.merge].filter((x) => x !== undefined).length === 1, {
      error: 'expected exactly one of regexp, transform or merge',
    }),
  );
export type Rewrite = z.infer<typeof Rewrite>;

export const DataFromEntry = z.strictObject({
  extract: z.optional(RemoteRef),
  find: z.optional(z.unknown()),
  rewrite: z.optional(z.array(Rewrite)),
  sourceRef: z.optional(SourceRef),
});
export type DataFromEntry = z.infer<typeof DataFromEntry>;

export const CREATION_POLICIES = ['Owner', 'Orphan', 'Merge', 'None', 'CreateOrMerge'] as const;
export const DELETION_POLICIES = ['Retain', 'Delete', 'Merge'] as const;
export const REFRESH_POLICIES = ['CreatedOnce', 'Periodic', 'OnChange'] as const;

const TargetTemplate = z.strictObject({
  type: z.optional(z.string()),
  engineVersion: z.optional(z.literal('v2', { error: 'expected engineVersion v2 (the only engine ESO supports)' })),
  metadata: z.optional(
    z.strictObject({
      labels: z.optional(z.record(z.string(), z.string())),
      annotations: z.optional(z.record(z.string(), z.string())),
      finalizers: z.optional(z.array(z.string())),
    }),
  ),
  mergePolicy: z.optional(z.enum(['Replace', 'Merge'])),
  data: z.optional(z.record(z.string(), z.string())),
  templateFrom: z.optional(z.array(z.unknown())),
});
export type TargetTemplate = z.infer<typeof TargetTemplate>;

export const Target = z.strictObject({
  name: z.optional(z.string().check(z.minLength(1))),
  creationPolicy: z._default(z.enum(CREATION_POLICIES), 'Owner'),
  deletionPolicy: z._default(z.enum(DELETION_POLICIES), 'Retain'),
  immutable: z.optional(z.boolean()),
  template: z.optional(TargetTemplate),
  manifest: z.optional(z.unknown()),
});

export const ExternalSecretSpec = z.strictObject({
  refreshInterval: z._default(z.string(), '1h'),
  refreshPolicy: z.optional(z.enum(REFRESH_POLICIES)),
  secretStoreRef: z.optional(StoreRef),
  target: z._default(Target, { creationPolicy: 'Owner', deletionPolicy: 'Retain' }),
  data: z.optional(z.array(DataEntry)),
  dataFrom: z.optional(z.array(DataFromEntry)),
  syncWindows: z.optional(z.unknown()),
});
export type ExternalSecretSpec = z.infer<typeof ExternalSecretSpec>;

/** Identifies any document before its kind-specific schema applies. */
export const TypeMeta = z.looseObject({
  apiVersion: z.string({ error: 'expected apiVersion' }),
  kind: z.string({ error: 'expected kind' }),
  metadata: ObjectMeta,
});
