import { describe, expect, it } from 'vitest';
import { ConfigValidationError, formatIssue } from '../../../src/config/issues.ts';
import { loadConfig } from '../../../src/config/load.ts';

const store = (extra = '', meta = 'name: store\n  namespace: apps') => `apiVersion: external-secrets.io/v1
kind: SecretStore
metadata:
  ${meta}
spec:
  provider:
    webhook:
      url: "https://example.test/{{ .remoteRef.key }}"
${extra}`;

const es = (spec: string, meta = 'name: app\n  namespace: apps') => `apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  ${meta}
spec:
${spec}`;

const basicSpec = `  secretStoreRef: { name: store }
  data:
    - secretKey: password
      remoteRef: { key: db }`;

function errorsOf(text: string, source = 'm.yaml'): string[] {
  try {
    loadConfig([{ source, text }]);
  } catch (e) {
    if (e instanceof ConfigValidationError) return e.issues.map(formatIssue);
    throw e;
  }
  return [];
}

describe('loadConfig', () => {
  it('loads the seed example verbatim with headers given as a list', () => {
    // Prepare
    const text = `${store('      headers:\n        - name: Authorization\n          value: "Bearer x"\n      result: { jsonPath: "$.secrets[*]" }', 'name: store')}\n---\n${es(basicSpec, 'name: app')}`;
    // Act
    const config = loadConfig([{ source: 'seed.yaml', text }]);
    // Assess
    expect(config.stores[0]?.webhook.headers).toEqual([['Authorization', 'Bearer x']]);
    expect(config.stores[0]?.namespace).toBe('default');
    expect(config.externalSecrets[0]).toMatchObject({ namespace: 'default', targetName: 'app', cadence: '1h', refreshMs: 3_600_000 });
  });

  it('accepts headers as ESO map', () => {
    const config = loadConfig([{ source: 'a.yaml', text: `${store('      headers:\n        X-Api: "{{ .auth.token }}"')}\n---\n${es(basicSpec)}` }]);
    expect(config.stores[0]?.webhook.headers).toEqual([['X-Api', '{{ .auth.token }}']]);
  });

  it('puts documents without a namespace into the configured default namespace', () => {
    const config = loadConfig([{ source: 'a.yaml', text: `${store('', 'name: store')}\n---\n${es(basicSpec, 'name: app')}` }], { defaultNamespace: 'team-a' });
    expect(config.externalSecrets[0]?.namespace).toBe('team-a');
    expect(config.stores[0]?.namespace).toBe('team-a');
  });

  it.each([
    ['an unknown provider', store().replace('webhook:\n      url: "https://example.test/{{ .remoteRef.key }}"', 'vault: {}'), 'm.yaml: document 1 (SecretStore apps/store): spec.provider.vault: unsupported provider vault: only webhook is supported'],
    ['an unknown kind', 'apiVersion: v1\nkind: Pod\nmetadata: { name: p }', 'm.yaml: document 1 (Pod p): kind: unsupported kind Pod: expected one of SecretStore, ClusterSecretStore, ExternalSecret'],
    ['an unknown apiVersion', es(basicSpec).replace('external-secrets.io/v1', 'external-secrets.io/v2'), 'm.yaml: document 1 (ExternalSecret app): apiVersion: unsupported apiVersion external-secrets.io/v2: expected external-secrets.io/v1 or external-secrets.io/v1beta1'],
    ['malformed YAML', 'kind: [unclosed', 'm.yaml: document 1: malformed YAML: line 1'],
    ['a missing store', es(basicSpec), 'm.yaml: document 1 (ExternalSecret apps/app): spec.secretStoreRef: SecretStore "store" not found in namespace "apps"'],
    ['a bad refreshInterval', `${store()}\n---\n${es(`  refreshInterval: 5 minutes\n${basicSpec}`)}`, 'm.yaml: document 2 (ExternalSecret apps/app): spec.refreshInterval: invalid duration "5 minutes"'],
    ['a typo in a field name', `${store()}\n---\n${es(`${basicSpec}\n  traget: { name: x }`)}`, 'm.yaml: document 2 (ExternalSecret apps/app): spec: unknown field "traget"'],
    ['dataFrom.find', `${store()}\n---\n${es('  secretStoreRef: { name: store }\n  dataFrom:\n    - find: { name: { regexp: ".*" } }')}`, 'spec.dataFrom[0].find: dataFrom[].find is not supported by the webhook provider'],
    ['a bad template', store().replace('{{ .remoteRef.key }}', '{{ .remoteRef.key }'), 'm.yaml: document 1 (SecretStore apps/store): spec.provider.webhook.url: bad template:'],
    ['a wrong type', `${store()}\n---\n${es(`${basicSpec}\n  target: { immutable: "yes" }`)}`, 'spec.target.immutable: expected boolean'],
    ['no data at all', `${store()}\n---\n${es('  secretStoreRef: { name: store }')}`, 'spec: expected at least one entry in data or dataFrom'],
    ['Delete with Merge', `${store()}\n---\n${es(`${basicSpec}\n  target: { creationPolicy: Merge, deletionPolicy: Delete }`)}`, 'spec.target.deletionPolicy: deletionPolicy=Delete is not allowed with creationPolicy=Merge'],
  ])('reports %s with file, document, object and field', (_case, text, want) => {
    // Act
    const errors = errorsOf(text);
    // Assess
    expect(errors.some((e) => e.includes(want)), `got:\n${errors.join('\n')}`).toBe(true);
  });

  it('reports every error, not just the first', () => {
    const text = `${store()}\n---\n${es(`  refreshInterval: soon\n  secretStoreRef: { name: missing }\n  data:\n    - secretKey: a\n      remoteRef: { key: a }`)}\n---\napiVersion: v1\nkind: Pod\nmetadata: { name: p }`;
    const errors = errorsOf(text);
    expect(errors).toHaveLength(2 + 1);
  });

  it('refuses a SecretStore used from another namespace and says why', () => {
    const text = `${store()}\n---\n${es(basicSpec, 'name: app\n  namespace: other')}`;
    expect(errorsOf(text).join('\n')).toContain('SecretStore "store" is in namespace apps; a SecretStore can only be used from its own namespace ("other")');
  });

  it('applies ClusterSecretStore conditions to the ExternalSecret namespace', () => {
    const cluster = `apiVersion: external-secrets.io/v1beta1
kind: ClusterSecretStore
metadata: { name: shared }
spec:
  conditions:
    - namespaces: [allowed]
    - namespaceRegexes: ["^team-"]
  provider:
    webhook: { url: "https://example.test/x" }`;
    const ref = '  secretStoreRef: { name: shared, kind: ClusterSecretStore }\n  data:\n    - secretKey: a\n      remoteRef: { key: a }';
    const text = [cluster, es(ref, 'name: a\n  namespace: allowed'), es(ref, 'name: b\n  namespace: team-x'), es(ref, 'name: c\n  namespace: denied')].join('\n---\n');
    const errors = errorsOf(text);
    expect(errors).toEqual([expect.stringContaining('(ExternalSecret denied/c): spec.secretStoreRef: using cluster store "shared" is not allowed from namespace "denied": denied by spec.condition')]);
  });

  it('refuses two ExternalSecrets that target one Secret', () => {
    const text = [store(), es(basicSpec, 'name: one\n  namespace: apps').replace('spec:\n', 'spec:\n  target: { name: shared }\n'), es(basicSpec, 'name: two\n  namespace: apps').replace('spec:\n', 'spec:\n  target: { name: shared }\n')].join('\n---\n');
    expect(errorsOf(text).join('\n')).toContain('Secret apps/shared is already the target of ExternalSecret apps/one');
  });

  it('requires a namespace on ClusterSecretStore secrets[]', () => {
    const text = `apiVersion: external-secrets.io/v1
kind: ClusterSecretStore
metadata: { name: shared }
spec:
  provider:
    webhook:
      url: "https://example.test/x"
      secrets: [{ name: auth, secretRef: { name: token } }]`;
    expect(errorsOf(text).join('\n')).toContain('spec.provider.webhook.secrets[0].secretRef.namespace: no namespace on ClusterScoped webhook secret auth');
  });
});
