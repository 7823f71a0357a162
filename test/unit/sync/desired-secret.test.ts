import { describe, expect, it } from 'vitest';
import { ConfigValidationError, formatIssue } from '../../../src/config/issues.ts';
import { loadConfig } from '../../../src/config/load.ts';
import type { ExternalSecretDef } from '../../../src/config/types.ts';
import { buildDesiredSecret } from '../../../src/sync/desired-secret.ts';

const STORE = `apiVersion: external-secrets.io/v1
kind: SecretStore
metadata: { name: store, namespace: apps }
spec:
  provider:
    webhook:
      url: "https://example.test/{{ .remoteRef.key }}"
`;

function manifest(template: string): string {
  return `${STORE}---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: { name: app, namespace: apps }
spec:
  secretStoreRef: { name: store }
  data:
    - secretKey: ks
      remoteRef: { key: ks, decodingStrategy: Base64 }
  target:
    template:
${template}`;
}

function externalSecret(template: string): ExternalSecretDef {
  const es = loadConfig([{ source: 'es.yaml', text: manifest(template) }]).externalSecrets[0];
  if (!es) throw new Error('no ExternalSecret loaded');
  return es;
}

function loadErrors(template: string): string[] {
  try {
    loadConfig([{ source: 'es.yaml', text: manifest(template) }]);
  } catch (e) {
    if (e instanceof ConfigValidationError) return e.issues.map(formatIssue);
    throw e;
  }
  return [];
}

const build = (es: ExternalSecretDef, data: Record<string, Buffer>) => buildDesiredSecret(es, data, { source: 'files' });
const DER = Buffer.from([0x30, 0x82, 0xff, 0x00, 0x80, 0xc3]);

describe('buildDesiredSecret: bytes survive target.template (issue #16 item 1)', () => {
  it('writes a keystore that is not UTF-8 byte for byte, and b64enc of it as Go does', () => {
    // Prepare
    const es = externalSecret('      data:\n        keystore.p12: "{{ .ks }}"\n        keystore.b64: "{{ .ks | b64enc }}"');
    // Act
    const secret = build(es, { ks: DER });
    // Assess: Go's base64.StdEncoding of 30 82 ff 00 80 c3 is "MIL/AIDD" (Go 1.26.8, sprig v3.3.0).
    expect(secret.data['keystore.p12']?.toString('hex')).toBe('3082ff0080c3');
    expect(secret.data['keystore.b64']?.toString()).toBe('MIL/AIDD');
  });

  it('writes labels and annotations as text, bytes that are not UTF-8 as U+FFFD', () => {
    // Prepare
    const es = externalSecret('      metadata:\n        annotations:\n          note: "{{ .ks | trunc 2 }}"\n      data:\n        x: "y"');
    // Act
    const secret = build(es, { ks: DER });
    // Assess
    expect(secret.annotations.note).toBe('0\ufffd');
  });
});

describe('buildDesiredSecret: template errors name the key as ESO does (issue #16 item 6)', () => {
  it.each([
    {
      case: 'an execution error in data',
      template: '      data:\n        tls.crt: "{{ .missing }}"',
      // tools/go-template-oracle (Go 1.26.8 text/template, template named "tls.crt", missingkey=error):
      want: 'spec.target.template.data.tls.crt: template: tls.crt:1:3: executing "tls.crt" at <.missing>: map has no entry for key "missing"',
    },
    {
      case: 'a failing function in an annotation',
      template: '      metadata:\n        annotations:\n          owner: "{{ fail \\"boom\\" }}"',
      want: 'spec.target.template.metadata.annotations.owner: template: owner:1:3: executing "owner" at <fail "boom">: error calling fail: boom',
    },
    {
      case: 'a missing key in a label',
      template: '      metadata:\n        labels:\n          tier: "{{ .nope }}"',
      want: 'spec.target.template.metadata.labels.tier: template: tier:1:3: executing "tier" at <.nope>: map has no entry for key "nope"',
    },
  ])('$case', ({ template, want }) => {
    // Prepare
    const es = externalSecret(template);
    // Act
    const act = () => build(es, { ks: DER });
    // Assess
    expect(act).toThrow(want);
  });

  it('names the key in a parse error found when the config is loaded', () => {
    // Act
    const errors = loadErrors('      data:\n        tls.crt: "{{ .ks | upper"');
    // Assess: Go says `template: tls.crt:1: unclosed action` for this text.
    expect(errors.join('\n')).toContain('spec.target.template.data.tls.crt: bad template: template: tls.crt:1: unclosed action');
  });

  it('fails only this ExternalSecret with the key and the limit when a template runs over its budget', () => {
    // Prepare: doubles a string until the 16 MiB budget of values is gone.
    const es = externalSecret('      data:\n        big: "{{ $s := \\"xxxxxxxxxxxxxxxx\\" }}{{ range until 40 }}{{ $s = printf \\"%s%s\\" $s $s }}{{ end }}{{ len $s }}"');
    // Act
    const act = () => build(es, { ks: DER });
    // Assess
    expect(act).toThrow(/^spec\.target\.template\.data\.big: template: big:1:\d+: executing "big" at <printf "%s%s" \$s \$s>: error calling printf: exceeds the template budget \(16 MiB of values\)$/);
  });
});
