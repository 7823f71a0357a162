/** Test helpers to build stores and ExternalSecrets that point at the local HTTPS endpoint. */
import { stringify } from 'yaml';
import { loadConfig } from '../../src/config/load.ts';
import type { Config } from '../../src/config/types.ts';
import type { HttpsEndpoint } from '../../src/local/https-endpoint.ts';

/** A SecretStore (namespace `ns`) trusting the endpoint's test CA, plus the given ExternalSecrets. */
export function configFor(
  endpoint: HttpsEndpoint,
  webhook: Record<string, unknown>,
  externalSecrets: Record<string, unknown>[],
  options: { namespace?: string; storeName?: string } = {},
): Config {
  const namespace = options.namespace ?? 'ns';
  const storeName = options.storeName ?? 'store';
  const store = {
    apiVersion: 'external-secrets.io/v1',
    kind: 'SecretStore',
    metadata: { name: storeName, namespace },
    spec: {
      provider: {
        webhook: {
          caBundle: Buffer.from(endpoint.caPem).toString('base64'),
          ...webhook,
          url: `${endpoint.url}${String(webhook.url)}`,
        },
      },
    },
  };
  const docs = externalSecrets.map((spec, i) => ({
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name: `es-${String(i)}`, namespace },
    spec: { secretStoreRef: { name: storeName }, ...spec },
  }));
  return loadConfig([{ source: 'test.yaml', text: [store, ...docs].map((d) => stringify(d)).join('---\n') }]);
}
