/** The embedded default (`npm start`) and `run --local`, as users start them. */
import { spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFromPaths } from '../../src/config/load.ts';
import { startHttpsEndpoint, type HttpsEndpoint } from '../../src/local/https-endpoint.ts';
import { BIN, runBin } from '../support/cli.ts';
import { admin, freshNamespace } from '../support/cluster.ts';
import { recordOutput } from '../support/leak.ts';
import { syncIdentityFor } from '../support/sync.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SEED = new URL('../../examples/seed/', import.meta.url);

describe('npm start (the embedded default)', () => {
  it('builds or reuses a local cluster, syncs the seed example and prints the result and status', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'wss-start-'));
    try {
      const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        const child = spawn('npm', ['start', '--silent', '--', '--state-dir', stateDir], { cwd: ROOT, env: process.env });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('close', (code) => { resolve({ code: code ?? -1, stdout, stderr }); });
      });
      recordOutput('cli demo stdout', r.stdout);
      recordOutput('cli demo stderr', r.stderr);
      expect(r.code).toBe(0);
      expect(r.stderr).toContain('control plane ready at https://127.0.0.1:');
      expect(r.stdout).toMatch(/default\/webhook-external-secret\s+default\/my-secret\s+1h\s+created\s+Created/u);
      expect(r.stdout).toContain('password (19 bytes), username (5 bytes)');
      expect(r.stdout).toMatch(/default\/my-secret\s+1h\s+\S+\s+Synced\s+secret synced/u);
      expect(r.stdout).toContain('1 endpoint request(s) for 2 entries');
    } finally {
      await runBin(['local-cluster', 'down', '--state-dir', stateDir]);
    }
  });
});

describe('run --local', () => {
  let endpoint: HttpsEndpoint;
  beforeAll(async () => {
    endpoint = await startHttpsEndpoint();
    endpoint.on('GET', '/secrets', { body: await readFile(new URL('response.json', SEED), 'utf8') });
  });
  afterAll(async () => {
    await endpoint.close();
  });

  /**
   * Starts `run --local` on the seed example with the given refreshInterval (plus `extraFiles` beside
   * it, written after the sync identity is made from the valid seed); resolves once the first run's
   * report, including `until` when given, is on stderr.
   */
  async function startRunLocal(refreshInterval: string, options: { extraFiles?: Record<string, string>; until?: string } = {}): Promise<{ dir: string; namespace: string; stop: () => Promise<{ code: number; stderr: string }> }> {
    const dir = await mkdtemp(join(tmpdir(), 'wss-run-'));
    await cp(SEED, join(dir, 'seed'), { recursive: true });
    const storePath = join(dir, 'seed', 'secretstore.yaml');
    await writeFile(storePath, (await readFile(storePath, 'utf8')).replace('https://your-http-endpoint.com', endpoint.url));
    const esPath = join(dir, 'seed', 'externalsecret.yaml');
    await writeFile(esPath, (await readFile(esPath, 'utf8')).replace('refreshInterval: "1h"', `refreshInterval: "${refreshInterval}"`));
    await writeFile(join(dir, 'ca.pem'), endpoint.caPem);
    const namespace = await freshNamespace('run');
    const identity = await syncIdentityFor(await loadConfigFromPaths([join(dir, 'seed')], { defaultNamespace: namespace }), { home: namespace });
    for (const [name, text] of Object.entries(options.extraFiles ?? {})) await writeFile(join(dir, 'seed', name), text);
    const child = spawn(BIN, ['run', '--local', '-f', join(dir, 'seed'), '-n', namespace, '--kubeconfig', identity.kubeconfigPath], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem') },
    });
    let stderr = '';
    await new Promise<void>((resolve) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (stderr.includes('run start:') && (options.until === undefined || stderr.includes(options.until))) resolve();
      });
    });
    const stop = async () => {
      child.kill('SIGINT');
      const code = await new Promise<number>((resolve) => child.on('close', (c) => { resolve(c ?? -1); }));
      recordOutput('cli run stderr', stderr);
      return { code, stderr };
    };
    return { dir, namespace, stop };
  }

  it('syncs at start, keeps running, and stops cleanly on Ctrl-C', async () => {
    const { namespace, stop } = await startRunLocal('1h');
    const { code, stderr } = await stop();
    expect(code).toBe(0);
    expect(stderr).toMatch(/run start: 1 created, 0 updated, 0 unchanged, 0 deleted, 0 skipped, 0 failed/u);
    expect(stderr).toContain('stopping after the run in flight');
    const secret = await admin().core.readNamespacedSecret({ namespace, name: 'my-secret' });
    expect(Object.keys(secret.data ?? {}).sort()).toEqual(['password', 'username']);
  });

  it('an invalid document fails alone: the first run syncs the rest, reports it with its location, and the loop keeps running', async () => {
    // Prepare and act: the seed plus a file that is not YAML.
    const { dir, namespace, stop } = await startRunLocal('1h', { extraFiles: { 'zz-broken.yaml': 'kind: [unclosed' }, until: 'zz-broken.yaml' });
    const { code, stderr } = await stop();
    // Assess
    expect(code).toBe(0);
    expect(stderr).toMatch(/run start: 1 created, 0 updated, 0 unchanged, 0 deleted, 0 skipped, 1 failed/u);
    expect(stderr).toContain(`(${join(dir, 'seed', 'zz-broken.yaml')}: document 1): ${join(dir, 'seed', 'zz-broken.yaml')}: document 1: malformed YAML: line 1`);
    expect(stderr).not.toContain('failed:');
    const secret = await admin().core.readNamespacedSecret({ namespace, name: 'my-secret' });
    expect(Object.keys(secret.data ?? {}).sort()).toEqual(['password', 'username']);
  });

  it('waits a 720h refreshInterval as written (beyond Node\'s 24.8-day timer) instead of running in a loop', async () => {
    // Prepare
    endpoint.reset();
    endpoint.on('GET', '/secrets', { body: await readFile(new URL('response.json', SEED), 'utf8') });
    const { stop } = await startRunLocal('720h');
    // Act: a looping timer fires every millisecond; one second would hold many runs.
    await sleep(1_000);
    const { code, stderr } = await stop();
    // Assess
    expect(code).toBe(0);
    expect(stderr.match(/run 720h/gu) ?? []).toEqual([]);
    expect(endpoint.requests).toHaveLength(1);
  });
});
