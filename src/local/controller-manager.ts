/**
 * kube-controller-manager next to the local apiserver, with only the garbage collector and the
 * namespace controller: what deletes a Secret whose owner goes (the hazard of migrating from ESO)
 * and what empties a deleted namespace. Opt-in: only the tests that need it start it.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, fetch } from 'undici';
import { freePort, onProcessExit, spawnLogged, stopProcess, tailFile } from './processes.ts';

export interface StartControllerManagerOptions {
  /** The kube-controller-manager binary (`ensureKubeBinaries().controllerManager`). */
  readonly binary: string;
  /** Kubeconfig of the cluster's admin (system:masters): the controllers act with it. */
  readonly adminKubeconfigPath: string;
  /** Where its log and serving certificate go (e.g. the cluster's dir). */
  readonly dir: string;
  /** Default 60 s. */
  readonly readyTimeoutMs?: number;
}

export interface ControllerManager {
  readonly pid: number;
  readonly logPath: string;
  stop(): Promise<void>;
}

/** The controllers started: garbage collection and namespace deletion, nothing that needs nodes or cloud. */
export const CONTROLLERS = ['garbagecollector', 'namespace'] as const;

/**
 * Starts kube-controller-manager on a free loopback port and waits for its /healthz.
 *
 * @example
 * ```ts
 * const kcm = await startControllerManager({ binary, adminKubeconfigPath, dir });
 * try { ... } finally { await kcm.stop(); }
 * ```
 */
export async function startControllerManager(o: StartControllerManagerOptions): Promise<ControllerManager> {
  const port = await freePort();
  const certDir = join(o.dir, `kcm-${String(port)}`);
  await mkdir(certDir, { recursive: true });
  const logPath = join(o.dir, `kube-controller-manager-${String(port)}.log`);
  const child = spawnLogged({
    command: o.binary,
    logPath,
    args: [
      `--kubeconfig=${o.adminKubeconfigPath}`,
      `--authentication-kubeconfig=${o.adminKubeconfigPath}`,
      `--authorization-kubeconfig=${o.adminKubeconfigPath}`,
      `--controllers=${CONTROLLERS.join(',')}`,
      // One identity for every controller: no ServiceAccount token controller runs here.
      '--use-service-account-credentials=false',
      '--leader-elect=false',
      '--bind-address=127.0.0.1',
      `--secure-port=${String(port)}`,
      `--cert-dir=${certDir}`,
    ],
  });
  const unregister = onProcessExit(() => {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  });
  let exited: number | string | null | undefined;
  void child.exited.then((code) => (exited = code));
  // A loopback health probe of a self-signed server we just started; no credentials are sent.
  const agent = new Agent({ connect: { rejectUnauthorized: false } });
  try {
    const deadline = Date.now() + (o.readyTimeoutMs ?? 60_000);
    for (;;) {
      if (exited !== undefined) throw new Error(`kube-controller-manager exited (${String(exited)}) before it was healthy; last log lines (${logPath}):\n${await tailFile({ path: logPath })}`);
      const ok = await fetch(`https://127.0.0.1:${String(port)}/healthz`, { dispatcher: agent, signal: AbortSignal.timeout(5_000) }).then((r) => r.ok, () => false);
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`kube-controller-manager not healthy after ${String((o.readyTimeoutMs ?? 60_000) / 1000)}s; last log lines (${logPath}):\n${await tailFile({ path: logPath })}`);
      await sleep(250);
    }
  } catch (e) {
    await stopProcess({ pid: child.pid, graceMs: 2_000 });
    unregister();
    throw e;
  } finally {
    await agent.close();
  }
  return {
    pid: child.pid,
    logPath,
    stop: async () => {
      await stopProcess({ pid: child.pid, graceMs: 5_000 });
      unregister();
    },
  };
}
