/**
 * Issue #16 items 1, 3 and 6 end to end: a real HTTPS endpoint, the real kube-apiserver, the sync
 * as the restricted identity. Bytes that are not UTF-8 reach the Secret unchanged through
 * target.template; a runaway template fails only its own ExternalSecret, naming the key and the limit.
 */
import { describe, expect, it } from 'vitest';
import { admin } from '../support/cluster.ts';
import { useScenario } from '../support/scenario.ts';

const STORE = { url: '/secrets/{{ .remoteRef.key }}', result: { jsonPath: '$.value' } };
// A DER header: 0x82 0xff 0x80 0xc3 are not UTF-8 (`toString('utf8')` used to turn them into U+FFFD).
const DER = Buffer.from([0x30, 0x82, 0xff, 0x00, 0x80, 0xc3]);
const ks = (template: Record<string, unknown>, name?: string) => ({
  data: [{ secretKey: 'ks', remoteRef: { key: 'ks', decodingStrategy: 'Base64' } }],
  target: { ...(name ? { name } : {}), template },
});

describe('target.template over bytes, against the real apiserver', () => {
  const t = useScenario('tb');

  async function rawData(name: string): Promise<Record<string, Buffer>> {
    const secret = await admin().core.readNamespacedSecret({ name, namespace: t.s.namespace });
    return Object.fromEntries(Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')]));
  }

  it('writes a keystore byte for byte, and b64enc and sha256sum of it as Go computes them', async () => {
    // Prepare
    t.endpoint.on('GET', '/secrets/ks', { body: { value: DER.toString('base64') } });
    const template = { data: { 'keystore.p12': '{{ .ks }}', 'keystore.b64': '{{ .ks | b64enc }}', fp: '{{ .ks | sha256sum }}' } };
    // Act
    const summary = await t.s.sync(t.s.config(STORE, [ks(template)]));
    // Assess: Go 1.26.8 + sprig v3.3.0 give "MIL/AIDD" and this digest for these six bytes.
    expect(summary.counts).toMatchObject({ created: 1, failed: 0 });
    const data = await rawData('es-0');
    expect(data['keystore.p12']?.toString('hex')).toBe('3082ff0080c3');
    expect(data['keystore.b64']?.toString()).toBe('MIL/AIDD');
    expect(data.fp?.toString()).toBe('f657582444544027e16f782c1c107a4e8ba123562d3ea5841ed53c241ecdc930');
  });

  it('fails only the ExternalSecret whose template runs over its budget, naming the key and the limit', async () => {
    // Prepare
    t.endpoint.on('GET', '/secrets/ks', { body: { value: DER.toString('base64') } });
    const runaway = { data: { 'tls.crt': '{{ $s := .ks }}{{ range until 64 }}{{ $s = printf "%s%s" $s $s }}{{ end }}{{ $s }}' } };
    const before = process.memoryUsage().rss;
    // Act
    const summary = await t.s.sync(t.s.config(STORE, [ks(runaway, 'runaway'), ks({ data: { copy: '{{ .ks }}' } }, 'fine')]));
    // Assess
    expect(summary.counts).toMatchObject({ created: 1, failed: 1 });
    expect(summary.outcomes).toContainEqual(expect.objectContaining({
      result: 'failed',
      message: expect.stringMatching(/spec\.target\.template\.data\.tls\.crt: template: tls\.crt:1:\d+: executing "tls\.crt" at <printf "%s%s" \$s \$s>: error calling printf: exceeds the template budget \(16 MiB of values\)/),
    }));
    expect((await rawData('fine')).copy?.toString('hex')).toBe('3082ff0080c3');
    expect(process.memoryUsage().rss - before).toBeLessThan(400 * 2 ** 20);
  });
});
