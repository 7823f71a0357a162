/**
 * The benchmark's manifests: ClusterSecretStores and ExternalSecrets whose 3 data keys all render the
 * same request (url templated on .remoteRef.key, jsonPath on .remoteRef.property), so the distinct
 * rendered requests are one per ExternalSecret while ESO would send one per data entry.
 */
import { stringify } from 'yaml';

export interface ScenarioShape {
  /** Namespace prefix; fresh per scenario so sizes never see each other's Secrets. */
  readonly prefix: string;
  readonly externalSecrets: number;
  readonly namespaces: number;
  readonly stores: number;
  readonly keysPerSecret: number;
}

export const KEYS = ['a', 'b', 'c', 'd', 'e'] as const;

function namespacesOf(shape: ScenarioShape): string[] {
  return Array.from({ length: shape.namespaces }, (_, i) => `${shape.prefix}-${String(i)}`);
}

export function storeName(shape: ScenarioShape, i: number): string {
  return `${shape.prefix}-store-${String(i)}`;
}

/** Path the endpoint sees for one ExternalSecret: `/s<store>/secrets/<key>`. */
export function remoteKey(i: number): string {
  return `es-${String(i).padStart(5, '0')}`;
}

/** Multi-document YAML: `stores` ClusterSecretStores, then the ExternalSecrets round-robin over namespaces and stores. */
export function manifestsFor(shape: ScenarioShape, endpoint: { url: string; caPem: string }): string {
  const caBundle = Buffer.from(endpoint.caPem).toString('base64');
  const docs: unknown[] = [];
  for (let s = 0; s < shape.stores; s++) {
    docs.push({
      apiVersion: 'external-secrets.io/v1',
      kind: 'ClusterSecretStore',
      metadata: { name: storeName(shape, s) },
      spec: {
        provider: {
          webhook: {
            url: `${endpoint.url}/s${String(s)}/secrets/{{ .remoteRef.key }}`,
            result: { jsonPath: '$.{{ .remoteRef.property }}' },
            caBundle,
          },
        },
      },
    });
  }
  const namespaces = namespacesOf(shape);
  const keys = KEYS.slice(0, shape.keysPerSecret);
  for (let i = 0; i < shape.externalSecrets; i++) {
    const name = remoteKey(i);
    docs.push({
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name, namespace: namespaces[i % namespaces.length] },
      spec: {
        refreshInterval: '1h',
        secretStoreRef: { kind: 'ClusterSecretStore', name: storeName(shape, i % shape.stores) },
        target: { name },
        data: keys.map((k) => ({ secretKey: k, remoteRef: { key: name, property: k } })),
      },
    });
  }
  return docs.map((d) => stringify(d)).join('---\n');
}

/** The endpoint's answer for one key: placeholder values, one field per data key. */
export function bodyFor(key: string): Record<string, string> {
  return Object.fromEntries(KEYS.map((k) => [k, `bench-${key}-${k}`]));
}
