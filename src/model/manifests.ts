/**
 * Schemas of the ESO manifests we read (SecretStore, ClusterSecretStore, ExternalSecret), in
 * `external-secrets.io/v1` and `v1beta1` (identical for every field the webhook provider uses).
 * Objects are strict where a typo would silently change behaviour (provider, spec, target), and
 * loose for `metadata` and `status`, which carry whatever the cluster adds.
 */
import { z } from 'zod';

export const API_GROUP = 'external-secrets.io';
export const API_VERSIONS = [`${API_GROUP}/v1`, `${API_GROUP}/v1beta1`] as const;
export const STORE_KINDS = ['SecretStore', 'ClusterSecretStore'] as const;

const name = z.string().min(1, 'expected a non-empty name');

export const ObjectMeta = z.looseObject({
  name,
  namespace: z.string().min(1).optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});

/** ESO's CRD has a map; the brief's example uses a list of `{name, value}`. Both become a list. */
const Headers = z
  .union([
    z.record(z.string(), z.string()),
    z.array(z.strictObject({ name: z.string().min(1), value: z.string() })),
  ])
  .transform((h): [string, string][] =>
    Array.isArray(h) ? h.map((e) => [e.name, e.value] as [string, string]) : Object.entries(h),
  );

const SecretKeySelector = z.strictObject({
  name,
  key: z.string().optional(),
  namespace: z.string().optional(),
});

export const WebhookProviderSpec = z.strictObject({
  url: z.string().min(1, 'expected the endpoint URL (a Go template)'),
  method: z.string().optional(),
  headers: Headers.optional(),
  body: z.string().optional(),
  timeout: z.string().optional(),
  result: z.strictObject({ jsonPath: z.string().optional() }).optional(),
  secrets: z.array(z.strictObject({ name, secretRef: SecretKeySelector })).optional(),
  caBundle: z.string().optional(),
  caProvider: z
    .strictObject({
      type: z.enum(['Secret', 'ConfigMap']),
      name,
      key: z.string().min(1),
      namespace: z.string().optional(),
    })
    .optional(),
  auth: z.unknown().optional(),
});
export type WebhookProviderSpec = z.infer<typeof WebhookProviderSpec>;

const LabelSelector = z.looseObject({
  matchLabels: z.record(z.string(), z.string()).optional(),
  matchExpressions: z
    .array(
      z.strictObject({
        key: z.string(),
        operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
        values: z.array(z.string()).optional(),
      }),
    )
    .optional(),
});

export const ClusterStoreCondition = z.strictObject({
  namespaceSelector: LabelSelector.optional(),
  namespaces: z.array(z.string()).optional(),
  namespaceRegexes: z.array(z.string()).optional(),
});
export type ClusterStoreCondition = z.infer<typeof ClusterStoreCondition>;

export const SecretStoreSpec = z.looseObject({
  provider: z.record(z.string(), z.unknown()),
  conditions: z.array(ClusterStoreCondition).optional(),
  refreshInterval: z.union([z.number(), z.string()]).optional(),
  retrySettings: z.unknown().optional(),
  controller: z.string().optional(),
});

export const StoreRef = z.strictObject({
  name,
  kind: z.enum(STORE_KINDS).default('SecretStore'),
});
export type StoreRef = z.infer<typeof StoreRef>;

const ConversionStrategy = z.enum(['Default', 'Unicode']);
const DecodingStrategy = z.enum(['None', 'Base64', 'Base64URL', 'Auto']);

const RemoteRef = z.strictObject({
  key: z.string(),
  property: z.string().optional(),
  version: z.string().optional(),
  conversionStrategy: ConversionStrategy.optional(),
  decodingStrategy: DecodingStrategy.optional(),
  metadataPolicy: z.enum(['None', 'Fetch']).optional(),
  nullBytePolicy: z.enum(['Ignore', 'Fail']).optional(),
});
export type RemoteRef = z.infer<typeof RemoteRef>;

const SourceRef = z.strictObject({
  storeRef: StoreRef.optional(),
  generatorRef: z.unknown().optional(),
});

export const DataEntry = z.strictObject({
  secretKey: z.string().min(1, 'expected the key to write in the target Secret'),
  remoteRef: RemoteRef,
  sourceRef: SourceRef.optional(),
});
export type DataEntry = z.infer<typeof DataEntry>;

const Rewrite = z
  .strictObject({
    regexp: z.strictObject({ source: z.string(), target: z.string() }).optional(),
    transform: z.strictObject({ template: z.string() }).optional(),
    merge: z.unknown().optional(),
  })
  .refine((r) => [r.regexp, r.transform, r.merge].filter((x) => x !== undefined).length === 1, {
    error: 'expected exactly one of regexp, transform or merge',
  });
export type Rewrite = z.infer<typeof Rewrite>;

export const DataFromEntry = z.strictObject({
  extract: RemoteRef.optional(),
  find: z.unknown().optional(),
  rewrite: z.array(Rewrite).optional(),
  sourceRef: SourceRef.optional(),
});
export type DataFromEntry = z.infer<typeof DataFromEntry>;

export const CREATION_POLICIES = ['Owner', 'Orphan', 'Merge', 'None', 'CreateOrMerge'] as const;
export const DELETION_POLICIES = ['Retain', 'Delete', 'Merge'] as const;
export const REFRESH_POLICIES = ['CreatedOnce', 'Periodic', 'OnChange'] as const;

const TargetTemplate = z.strictObject({
  type: z.string().optional(),
  engineVersion: z.literal('v2', { error: 'expected engineVersion v2 (the only engine ESO supports)' }).optional(),
  metadata: z
    .strictObject({
      labels: z.record(z.string(), z.string()).optional(),
      annotations: z.record(z.string(), z.string()).optional(),
      finalizers: z.array(z.string()).optional(),
    })
    .optional(),
  mergePolicy: z.enum(['Replace', 'Merge']).optional(),
  data: z.record(z.string(), z.string()).optional(),
  templateFrom: z.array(z.unknown()).optional(),
});
export type TargetTemplate = z.infer<typeof TargetTemplate>;

export const Target = z.strictObject({
  name: z.string().min(1).optional(),
  creationPolicy: z.enum(CREATION_POLICIES).default('Owner'),
  deletionPolicy: z.enum(DELETION_POLICIES).default('Retain'),
  immutable: z.boolean().optional(),
  template: TargetTemplate.optional(),
  manifest: z.unknown().optional(),
});

export const ExternalSecretSpec = z.strictObject({
  refreshInterval: z.string().default('1h'),
  refreshPolicy: z.enum(REFRESH_POLICIES).optional(),
  secretStoreRef: StoreRef.optional(),
  target: Target.default({ creationPolicy: 'Owner', deletionPolicy: 'Retain' }),
  data: z.array(DataEntry).optional(),
  dataFrom: z.array(DataFromEntry).optional(),
  syncWindows: z.unknown().optional(),
});
export type ExternalSecretSpec = z.infer<typeof ExternalSecretSpec>;

/** Identifies any document before its kind-specific schema applies. */
export const TypeMeta = z.looseObject({
  apiVersion: z.string({ error: 'expected apiVersion' }),
  kind: z.string({ error: 'expected kind' }),
  metadata: ObjectMeta,
});
