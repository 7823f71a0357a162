import { spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface SpawnLoggedOptions {
  command: string;
  args: string[];
  /** stdout and stderr both go here (appended). */
  logPath: string;
  /** Survive the parent (own session, no death signal); used by `local-cluster up`. */
  detached?: boolean;
}

export interface LoggedProcess {
  pid: number;
  /** Resolves with the exit code (or signal name) once the process ends. */
  exited: Promise<number | string | null>;
}

let setprivAvailable: boolean | undefined;

/** `setpriv --pdeathsig` makes the kernel kill the child when its parent dies, even on SIGKILL. */
function hasSetpriv(): boolean {
  setprivAvailable ??= spawnSync('setpriv', ['--help'], { stdio: 'ignore' }).status === 0;
  return setprivAvailable;
}

/**
 * Spawns a long-running binary with its output in a log file. Attached children get a parent-death
 * signal where `setpriv` exists, so they do not outlive a crashed test runner.
 *
 * @example
 * ```ts
 * const etcd = spawnLogged({ command: '/path/etcd', args: ['--data-dir', dir], logPath: `${dir}/etcd.log` });
 * ```
 */
export function spawnLogged(options: SpawnLoggedOptions): LoggedProcess {
  const fd = openSync(options.logPath, 'a');
  const [command, args] =
    !options.detached && hasSetpriv()
      ? ['setpriv', ['--pdeathsig', 'KILL', '--', options.command, ...options.args]]
      : [options.command, options.args];
  try {
    const child = spawn(command, args, { stdio: ['ignore', fd, fd], detached: options.detached ?? false });
    if (child.pid === undefined) throw new Error(`could not start ${options.command}`);
    const exited = new Promise<number | string | null>((resolve) => {
      child.once('exit', (code, signal) => {
        resolve(code ?? signal);
      });
      child.once('error', () => {
        resolve(null);
      });
    });
    if (options.detached) child.unref();
    return { pid: child.pid, exited };
  } finally {
    closeSync(fd); // the child holds its own copy
  }
}

/** True when a process with this pid exists (and, if given, its command line contains `command`). */
export function isProcessRunning(pid: number, command?: string): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  if (!command) return true;
  try {
    // Guards against a recycled pid when all we have is a pid from a state file.
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(command);
  } catch {
    return true;
  }
}

export interface StopProcessOptions {
  pid: number;
  /** Only signal the pid if its command line contains this (for pids read from a state file). */
  command?: string;
  /** Time between SIGTERM and SIGKILL; default 5 s. */
  graceMs?: number;
}

/**
 * Stops a process: SIGTERM, then SIGKILL if it is still there after `graceMs`.
 *
 * @example
 * ```ts
 * await stopProcess({ pid: apiserver.pid, graceMs: 3000 });
 * ```
 */
export async function stopProcess(options: StopProcessOptions): Promise<void> {
  const { pid, command, graceMs = 5_000 } = options;
  if (!isProcessRunning(pid, command)) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isProcessRunning(pid)) return;
    await sleep(100);
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/**
 * Finds a free TCP port on 127.0.0.1 by binding port 0 and releasing it.
 *
 * @example
 * ```ts
 * const port = await freePort();
 * ```
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

/**
 * Last `lines` lines of a log file ('' if unreadable), for startup error messages.
 *
 * @example
 * ```ts
 * const tail = await tailFile({ path: `${dir}/kube-apiserver.log`, lines: 30 });
 * ```
 */
export async function tailFile(options: { path: string; lines?: number }): Promise<string> {
  const text = await readFile(options.path, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-(options.lines ?? 30)).join('\n');
}

const cleanups = new Set<() => void>();
let hooksInstalled = false;

function runCleanups(): void {
  for (const cleanup of [...cleanups]) {
    cleanups.delete(cleanup);
    try {
      cleanup();
    } catch {
      // best effort: the process is going away
    }
  }
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.once('exit', runCleanups);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      runCleanups();
      process.removeListener(signal, onSignal);
      // Without other listeners, restore the default behaviour (terminate) we suppressed by listening.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

/**
 * Registers a synchronous cleanup that runs on process exit, SIGINT, SIGTERM or SIGHUP. Returns a
 * function that unregisters it (call it after a normal, awaited shutdown).
 *
 * @example
 * ```ts
 * const unregister = onProcessExit(() => process.kill(pid, 'SIGKILL'));
 * ```
 */
export function onProcessExit(cleanup: () => void): () => void {
  installHooks();
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}
