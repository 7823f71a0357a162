import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { V1PolicyRule } from '@kubernetes/client-node';
import { fetch } from 'undici';
import { apiserverGet, closeClusterAgent, type ClusterConnection } from './admin-client.ts';
import {
  apiserverRequestCounts,
  fetchApiserverMetrics,
  type ApiserverRequestCount,
  type RequestCountFilter,
} from './apiserver-metrics.ts';
import { ensureKubeBinaries, stderrProgress, type KubeBinaries, type ProgressListener } from './binaries.ts';
import { renderKubeconfig, writeKubeconfig, type KubeconfigIdentity } from './kubeconfig.ts';
import { freePort, onProcessExit, spawnLogged, stopProcess, tailFile, type LoggedProcess } from './processes.ts';
import {
  createRestrictedIdentity,
  ensureNamespace,
  type RestrictedIdentity,
  type RestrictedIdentityOptions,
} from './restricted-identity.ts';

export interface StartLocalClusterOptions {
  /** Where data, keys, logs and kubeconfigs go; default a new temp dir (removed by `stop()`). */
  dir?: string;
  /** Progress lines (binary build, startup steps); default process.stderr. */
  onProgress?: ProgressListener;
  /** A namespace to create once the cluster is ready. */
  restrictedNamespace?: string;
  /** Let etcd and kube-apiserver outlive this process (for `local-cluster up`); no exit hooks. */
  detached?: boolean;
  /** Readiness timeout; default 120 s. */
  readyTimeoutMs?: number;
  /** Use these binaries instead of calling ensureKubeBinaries(). */
  binaries?: KubeBinaries;
}

export interface LocalClusterProcesses {
  etcd: number;
  apiserver: number;
}

/** Plain data describing a running cluster (what a state file or a test worker gets). */
export interface LocalClusterInfo extends ClusterConnection {
  dir: string;
  adminKubeconfigPath: string;
  pids: LocalClusterProcesses;
  ports: { etcd: number; etcdPeer: number; apiserver: number };
  binaries: { apiserver: string; etcd: string };
}

export interface LocalCluster extends LocalClusterInfo {
  /** Kubeconfig YAML for any token (user/context name default `admin`). */
  kubeconfig(identity: Omit<KubeconfigIdentity, 'server' | 'caData'>): string;
  createRestrictedIdentity(options: RestrictedIdentityOptions): Promise<RestrictedIdentity>;
  /** GET /metrics as admin. */
  metrics(): Promise<string>;
  /** `apiserver_request_total` series, optionally filtered by labels (`{ verb: 'PATCH', resource: 'secrets' }`). */
  apiserverRequestCounts(filter?: RequestCountFilter): Promise<ApiserverRequestCount[]>;
  /** SIGTERM (then SIGKILL) both processes; removes `dir` if it was a temp dir. */
  stop(): Promise<void>;
}

export type { V1PolicyRule };

class StartupError extends Error {
  override name = 'LocalClusterStartupError';
}

async function waitFor(options: {
  what: string;
  timeoutMs: number;
  processes: Array<{ name: string; process: LoggedProcess; logPath: string }>;
  check: () => Promise<boolean>;
}): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError = '';
  const exits = options.processes.map(({ name, process, logPath }) =>
    process.exited.then((code) => ({ name, code, logPath })),
  );
  let exited: { name: string; code: number | string | null; logPath: string } | undefined;
  void Promise.race(exits).then((value) => (exited = value));
  while (Date.now() < deadline) {
    if (exited) {
      const tail = await tailFile({ path: exited.logPath, lines: 30 });
      throw new StartupError(`${exited.name} exited (${exited.code}) while waiting for ${options.what}; last log lines (${exited.logPath}):\n${tail}`);
    }
    try {
      if (await options.check()) return;
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
      lastError = error instanceof Error ? `${error.message}${cause}` : String(error);
    }
    await sleep(250);
  }
  const tails = await Promise.all(
    options.processes.map(async ({ name, logPath }) => `--- ${name} (${logPath}):\n${await tailFile({ path: logPath, lines: 30 })}`),
  );
  throw new StartupError(
    `timed out after ${options.timeoutMs / 1000}s waiting for ${options.what}${lastError ? ` (last error: ${lastError})` : ''}\n${tails.join('\n')}`,
  );
}

function etcdArgs(dir: string, port: number, peerPort: number): string[] {
  const client = `http://127.0.0.1:${port}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  return [
    '--name=local',
    `--data-dir=${join(dir, 'etcd')}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=local=${peer}`,
    '--unsafe-no-fsync', // throwaway data: skip fsync, much faster on a busy disk
    '--log-level=warn',
  ];
}

function apiserverArgs(dir: string, etcdPort: number, port: number): string[] {
  return [
    `--etcd-servers=http://127.0.0.1:${etcdPort}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${port}`,
    `--cert-dir=${join(dir, 'pki')}`,
    '--authorization-mode=RBAC',
    `--token-auth-file=${join(dir, 'tokens.csv')}`,
    `--service-account-issuer=https://127.0.0.1:${port}`,
    `--service-account-key-file=${join(dir, 'sa.pub')}`,
    `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
    '--service-cluster-ip-range=10.0.0.0/24',
    '--endpoint-reconciler-type=none', // loopback IPs are invalid in Endpoints
    '--disable-admission-plugins=ServiceAccount', // no controller-manager creates `default` SAs
    '--allow-privileged=true',
    // Every request, as the apiserver saw it (user, verb, namespace): tests count writes from here.
    `--audit-policy-file=${join(dir, 'audit-policy.yaml')}`,
    `--audit-log-path=${join(dir, 'audit.log')}`,
    '--audit-log-mode=blocking',
  ];
}

async function writeSecrets(dir: string, adminToken: string): Promise<void> {
  await writeFile(join(dir, 'tokens.csv'), `${adminToken},admin,uid-admin,"system:masters"\n`, { mode: 0o600 });
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  await writeFile(join(dir, 'sa.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  await writeFile(join(dir, 'sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
  await writeFile(
    join(dir, 'audit-policy.yaml'),
    'apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [RequestReceived]\nrules:\n  - level: Metadata\n',
  );
}

/**
 * Starts a real etcd + kube-apiserver (RBAC on, static admin token in system:masters, ServiceAccount
 * tokens via TokenRequest) on free 127.0.0.1 ports and waits for /readyz. Builds the binaries first
 * if needed. Children are killed on process exit/SIGINT/SIGTERM unless `detached`.
 *
 * @example
 * ```ts
 * const cluster = await startLocalCluster({});
 * try {
 *   const app = await cluster.createRestrictedIdentity({ name: 'app', namespace: 't1', rules });
 * } finally {
 *   await cluster.stop();
 * }
 * ```
 */
export async function startLocalCluster(options: StartLocalClusterOptions = {}): Promise<LocalCluster> {
  const onProgress = options.onProgress ?? stderrProgress;
  const startedAt = Date.now();
  const binaries = options.binaries ?? (await ensureKubeBinaries({ onProgress }));
  const ownsDir = options.dir === undefined;
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'wss-cluster-')));
  await mkdir(join(dir, 'pki'), { recursive: true });
  const adminToken = randomBytes(24).toString('hex');
  await writeSecrets(dir, adminToken);

  const ports = { etcd: await freePort(), etcdPeer: await freePort(), apiserver: await freePort() };
  const logs = { etcd: join(dir, 'etcd.log'), apiserver: join(dir, 'kube-apiserver.log') };
  const started: LoggedProcess[] = [];
  const killNow = (): void => {
    for (const child of started) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    if (ownsDir) rmSync(dir, { recursive: true, force: true });
  };
  const unregister = options.detached ? () => {} : onProcessExit(killNow);

  let connection: ClusterConnection | undefined;
  try {
    onProgress(`[local-cluster] starting etcd on 127.0.0.1:${ports.etcd} (dir ${dir})`);
    const etcd = spawnLogged({
      command: binaries.etcd,
      args: etcdArgs(dir, ports.etcd, ports.etcdPeer),
      logPath: logs.etcd,
      detached: options.detached,
    });
    started.push(etcd);
    const etcdEntry = { name: 'etcd', process: etcd, logPath: logs.etcd };
    await waitFor({
      what: 'etcd /health',
      timeoutMs: 30_000,
      processes: [etcdEntry],
      check: async () => (await fetch(`http://127.0.0.1:${ports.etcd}/health`)).ok,
    });

    onProgress(`[local-cluster] starting kube-apiserver on https://127.0.0.1:${ports.apiserver}`);
    const apiserver = spawnLogged({
      command: binaries.apiserver,
      args: apiserverArgs(dir, ports.etcd, ports.apiserver),
      logPath: logs.apiserver,
      detached: options.detached,
    });
    started.push(apiserver);
    const server = `https://127.0.0.1:${ports.apiserver}`;
    const caPath = join(dir, 'pki', 'apiserver.crt');
    await waitFor({
      what: `kube-apiserver ${server}/readyz`,
      timeoutMs: options.readyTimeoutMs ?? 120_000,
      processes: [etcdEntry, { name: 'kube-apiserver', process: apiserver, logPath: logs.apiserver }],
      check: async () => {
        // The apiserver writes its self-signed chain (leaf + its CA) before it starts serving.
        if (!connection) {
          if (!existsSync(caPath)) return false;
          connection = { server, caData: await readFile(caPath, 'utf8'), adminToken };
        }
        return (await apiserverGet({ connection, path: '/readyz', signal: AbortSignal.timeout(5_000) })).status === 200;
      },
    });
    const ready: ClusterConnection | undefined = connection;
    if (!ready) throw new StartupError('kube-apiserver became ready without a certificate');

    const adminKubeconfigPath = join(dir, 'admin.kubeconfig');
    await writeKubeconfig({ path: adminKubeconfigPath, identity: { ...ready, token: adminToken } });
    if (options.restrictedNamespace) await ensureNamespace({ connection: ready, namespace: options.restrictedNamespace });
    onProgress(`[local-cluster] ready in ${((Date.now() - startedAt) / 1000).toFixed(1)}s: ${server}`);

    return {
      ...ready,
      dir,
      adminKubeconfigPath,
      pids: { etcd: etcd.pid, apiserver: apiserver.pid },
      ports,
      binaries: { apiserver: binaries.apiserver, etcd: binaries.etcd },
      kubeconfig: (identity) => renderKubeconfig({ server: ready.server, caData: ready.caData, ...identity }),
      createRestrictedIdentity: (identity) => createRestrictedIdentity({ ...identity, connection: ready, dir }),
      metrics: () => fetchApiserverMetrics({ connection: ready }),
      apiserverRequestCounts: (filter) => apiserverRequestCounts({ connection: ready, filter }),
      stop: async () => {
        await closeClusterAgent(ready);
        await stopLocalClusterProcesses({ pids: { etcd: etcd.pid, apiserver: apiserver.pid } });
        unregister();
        if (ownsDir) await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    if (connection) await closeClusterAgent(connection);
    await Promise.all(started.map((child) => stopProcess({ pid: child.pid, graceMs: 2_000 })));
    unregister();
    if (ownsDir) await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Stops kube-apiserver first (so it does not log etcd errors), then etcd: SIGTERM, SIGKILL after 5 s.
 * `commands` guards against signalling recycled pids read from a state file.
 *
 * @example
 * ```ts
 * await stopLocalClusterProcesses({ pids: state.pids, commands: state.binaries });
 * ```
 */
export async function stopLocalClusterProcesses(options: {
  pids: LocalClusterProcesses;
  commands?: { apiserver: string; etcd: string };
}): Promise<void> {
  const { pids, commands } = options;
  await stopProcess({ pid: pids.apiserver, command: commands?.apiserver, graceMs: 5_000 });
  await stopProcess({ pid: pids.etcd, command: commands?.etcd, graceMs: 5_000 });
}
