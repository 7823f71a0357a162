import { KubeConfig } from '@kubernetes/client-node';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { RequestOptions } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { KubeconfigError } from '../../../src/kube/cluster-access.ts';
import { clusterAccessFromKubeconfig } from '../../../src/kube/kubeconfig.ts';

const dir = mkdtempSync(join(tmpdir(), 'wss-kubeconfig-'));
const pem = (what: string) => `-----BEGIN ${what}-----\n${Buffer.from(`${what} of the test`).toString('base64')}\n-----END ${what}-----\n`;
const file = (name: string, content: string) => { const path = join(dir, name); writeFileSync(path, content); return path; };
const b64 = (s: string) => Buffer.from(s).toString('base64');

function kubeconfig(cluster: Record<string, unknown>, user: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  return stringify({
    apiVersion: 'v1', kind: 'Config', 'current-context': 'main',
    clusters: [{ name: 'c', cluster: { server: 'https://10.0.0.1:6443', ...cluster } }, { name: 'other', cluster: { server: 'https://other.example:443' } }],
    users: [{ name: 'u', user }, { name: 'other', user: { token: 'other-token' } }],
    contexts: [{ name: 'main', context: { cluster: 'c', user: 'u' } }, { name: 'second', context: { cluster: 'other', user: 'other' } }],
    ...extra,
  });
}

/** What client-node's KubeConfig makes of a kubeconfig: server, TLS material and Authorization. */
async function clientNode(text: string, context?: string) {
  const kc = new KubeConfig();
  kc.loadFromString(text);
  if (context) kc.setCurrentContext(context);
  const opts: RequestOptions = {};
  await kc.applyToHTTPSOptions(opts);
  const headers = (opts.headers ?? {}) as Record<string, string | undefined>;
  return {
    server: kc.getCurrentCluster()?.server,
    ca: opts.ca, cert: opts.cert, key: opts.key,
    insecure: opts.rejectUnauthorized === false,
    tlsServerName: opts.servername,
    authorization: headers.Authorization ?? (opts.auth ? `Basic ${b64(opts.auth)}` : undefined),
  };
}

async function ours(text: string, context?: string) {
  const a = clusterAccessFromKubeconfig(text, { context });
  return {
    server: a.server,
    ca: a.ca, cert: a.cert, key: a.key,
    insecure: a.insecure === true,
    tlsServerName: a.tlsServerName,
    authorization: (await a.headers?.())?.Authorization,
  };
}

describe('kubeconfig reader: the same server, TLS material and Authorization as client-node', () => {
  it.each([
    { case: 'token, inline CA', text: kubeconfig({ 'certificate-authority-data': b64(pem('CERTIFICATE')) }, { token: 'inline-token' }) },
    { case: 'token file, CA file', text: kubeconfig({ 'certificate-authority': file('ca.pem', pem('CERTIFICATE')) }, { 'token-file': file('token', 'file-token') }) },
    { case: 'inline client certificate, insecure', text: kubeconfig({ 'insecure-skip-tls-verify': true }, { 'client-certificate-data': b64(pem('CERTIFICATE')), 'client-key-data': b64(pem('PRIVATE KEY')) }) },
    { case: 'client certificate files, tls-server-name', text: kubeconfig({ 'certificate-authority-data': b64(pem('CERTIFICATE')), 'tls-server-name': 'kubernetes.default' }, { 'client-certificate': file('cert.pem', pem('CERTIFICATE')), 'client-key': file('key.pem', pem('EC PRIVATE KEY')) }) },
    { case: 'username and password', text: kubeconfig({}, { username: 'admin', password: 'p:ss' }) },
    { case: 'token wins over username', text: kubeconfig({}, { token: 't', username: 'admin', password: 'p' }) },
    { case: 'server with a path prefix', text: kubeconfig({ server: 'https://rancher.example/k8s/clusters/c-1' }, { token: 't' }) },
    { case: 'no credentials', text: kubeconfig({ 'certificate-authority-data': b64(pem('CERTIFICATE')) }, {}) },
    { case: 'a named context', text: kubeconfig({}, { token: 'main-token' }), context: 'second' },
  ])('$case', async ({ text, context }) => {
    const want = await clientNode(text, context);
    const got = await ours(text, context);
    expect(got).toEqual(want);
    expect(got.server).toMatch(/^https:/u);
  });

  it('re-reads a tokenFile (kubectl spelling) per request, so a rotated token is sent', async () => {
    const path = file('rotating', 'first\n');
    const access = clusterAccessFromKubeconfig(kubeconfig({}, { tokenFile: path }));
    expect((await access.headers?.())?.Authorization).toBe('Bearer first');
    writeFileSync(path, 'second');
    expect((await access.headers?.())?.Authorization).toBe('Bearer second');
  });
});

describe('kubeconfig reader: what it refuses, saying where and what to use instead', () => {
  it.each([
    { case: 'exec plugin', text: kubeconfig({}, { exec: { command: 'aws', apiVersion: 'client.authentication.k8s.io/v1' } }), want: 'src: users[u].user.exec: an exec credential plugin is not run here; use a token or a client certificate, or on EKS the function\'s EKS mode (eksCluster)' },
    { case: 'auth-provider', text: kubeconfig({}, { 'auth-provider': { name: 'oidc' } }), want: 'src: users[u].user.auth-provider: auth-provider plugins are not supported; use a token or a client certificate' },
    { case: 'impersonation', text: kubeconfig({}, { token: 't', as: 'someone' }), want: 'src: users[u].user.as: impersonation is not supported' },
    { case: 'proxy-url', text: kubeconfig({ 'proxy-url': 'http://proxy:3128' }, { token: 't' }), want: 'src: clusters[c].cluster.proxy-url: a proxy is not supported here' },
    { case: 'no current-context', text: kubeconfig({}, { token: 't' }, { 'current-context': '' }), want: 'src: no current-context; set it or name a context' },
    { case: 'unknown context', text: kubeconfig({}, { token: 't' }, { 'current-context': 'gone' }), want: 'src: contexts: no entry named "gone" (there are: main, second)' },
    { case: 'server not a URL', text: kubeconfig({ server: '10.0.0.1:6443' }, { token: 't' }), want: 'src: clusters[c].cluster.server: expected an https:// URL' },
    { case: 'certificate without key', text: kubeconfig({}, { 'client-certificate-data': b64(pem('CERTIFICATE')) }), want: 'src: users[u].user: a client certificate needs its key' },
    { case: 'unreadable CA file', text: kubeconfig({ 'certificate-authority': join(dir, 'absent.pem') }, { token: 't' }), want: `src: clusters[c].cluster.certificate-authority: cannot read ${join(dir, 'absent.pem')} (ENOENT)` },
    { case: 'insecure not a boolean', text: kubeconfig({ 'insecure-skip-tls-verify': 'yes please' }, { token: 't' }), want: 'src: clusters[c].cluster.insecure-skip-tls-verify: expected true or false' },
    { case: 'not a mapping', text: '- a\n- b\n', want: 'src: expected a kubeconfig (a YAML mapping with clusters, users and contexts)' },
  ])('$case', ({ text, want }) => {
    expect(() => clusterAccessFromKubeconfig(text, { source: 'src' })).toThrow(KubeconfigError);
    expect(() => clusterAccessFromKubeconfig(text, { source: 'src' })).toThrow(want);
  });

  it('reports invalid YAML by position only, never quoting the line (it may hold a token)', () => {
    const text = 'users:\n- name: u\n  user:\n    token: "cnry-secret-token\n';
    let message = '';
    try {
      clusterAccessFromKubeconfig(text, { source: 'Secrets Manager secret arn:x' });
    } catch (e) {
      expect(e).toBeInstanceOf(KubeconfigError);
      message = (e as Error).message;
    }
    expect(message).toMatch(/^Secrets Manager secret arn:x: not valid YAML \(line \d+, column \d+\)$/u);
    expect(message).not.toContain('cnry');
  });
});
