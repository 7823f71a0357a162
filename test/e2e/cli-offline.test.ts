/** The offline CLI end to end: the real binary, the seed example, a real HTTPS endpoint. */
import { mkdtemp, readFile, writeFile, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startHttpsEndpoint, type HttpsEndpoint } from '../../src/local/https-endpoint.ts';
import { runBin } from '../support/cli.ts';

const SEED = new URL('../../examples/seed/', import.meta.url);

describe('CLI offline (validate, plan, sync --dry-run=client)', () => {
  let endpoint: HttpsEndpoint;
  let dir: string;
  let caFile: string;
  beforeAll(async () => {
    endpoint = await startHttpsEndpoint();
    dir = await mkdtemp(join(tmpdir(), 'wss-cli-'));
    caFile = join(dir, 'ca.pem');
    await writeFile(caFile, endpoint.caPem);
    // The seed verbatim, except its placeholder url, which points at the local endpoint.
    await cp(SEED, join(dir, 'seed'), { recursive: true });
    const storePath = join(dir, 'seed', 'secretstore.yaml');
    const text = await readFile(storePath, 'utf8');
    await writeFile(storePath, text.replace('https://your-http-endpoint.com', endpoint.url));
  });
  afterAll(async () => {
    await endpoint.close();
  });
  beforeEach(() => {
    endpoint.reset();
  });

  it('--dry-run=client with an invalid document prints the valid Secrets and reports the document with its location (exit 1)', async () => {
    // Prepare
    endpoint.on('GET', '/secrets', { body: await readFile(new URL('response.json', SEED), 'utf8') });
    const broken = join(dir, 'broken.yaml');
    await writeFile(broken, 'apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata: { name: late }\nspec: { refreshInterval: 1 hour }\n');
    // Act
    const r = await runBin(['sync', '-f', join(dir, 'seed'), broken, '--dry-run=client', '-o', 'json'], { NODE_EXTRA_CA_CERTS: caFile });
    // Assess
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`ExternalSecret default/late: ${broken}: document 1 (ExternalSecret default/late): spec.refreshInterval: invalid duration "1 hour"`);
    const list = JSON.parse(r.stdout) as { items: { metadata: { name: string } }[] };
    expect(list.items.map((i) => i.metadata.name)).toEqual(['my-secret']);
  });

  it('syncs the seed example to my-secret with username and password, in one request', async () => {
    // Prepare
    endpoint.on('GET', '/secrets', { body: await readFile(new URL('response.json', SEED), 'utf8') });
    // Act
    const r = await runBin(['sync', '-f', join(dir, 'seed'), '--dry-run=client', '-o', 'json'], { NODE_EXTRA_CA_CERTS: caFile });
    // Assess
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as { kind: string; items: { metadata: { name: string; namespace: string }; type: string; data: Record<string, string> }[] };
    expect(list.kind).toBe('List');
    expect(list.items).toHaveLength(1);
    const secret = list.items[0]!;
    expect(secret.metadata).toMatchObject({ name: 'my-secret', namespace: 'default' });
    expect(secret.type).toBe('Opaque');
    const decoded = Object.fromEntries(Object.entries(secret.data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]));
    expect(decoded).toEqual({ username: 'admin', password: 'secure-password-123' });
    expect(endpoint.requests).toHaveLength(1);
    expect(endpoint.requests[0]?.headers.authorization).toBe('Bearer <your-token-here>');
  });

  it('prints yaml, reports a failed ExternalSecret on stderr, still prints the others, and exits 1', async () => {
    // Prepare: a second ExternalSecret whose field does not exist in the response
    endpoint.on('GET', '/secrets', { body: { secrets: [{ username: 'admin', password: 'cnry-pw' }] } });
    const extra = `apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata: { name: broken }
spec:
  secretStoreRef: { name: webhook-secret-store, kind: SecretStore }
  data:
    - secretKey: token
      remoteRef: { key: token }
`;
    await writeFile(join(dir, 'seed', 'zz-broken.yaml'), extra);
    try {
      // Act
      const r = await runBin(['sync', '-f', join(dir, 'seed'), '--dry-run=client', '-o', 'yaml'], { NODE_EXTRA_CA_CERTS: caFile });
      // Assess
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('ExternalSecret default/broken: spec.data[0] (key: token): the object selected by $.secrets[*] has no field "token"');
      const list = parse(r.stdout) as { items: { metadata: { name: string } }[] };
      expect(list.items.map((i) => i.metadata.name)).toEqual(['my-secret']);
      expect(endpoint.requests).toHaveLength(1);
    } finally {
      await writeFile(join(dir, 'seed', 'zz-broken.yaml'), '');
    }
  });

  it.each([
    ['uses a labelled auth Secret from --secrets-file in the header', 'webhook', 0, ''],
    ['refuses an auth Secret without ESO\'s label', 'other', 1, "does not contain needed label 'external-secrets.io/type: webhook'"],
  ])('%s', async (_name, label, code, err) => {
    // Prepare
    endpoint.on('GET', '/auth', (req) => (req.headers.authorization === 'Bearer cnry-token-1' ? { body: { value: 'cnry-ok' } } : { status: 401 }));
    const manifests = join(dir, `auth-${label}.yaml`);
    await writeFile(manifests, `apiVersion: external-secrets.io/v1
kind: SecretStore
metadata: { name: s, namespace: apps }
spec:
  provider:
    webhook:
      url: ${endpoint.url}/auth
      headers: { Authorization: "Bearer {{ .auth.token }}" }
      secrets: [{ name: auth, secretRef: { name: api-token } }]
      result: { jsonPath: $.value }
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: { name: e, namespace: apps }
spec:
  secretStoreRef: { name: s }
  data: [{ secretKey: v, remoteRef: { key: v } }]
`);
    const secrets = join(dir, `secrets-${label}.yaml`);
    await writeFile(secrets, `apiVersion: v1\nkind: Secret\nmetadata: { name: api-token, namespace: apps, labels: { external-secrets.io/type: ${label} } }\nstringData: { token: cnry-token-1 }\n`);
    // Act
    const r = await runBin(['sync', '-f', manifests, '--dry-run=client', '-o', 'json', '--secrets-file', secrets], { NODE_EXTRA_CA_CERTS: caFile });
    // Assess
    expect(r.code).toBe(code);
    if (err) expect(r.stderr).toContain(err);
    else expect(Buffer.from((JSON.parse(r.stdout) as { items: { data: { v: string } }[] }).items[0]!.data.v, 'base64').toString()).toBe('cnry-ok');
  });

  it('validate prints nothing and exits 0 for the seed', async () => {
    const r = await runBin(['validate', '-f', join(dir, 'seed')]);
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('validate prints every error with file and document, and exits 1', async () => {
    // Prepare
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, 'apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata: { name: a }\nspec:\n  refreshInterval: often\n  secretStoreRef: { name: nope }\n  data:\n    - secretKey: k\n      remoteRef: { key: k }\n---\nkind: Nope\n');
    // Act
    const r = await runBin(['validate', '-f', bad]);
    // Assess
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toContainEqual(expect.stringContaining(`${bad}: document 1 (ExternalSecret default/a): spec.refreshInterval: invalid duration "often"`));
    expect(lines).toContainEqual(expect.stringContaining(`${bad}: document 1 (ExternalSecret default/a): spec.secretStoreRef: SecretStore "nope" not found`));
    expect(lines).toContainEqual(expect.stringContaining(`${bad}: document 2: apiVersion: expected apiVersion`));
    expect(lines).toContainEqual(expect.stringContaining(`${bad}: document 2: metadata: expected object`));
  });

  it('plan shows the cadence and one request shared by both entries, without header values', async () => {
    const r = await runBin(['plan', '-f', join(dir, 'seed')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/1h\s+default\/webhook-external-secret/u);
    expect(r.stdout).toContain('1 request(s) per run after de-duplication (ESO would send 2)');
    expect(r.stdout).toContain('Authorization');
    expect(r.stdout).not.toContain('your-token-here');
  });

  it('exits 2 on a usage error', async () => {
    const r = await runBin(['sync', '-f', join(dir, 'seed'), '--dry-run=server']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--dry-run=server: only "client" is supported');
  });

  it('run --local refuses a bad --max-prune before contacting any cluster', async () => {
    const r = await runBin(['run', '--local', '-f', join(dir, 'seed'), '--max-prune', '150%', '--kubeconfig', join(dir, 'no-such-kubeconfig')]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('--max-prune: invalid prune limit "150%": a share is at most 100%');
  });

  it('prints --help and exits 0', async () => {
    const r = await runBin(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: webhook-secret-sync');
    expect(r.stdout).toMatch(/validate[\s\S]*plan[\s\S]*sync/u);
  });
});
