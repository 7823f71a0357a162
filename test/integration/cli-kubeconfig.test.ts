/**
 * The CLI's gateway (openGateway) keeps every kubeconfig client-node loads working over our HTTPS
 * gateway: an exec credential plugin's token, and a proxy-url cluster reached
 * through an HTTP CONNECT proxy. Against the real kube-apiserver.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { openGateway } from '../../src/app/kube.ts';
import { admin, freshNamespace, hasCluster, providedCluster, restrictedIdentity, type TestIdentity } from '../support/cluster.ts';

describe.skipIf(!hasCluster())('CLI kubeconfigs over the HTTPS gateway', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wss-cli-kubeconfig-'));
  let namespace: string;
  let identity: TestIdentity;
  let proxy: Server;
  let tunnels = 0;
  // Tunnelled sockets are not the server's HTTP connections: closed by hand at the end.
  const open = new Set<{ destroy(): void }>();

  const kubeconfig = (name: string, cluster: Record<string, unknown>, user: Record<string, unknown>): string => {
    const path = join(dir, name);
    writeFileSync(path, stringify({
      apiVersion: 'v1', kind: 'Config', 'current-context': 'c',
      clusters: [{ name: 'c', cluster: { server: providedCluster().server, 'certificate-authority-data': Buffer.from(providedCluster().caData).toString('base64'), ...cluster } }],
      users: [{ name: 'u', user }],
      contexts: [{ name: 'c', context: { cluster: 'c', user: 'u' } }],
    }));
    return path;
  };

  beforeAll(async () => {
    namespace = await freshNamespace('clikc');
    await admin().core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'cfg' }, data: { a: 'b' } } });
    identity = await restrictedIdentity(namespace, [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }]);
    // A minimal HTTP CONNECT proxy: tunnels bytes, so TLS still ends at the apiserver.
    proxy = createServer();
    proxy.on('connect', (req, client, head) => {
      tunnels++;
      const [host, port] = (req.url ?? '').split(':');
      open.add(client);
      const upstream = connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      open.add(upstream);
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    for (const socket of open) socket.destroy();
    proxy.closeAllConnections();
    await new Promise((resolve) => proxy.close(resolve));
  });

  it('authenticates with the token an exec credential plugin prints', async () => {
    const calls = join(dir, 'exec-calls');
    const credential = JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1beta1', kind: 'ExecCredential', status: { token: identity.token } });
    const path = kubeconfig('exec.yaml', {}, {
      exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: '/bin/sh', args: ['-c', `echo x >> '${calls}'; printf '%s' '${credential}'`] },
    });
    const gateway = await openGateway({ kubeconfig: path });
    try {
      const first = await gateway.readConfigMapWithMeta(namespace, 'cfg');
      const second = await gateway.readConfigMapWithMeta(namespace, 'cfg');
      expect(first?.data).toEqual({ a: 'b' });
      expect(second?.data).toEqual({ a: 'b' });
      // client-node keeps a credential without expirationTimestamp, so the plugin ran once or more.
      expect(readFileSync(calls, 'utf8').split('\n').filter(Boolean).length).toBeGreaterThanOrEqual(1);
    } finally {
      await gateway.close();
    }
  });

  it('reaches a proxy-url cluster through the proxy', async () => {
    const { port } = proxy.address() as AddressInfo;
    const path = kubeconfig('proxy.yaml', { 'proxy-url': `http://127.0.0.1:${String(port)}` }, { token: identity.token });
    const before = tunnels;
    const gateway = await openGateway({ kubeconfig: path });
    try {
      expect((await gateway.readConfigMapWithMeta(namespace, 'cfg'))?.data).toEqual({ a: 'b' });
      expect(tunnels).toBeGreaterThan(before);
    } finally {
      await gateway.close();
    }
  });
});
