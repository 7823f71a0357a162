import type { TestProject } from 'vitest/node';
import { startLocalCluster } from '../../src/local/cluster.ts';

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
  const cluster = await startLocalCluster({});
  project.provide('cluster', {
    server: cluster.server,
    caData: cluster.caData,
    adminToken: cluster.adminToken,
    adminKubeconfigPath: cluster.adminKubeconfigPath,
    dir: cluster.dir,
  });
  return () => cluster.stop();
}
