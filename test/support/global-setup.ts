import type { TestProject } from 'vitest/node';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { adminClients } from '../../src/local/admin-client.ts';
import { startLocalCluster, type LocalCluster } from '../../src/local/cluster.ts';
import { LEAK_DIR } from './leak.ts';

/** What the cluster shows users, for the leak scan: every Event, and our Secrets' metadata (no data). */
async function dumpForLeakScan(cluster: LocalCluster): Promise<void> {
  const { core } = adminClients(cluster);
  const events = await core.listEventForAllNamespaces();
  const secrets = await core.listSecretForAllNamespaces({ labelSelector: 'webhook-secret-sync.io/managed=true' });
  mkdirSync(LEAK_DIR, { recursive: true });
  const lines = [
    ...events.items.map((e) => ({ label: 'kubernetes event', text: `${e.reason ?? ''} ${e.message ?? ''} ${JSON.stringify(e.metadata?.annotations ?? {})}` })),
    ...secrets.items.map((s) => ({ label: 'secret metadata', text: JSON.stringify({ labels: s.metadata?.labels, annotations: s.metadata?.annotations }) })),
  ];
  writeFileSync(join(LEAK_DIR, 'cluster.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
}

/**
 * Starts ONE local kube-apiserver + etcd for the whole test run and hands its connection details to
 * the test workers via `inject('cluster')`. `WSS_SKIP_CLUSTER=1` skips it (cluster tests then skip).
 * The returned teardown stops it; exit/signal hooks in startLocalCluster cover crashes.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  if (process.env['WSS_SKIP_CLUSTER'] === '1') {
    project.provide('cluster', undefined);
    return undefined;
  }
  rmSync(LEAK_DIR, { recursive: true, force: true });
  const cluster = await startLocalCluster({});
  project.provide('cluster', {
    server: cluster.server,
    caData: cluster.caData,
    adminToken: cluster.adminToken,
    adminKubeconfigPath: cluster.adminKubeconfigPath,
    dir: cluster.dir,
  });
  return async () => {
    try {
      await dumpForLeakScan(cluster);
    } finally {
      await cluster.stop();
    }
  };
}
