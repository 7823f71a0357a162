/**
 * kube-controller-manager (garbage collector, namespace controller) against the run's cluster, for
 * the tests that need Kubernetes to delete what an owner leaves behind. Opt-in: start it in the
 * test file's beforeAll and stop it in afterAll; other tests never pay for it.
 */
import { ensureKubeBinaries } from '../../src/local/binaries.ts';
import { startControllerManager, type ControllerManager } from '../../src/local/controller-manager.ts';
import { providedCluster } from './cluster.ts';

export async function controllerManager(): Promise<ControllerManager> {
  const cluster = providedCluster();
  const { controllerManager: binary } = await ensureKubeBinaries();
  return startControllerManager({ binary, adminKubeconfigPath: cluster.adminKubeconfigPath, dir: cluster.dir });
}
