import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { apiserverGet, closeClusterAgent } from './admin-client.ts';
import type { ProgressListener } from './binaries.ts';
import { startLocalCluster, stopLocalClusterProcesses, type LocalClusterInfo } from './cluster.ts';
import { isProcessRunning } from './processes.ts';

/** What `<stateDir>/cluster.json` holds (mode 0600: it contains the admin token). */
export interface LocalClusterState extends LocalClusterInfo {
  startedAt: string;
}

export interface ClusterStateOptions {
  /** Default `${XDG_CACHE_HOME:-~/.cache}/webhook-secret-sync/local-cluster`. */
  stateDir?: string;
}

/**
 * Default directory of the persistent local cluster.
 *
 * @example
 * ```ts
 * defaultStateDir(); // '/home/me/.cache/webhook-secret-sync/local-cluster'
 * ```
 */
export function defaultStateDir(): string {
  const cache = process.env['XDG_CACHE_HOME'] || join(homedir(), '.cache');
  return join(cache, 'webhook-secret-sync', 'local-cluster');
}

const stateFile = (stateDir: string): string => join(stateDir, 'cluster.json');

/**
 * Reads the state file; undefined when there is none (or it is unreadable).
 *
 * @example
 * ```ts
 * const state = await readClusterState({});
 * ```
 */
export async function readClusterState(options: ClusterStateOptions = {}): Promise<LocalClusterState | undefined> {
  try {
    return JSON.parse(await readFile(stateFile(options.stateDir ?? defaultStateDir()), 'utf8')) as LocalClusterState;
  } catch {
    return undefined;
  }
}

/**
 * True when both recorded processes exist and the apiserver answers /readyz as admin.
 *
 * @example
 * ```ts
 * if (state && (await isClusterReady(state))) console.log(state.adminKubeconfigPath);
 * ```
 */
export async function isClusterReady(state: LocalClusterState): Promise<boolean> {
  if (!isProcessRunning(state.pids.apiserver, state.binaries.apiserver)) return false;
  if (!isProcessRunning(state.pids.etcd, state.binaries.etcd)) return false;
  try {
    const { status } = await apiserverGet({ connection: state, path: '/readyz', signal: AbortSignal.timeout(5_000) });
    return status === 200;
  } catch {
    return false;
  } finally {
    await closeClusterAgent(state);
  }
}

/**
 * Starts a local cluster whose processes outlive this one, recording it in `<stateDir>/cluster.json`.
 * Idempotent: a recorded cluster that still answers /readyz is reused; a dead one is cleaned up first.
 *
 * @example
 * ```ts
 * const { adminKubeconfigPath, reused } = await localClusterUp({ onProgress: (l) => console.error(l) });
 * ```
 */
export async function localClusterUp(
  options: ClusterStateOptions & { onProgress?: ProgressListener } = {},
): Promise<LocalClusterState & { reused: boolean }> {
  const stateDir = options.stateDir ?? defaultStateDir();
  const existing = await readClusterState({ stateDir });
  if (existing && (await isClusterReady(existing))) return { ...existing, reused: true };
  if (existing) await localClusterDown({ stateDir });

  const dir = join(stateDir, 'cluster');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const cluster = await startLocalCluster({ dir, detached: true, onProgress: options.onProgress });
  const state: LocalClusterState = {
    server: cluster.server,
    caData: cluster.caData,
    adminToken: cluster.adminToken,
    dir: cluster.dir,
    adminKubeconfigPath: cluster.adminKubeconfigPath,
    pids: cluster.pids,
    ports: cluster.ports,
    binaries: cluster.binaries,
    startedAt: new Date().toISOString(),
  };
  await writeFile(stateFile(stateDir), `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  await closeClusterAgent(cluster); // lets the CLI exit while the cluster keeps running
  return { ...state, reused: false };
}

/**
 * Stops the recorded cluster (if any) and removes its data and state file. Returns false when no
 * cluster was recorded.
 *
 * @example
 * ```ts
 * await localClusterDown({});
 * ```
 */
export async function localClusterDown(options: ClusterStateOptions = {}): Promise<boolean> {
  const stateDir = options.stateDir ?? defaultStateDir();
  const state = await readClusterState({ stateDir });
  if (!state) return false;
  await stopLocalClusterProcesses({ pids: state.pids, commands: state.binaries });
  await rm(state.dir, { recursive: true, force: true });
  await rm(stateFile(stateDir), { force: true });
  return true;
}

/**
 * Path of the running cluster's admin kubeconfig, or undefined when no cluster is up.
 *
 * @example
 * ```ts
 * const path = await localClusterKubeconfigPath({});
 * ```
 */
export async function localClusterKubeconfigPath(options: ClusterStateOptions = {}): Promise<string | undefined> {
  const state = await readClusterState(options);
  return state && (await isClusterReady(state)) ? state.adminKubeconfigPath : undefined;
}
