import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

/** Kubernetes version the harness runs; matches tools/kube-bin/build.sh's default. */
export const KUBE_VERSION = process.env['KUBE_VERSION'] ?? 'v1.35.4';

export interface KubeBinaries {
  apiserver: string;
  etcd: string;
  /** kube-controller-manager (garbage collector, namespace deletion), started only by the tests that need it. */
  controllerManager: string;
  /** Directory holding the binaries (of the apiserver when paths come from the environment). */
  dir: string;
}

/** Receives one progress line at a time (no trailing newline). */
export type ProgressListener = (line: string) => void;

export interface EnsureKubeBinariesOptions {
  /** Default: writes each line to process.stderr. */
  onProgress?: ProgressListener;
}

export const stderrProgress: ProgressListener = (line) => {
  process.stderr.write(`${line}\n`);
};

const BUILD_SCRIPT = fileURLToPath(new URL('../../tools/kube-bin/build.sh', import.meta.url));

/** Same cache root as build.sh: `${WSS_KUBE_BIN_CACHE:-${XDG_CACHE_HOME:-~/.cache}/webhook-secret-sync/kube-bin}`. */
function cacheRoot(): string {
  const explicit = process.env['WSS_KUBE_BIN_CACHE'];
  if (explicit) return explicit;
  const xdg = process.env['XDG_CACHE_HOME'] || join(homedir(), '.cache');
  return join(xdg, 'webhook-secret-sync', 'kube-bin');
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function cached(dir: string): KubeBinaries | undefined {
  const apiserver = process.env['WSS_KUBE_APISERVER'] || join(dir, 'kube-apiserver');
  const etcd = process.env['WSS_ETCD'] || join(dir, 'etcd');
  const controllerManager = process.env['WSS_KUBE_CONTROLLER_MANAGER'] || join(dir, 'kube-controller-manager');
  // A cache from before kube-controller-manager was built counts as incomplete: build.sh adds just it.
  if (!isExecutable(apiserver) || !isExecutable(etcd) || !isExecutable(controllerManager)) return undefined;
  return { apiserver, etcd, controllerManager, dir: dirname(apiserver) };
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Returns true when we hold the build lock; false when another live process is building. */
async function tryLock(lockPath: string): Promise<boolean> {
  try {
    const handle = await open(lockPath, 'wx');
    await handle.writeFile(String(process.pid));
    await handle.close();
    return true;
  } catch {
    const owner = Number((await readFile(lockPath, 'utf8').catch(() => '')).trim());
    if (owner && pidAlive(owner)) return false;
    await rm(lockPath, { force: true }); // stale lock of a dead builder
    return tryLock(lockPath);
  }
}

function runBuild(onProgress: ProgressListener): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [BUILD_SCRIPT], { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    const tail: string[] = [];
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    createInterface({ input: child.stderr }).on('line', (line) => {
      tail.push(line);
      if (tail.length > 30) tail.shift();
      onProgress(line);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(stdout.trim().split('\n').at(-1) ?? '');
      else reject(new Error(`${BUILD_SCRIPT} exited with code ${code}; last output:\n${tail.join('\n')}`));
    });
  });
}

/**
 * Returns kube-apiserver, etcd and kube-controller-manager: `WSS_KUBE_APISERVER` / `WSS_ETCD` /
 * `WSS_KUBE_CONTROLLER_MANAGER` when set, else the
 * per-version cache, else builds them with tools/kube-bin/build.sh (10-20 min the first time),
 * streaming its progress lines. Concurrent callers wait for one build instead of starting another.
 *
 * @example
 * ```ts
 * const { apiserver, etcd } = await ensureKubeBinaries({ onProgress: (line) => log.info(line) });
 * ```
 */
export async function ensureKubeBinaries(options: EnsureKubeBinariesOptions = {}): Promise<KubeBinaries> {
  const onProgress = options.onProgress ?? stderrProgress;
  const dir = join(cacheRoot(), KUBE_VERSION);
  const found = cached(dir);
  if (found) return found;

  await mkdir(cacheRoot(), { recursive: true });
  const lockPath = join(cacheRoot(), `${KUBE_VERSION}.build.lock`);
  let announced = false;
  while (!(await tryLock(lockPath))) {
    if (!announced) onProgress(`[kube-bin] another process is building ${KUBE_VERSION} into ${dir}; waiting`);
    announced = true;
    await sleep(5_000);
    const built = cached(dir);
    if (built) return built;
  }
  try {
    const built = cached(dir); // finished while we were taking the lock
    if (built) return built;
    const outDir = await runBuild(onProgress);
    const result = cached(outDir || dir);
    if (!result || !existsSync(result.apiserver)) {
      throw new Error(`${BUILD_SCRIPT} finished but no kube-apiserver/etcd/kube-controller-manager in ${outDir || dir}`);
    }
    return result;
  } finally {
    await rm(lockPath, { force: true });
  }
}
