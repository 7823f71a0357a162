import { describe, expect, it } from 'vitest';
import { formatIssue } from '../../../src/config/issues.ts';
import { loadConfig } from '../../../src/config/load.ts';
import { loadConfigPartial, loadConfigPartialFromConfigMap } from '../../../src/config/partial.ts';

const store = (name = 'store', extra = '') => `apiVersion: external-secrets.io/v1
kind: SecretStore
metadata: { name: ${name}, namespace: apps }
spec:
  provider:
    webhook:
      url: "https://example.test/{{ .remoteRef.key }}"
${extra}`;

const es = (name: string, extra = '', storeName = 'store') => `apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: { name: ${name}, namespace: apps }
spec:
  secretStoreRef: { name: ${storeName} }
  data:
    - secretKey: password
      remoteRef: { key: db }
${extra}`;

const docs = (...d: string[]): string => d.join('\n---\n');

interface Want {
  /** `ns/name` of the ExternalSecrets that load. */
  valid: string[];
  /** Per invalid document: `source#document kind ns/name` and a fragment of its formatted issues. */
  invalid: [string, string][];
}

const cases: [string, Record<string, string>, Want][] = [
  ['a YAML error in one data key leaves the other keys', { 'a.yaml': docs(store(), es('ok')), 'b.yaml': 'kind: [unclosed' }, {
    valid: ['apps/ok'],
    invalid: [['b.yaml#1 - -/-', 'configmap cfg/wss key b.yaml: document 1: malformed YAML: line 1']],
  }],
  ['a YAML error fails only its own document, named when it can be read', { 'a.yaml': docs(store(), es('ok'), es('broken', '  target:\n   name: x\n  - y'), es('after')) }, {
    valid: ['apps/ok', 'apps/after'],
    invalid: [['a.yaml#3 ExternalSecret apps/broken', 'document 3 (ExternalSecret apps/broken): malformed YAML: line']],
  }],
  ['a name that a syntax error swallowed is not trusted', { 'a.yaml': docs(store(), es('ok'), 'kind: ExternalSecret\nmetadata:\n  name: "half', es('swallowed')) }, {
    valid: ['apps/ok'],
    invalid: [['a.yaml#3 ExternalSecret default/-', 'document 3: malformed YAML']],
  }],
  ['a schema error fails only its ExternalSecret', { 'a.yaml': docs(store(), es('bad', '  refreshInterval: "1 hour"'), es('new')) }, {
    valid: ['apps/new'],
    invalid: [['a.yaml#2 ExternalSecret apps/bad', '(ExternalSecret apps/bad): spec.refreshInterval: invalid duration "1 hour"']],
  }],
  ['a bad template fails only its ExternalSecret', { 'a.yaml': docs(store(), es('bad', '  target:\n    template:\n      data: { x: "{{ .password }" }'), es('ok')) }, {
    valid: ['apps/ok'],
    invalid: [['a.yaml#2 ExternalSecret apps/bad', 'spec.target.template.data.x: bad template']],
  }],
  ['a missing store fails the ExternalSecrets that use it, naming it', { 'a.yaml': docs(store(), es('lost', '', 'nope'), es('ok')) }, {
    valid: ['apps/ok'],
    invalid: [['a.yaml#2 ExternalSecret apps/lost', 'spec.secretStoreRef: SecretStore "nope" not found in namespace "apps"']],
  }],
  ['an invalid store fails itself and its ExternalSecrets, which name it and where it is', { 'a.yaml': docs(store('good'), store('bad', '      timeout: soon'), es('a', '', 'bad'), es('b', '', 'good')) }, {
    valid: ['apps/b'],
    invalid: [
      ['a.yaml#2 SecretStore apps/bad', '(SecretStore apps/bad): spec.provider.webhook.timeout: invalid duration "soon"'],
      ['a.yaml#3 ExternalSecret apps/a', 'spec.secretStoreRef: SecretStore "bad" is invalid (configmap cfg/wss key a.yaml: document 2): fix that document'],
    ],
  }],
  ['an unknown kind fails alone', { 'a.yaml': docs(store(), 'apiVersion: v1\nkind: Pod\nmetadata: { name: p }', es('ok')) }, {
    valid: ['apps/ok'],
    invalid: [['a.yaml#2 - -/-', '(Pod p): kind: unsupported kind Pod']],
  }],
  ['two ExternalSecrets of one name both fail', { 'a.yaml': docs(store(), es('twin'), es('ok')), 'b.yaml': es('twin') }, {
    valid: ['apps/ok'],
    invalid: [
      ['a.yaml#2 ExternalSecret apps/twin', 'metadata.name: defined more than once (also configmap cfg/wss key b.yaml: document 1)'],
      ['b.yaml#1 ExternalSecret apps/twin', 'metadata.name: defined more than once (also configmap cfg/wss key a.yaml: document 2)'],
    ],
  }],
  ['a valid ExternalSecret beside a broken copy of itself fails too', { 'a.yaml': docs(store(), es('twin')), 'b.yaml': es('twin', '  refreshInterval: never') }, {
    valid: [],
    invalid: [
      ['a.yaml#2 ExternalSecret apps/twin', 'defined more than once (also configmap cfg/wss key b.yaml: document 1)'],
      ['b.yaml#1 ExternalSecret apps/twin', 'spec.refreshInterval: invalid duration "never"'],
    ],
  }],
  ['two ExternalSecrets writing one Secret both fail', { 'a.yaml': docs(store(), es('one', '  target: { name: shared }'), es('two', '  target: { name: shared }'), es('ok')) }, {
    valid: ['apps/ok'],
    invalid: [
      ['a.yaml#2 ExternalSecret apps/one', 'spec.target.name: Secret apps/shared is the target of more than one ExternalSecret (two in configmap cfg/wss key a.yaml: document 3)'],
      ['a.yaml#3 ExternalSecret apps/two', 'spec.target.name: Secret apps/shared is the target of more than one ExternalSecret (one in configmap cfg/wss key a.yaml: document 2)'],
    ],
  }],
  ['two stores of one name both fail, and so do their ExternalSecrets', { 'a.yaml': docs(store(), store(), es('a')) }, {
    valid: [],
    invalid: [
      ['a.yaml#1 SecretStore apps/store', 'metadata.name: defined more than once (also configmap cfg/wss key a.yaml: document 2)'],
      ['a.yaml#2 SecretStore apps/store', 'metadata.name: defined more than once (also configmap cfg/wss key a.yaml: document 1)'],
      ['a.yaml#3 ExternalSecret apps/a', 'SecretStore "store" is invalid'],
    ],
  }],
];

describe('loadConfigPartial', () => {
  it.each(cases)('%s', (_case, data, want) => {
    // Act
    const { config, invalid } = loadConfigPartialFromConfigMap({ namespace: 'cfg', name: 'wss' }, data);
    // Assess
    expect(config.externalSecrets.map((e) => `${e.namespace}/${e.name}`)).toEqual(want.valid);
    const got = invalid.map((d) => [`${d.origin.source.replace('configmap cfg/wss key ', '')}#${String(d.origin.document)} ${d.kind ?? '-'} ${d.namespace ?? '-'}/${d.name ?? '-'}`, d.issues.map(formatIssue).join('\n')]);
    expect(got.map(([where]) => where)).toEqual(want.invalid.map(([where]) => where));
    for (const [i, [, fragment]] of want.invalid.entries()) expect(got[i]?.[1]).toContain(fragment);
  });

  it('reports copies of one ExternalSecret as duplicates only, not also as sharing a target', () => {
    // Act
    const { invalid } = loadConfigPartial([{ source: 'a.yaml', text: docs(store(), es('twin'), es('twin')) }]);
    // Assess
    expect(invalid.map((d) => d.issues.map((i) => i.path))).toEqual([['metadata.name'], ['metadata.name']]);
  });

  it('loads what the strict loader loads when every document is valid', () => {
    // Prepare
    const text = docs(store(), es('a'), es('b', '  refreshInterval: 15m'));
    // Act
    const partial = loadConfigPartial([{ source: 'a.yaml', text }]);
    // Assess
    expect(partial.invalid).toEqual([]);
    expect(partial.config).toEqual(loadConfig([{ source: 'a.yaml', text }]));
  });

  it('keeps the target and cadence of an invalid ExternalSecret when they can be read', () => {
    // Act
    const { invalid } = loadConfigPartial([{ source: 'a.yaml', text: docs(store(), es('bad', '  refreshInterval: 15m\n  target: { name: db-secret, creationPolicy: Sometimes }')) }]);
    // Assess
    expect(invalid).toEqual([expect.objectContaining({ kind: 'ExternalSecret', namespace: 'apps', name: 'bad', targetName: 'db-secret', cadence: '15m' })]);
  });

  it('never puts a header value of an invalid store into its messages', () => {
    // Prepare
    const value = 'Bearer cnry-header-value';
    // Act
    const { invalid } = loadConfigPartial([{ source: 'a.yaml', text: store('s', `      headers: { Authorization: "${value}" }\n      timeout: 5 minutes\n      methd: GET`) }]);
    // Assess
    const messages = invalid.flatMap((d) => d.issues.map(formatIssue));
    expect(messages.length).toBeGreaterThan(0);
    expect(messages.join('\n')).not.toContain('cnry-header-value');
  });
});
