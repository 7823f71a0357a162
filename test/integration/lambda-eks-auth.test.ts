/**
 * EKS cluster auth of the sync function. The token is checked for the shape EKS's authenticator
 * accepts (no real EKS here); the KubeConfig that carries it is exercised against the real
 * kube-apiserver with a ServiceAccount token standing in for the EKS token ("mock EKS auth").
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { eksClusterAccess } from '../../src/aws/eks-access.ts';
import { EKS_TOKEN_PREFIX, EksTokenCache, presignEksToken } from '../../src/aws/eks-token.ts';
import { HttpsGateway } from '../../src/kube/https-gateway.ts';
import { KubeApiError } from '../../src/kube/gateway.ts';
import { admin, freshNamespace, hasCluster, providedCluster, restrictedIdentity } from '../support/cluster.ts';

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'FwoGZXIvYXdzEXAMPLE'.repeat(60) };
const ALLOWED_PARAMS = ['Action', 'Version', 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-Security-Token', 'X-Amz-Signature', 'X-Amz-SignedHeaders'];

describe('EKS token (presigned STS GetCallerIdentity)', () => {
  it('has the k8s-aws-v1 format EKS verifies: regional STS host, whitelisted params, x-k8s-aws-id signed, under 4096 bytes', async () => {
    // Act
    const token = await presignEksToken({ clusterName: 'prod', region: 'eu-west-1', credentials: CREDENTIALS, signingDate: new Date('2026-11-30T12:00:00Z') });
    // Assess
    expect(token.startsWith(EKS_TOKEN_PREFIX)).toBe(true);
    const encoded = token.slice(EKS_TOKEN_PREFIX.length);
    expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/u); // base64url, no padding
    const url = new URL(Buffer.from(encoded, 'base64url').toString());
    expect(url.origin).toBe('https://sts.eu-west-1.amazonaws.com');
    expect([...url.searchParams.keys()].every((k) => ALLOWED_PARAMS.includes(k))).toBe(true);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      Action: 'GetCallerIdentity',
      Version: '2011-06-15',
      'X-Amz-Expires': '60',
      'X-Amz-SignedHeaders': 'host;x-k8s-aws-id',
      'X-Amz-Date': '20261130T120000Z',
      'X-Amz-Credential': 'AKIDEXAMPLE/20261130/eu-west-1/sts/aws4_request',
    });
    expect(token.length).toBeLessThan(4096);
  });

  it('signs the cluster name: another cluster gives another signature', async () => {
    const at = new Date('2026-11-30T12:00:00Z');
    const sig = async (clusterName: string) => new URL(Buffer.from((await presignEksToken({ clusterName, region: 'eu-west-1', credentials: CREDENTIALS, signingDate: at })).slice(EKS_TOKEN_PREFIX.length), 'base64url').toString()).searchParams.get('X-Amz-Signature');
    expect(await sig('prod')).not.toBe(await sig('staging'));
  });

  it('reuses a token for 10 minutes, then mints a new one; a failed mint is not kept', async () => {
    // Prepare
    let now = 0;
    let n = 0;
    let fail = false;
    const cache = new EksTokenCache({ mint: () => (fail ? Promise.reject(new Error('no credentials')) : Promise.resolve(`t${String(++n)}`)), now: () => now });
    // Act + Assess
    expect(await cache.get()).toBe('t1');
    now = 9 * 60_000;
    expect(await cache.get()).toBe('t1');
    now = 10 * 60_000;
    fail = true;
    await expect(cache.get()).rejects.toThrow('no credentials');
    fail = false;
    expect(await cache.get()).toBe('t2');
  });
});

describe.skipIf(!hasCluster())('mock EKS auth: the EKS ClusterAccess against the real kube-apiserver', () => {
  it('mock EKS auth: sends the token source\'s bearer token on every request, re-asking each time', async () => {
    // Prepare
    const namespace = await freshNamespace('eks');
    await admin().core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'cfg' }, data: { a: 'b' } } });
    const identity = await restrictedIdentity(namespace, [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }]);
    const cluster = providedCluster();
    const server = (parse(identity.kubeconfigYaml) as { clusters: { cluster: { server: string } }[] }).clusters[0]?.cluster.server ?? cluster.server;
    let asked = 0;
    const access = eksClusterAccess({ endpoint: server, caData: Buffer.from(cluster.caData).toString('base64'), token: () => { asked++; return Promise.resolve(identity.token); } });
    const gateway = new HttpsGateway({ access });
    try {
      // Act
      const first = await gateway.readConfigMapWithMeta(namespace, 'cfg');
      const second = await gateway.readConfigMapWithMeta(namespace, 'cfg');
      // Assess
      expect(first?.data).toEqual({ a: 'b' });
      expect(second?.data).toEqual({ a: 'b' });
      expect(asked).toBe(2);
    } finally {
      await gateway.close();
    }
  });

  it('mock EKS auth: a token the apiserver rejects surfaces as 401, without the token in the error', async () => {
    const cluster = providedCluster();
    const access = eksClusterAccess({ endpoint: cluster.server, caData: Buffer.from(cluster.caData).toString('base64'), token: () => Promise.resolve('k8s-aws-v1.cnry-not-a-valid-token') });
    const gateway = new HttpsGateway({ access });
    try {
      const error = await gateway.readConfigMapWithMeta('default', 'x').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KubeApiError);
      expect((error as KubeApiError).code).toBe(401);
      expect((error as Error).message).not.toContain('cnry-not-a-valid-token');
    } finally {
      await gateway.close();
    }
  });
});
