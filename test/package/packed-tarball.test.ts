/**
 * Issue #12 item 2, from the packed tarball and not the source tree: `npm pack` (its prepack build),
 * `npm install -g` into a temporary prefix, the installed CLI on the seed example, and a CDK app of
 * its own that imports the construct by package name and synthesizes with the prebuilt function.
 * npm installs come from the registry (through the npm cache); every command runs on the pinned Node.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpsEndpoint, type HttpsEndpoint } from '../../src/local/https-endpoint.ts';
import { recordOutput } from '../support/leak.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SEED = join(ROOT, 'examples', 'seed');
const lock = JSON.parse(await readFile(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version: string }> };
const locked = (name: string): string => lock.packages[`node_modules/${name}`]?.version ?? 'latest';
// The pinned Node first, so npm and everything it starts run on it.
const ENV = { ...process.env, PATH: `${join(ROOT, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`, npm_config_audit: 'false', npm_config_fund: 'false' };
const run = promisify(execFile);

async function sh(cmd: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = ENV): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const r = await run(cmd, [...args], { cwd, env, maxBuffer: 64 * 1024 * 1024 });
    recordOutput(`package ${cmd} ${args[0] ?? ''} stderr`, r.stderr);
    return { ...r, code: 0 };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; code?: number };
    return { stdout: e.stdout ?? '', stderr: e.stderr ?? '', code: typeof e.code === 'number' ? e.code : -1 };
  }
}

describe('the npm package, from the packed tarball', () => {
  let work: string;
  let tarball: string;
  let cli: string;
  let endpoint: HttpsEndpoint;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'wss-pkg-'));
    const pack = await sh('npm', ['pack', '--pack-destination', work], ROOT);
    expect(pack.code, pack.stderr).toBe(0);
    tarball = join(work, pack.stdout.trim().split('\n').at(-1) ?? '');
    const prefix = join(work, 'prefix');
    const install = await sh('npm', ['install', '-g', '--prefix', prefix, tarball], work);
    expect(install.code, install.stderr).toBe(0);
    cli = join(prefix, 'bin', 'webhook-secret-sync');
    endpoint = await startHttpsEndpoint();
  }, 900_000);
  afterAll(async () => {
    await endpoint.close();
    await rm(work, { recursive: true, force: true });
  });

  it('holds compiled JavaScript with declarations, the prebuilt function, README, LICENSE and CHANGELOG, and no tests, bench, tools or TypeScript source', async () => {
    // Act
    const listing = await sh('tar', ['tzf', tarball], work);
    // Assess
    const files = listing.stdout.trim().split('\n').map((f) => f.replace(/^package\//u, ''));
    expect(files).toEqual(expect.arrayContaining(['README.md', 'LICENSE', 'CHANGELOG.md', 'package.json', 'bin/webhook-secret-sync',
      'dist/src/index.js', 'dist/src/index.d.ts', 'dist/infra/webhook-secret-sync.js', 'dist/infra/webhook-secret-sync.d.ts',
      'dist/infra/cadence-plan.js', 'dist/lambda/sync/index.mjs']));
    expect(files.filter((f) => /^(test|bench|tools|src|infra|functions|examples|\.tmp|\.cache|cdk\.out|node_modules)\//u.test(f))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    const dts = await sh('tar', ['xzOf', tarball, 'package/dist/src/index.d.ts'], work);
    expect(dts.stdout).toContain("from './app/run.js'");
  });

  it('the installed CLI answers --help, validate and plan on the seed example', async () => {
    const help = await sh(cli, ['--help'], work);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: webhook-secret-sync');
    const validate = await sh(cli, ['validate', '-f', SEED], work);
    expect([validate.code, validate.stderr]).toEqual([0, '']);
    const plan = await sh(cli, ['plan', '-f', SEED, '-o', 'json'], work);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('default/webhook-external-secret');
  });

  it('the installed CLI syncs the seed example with --dry-run=client from a real HTTPS endpoint', async () => {
    // Prepare: the seed, its placeholder url pointing at the local endpoint.
    const seed = join(work, 'seed');
    await cp(SEED, seed, { recursive: true });
    const store = join(seed, 'secretstore.yaml');
    await writeFile(store, (await readFile(store, 'utf8')).replace('https://your-http-endpoint.com', endpoint.url));
    await writeFile(join(work, 'ca.pem'), endpoint.caPem);
    endpoint.on('GET', '/secrets', { body: await readFile(join(SEED, 'response.json'), 'utf8') });
    // Act
    const r = await sh(cli, ['sync', '-f', seed, '--dry-run=client', '-o', 'json'], work, { ...ENV, NODE_EXTRA_CA_CERTS: join(work, 'ca.pem') });
    // Assess
    expect([r.code, r.stderr]).toEqual([0, '']);
    const list = JSON.parse(r.stdout) as { items: { metadata: { name: string }; data: Record<string, string> }[] };
    expect(list.items.map((i) => [i.metadata.name, Object.keys(i.data).sort()])).toEqual([['my-secret', ['password', 'username']]]);
    expect(endpoint.requests).toHaveLength(1);
  });

  // Node 22 from the registry's per-platform package (published for Linux; macOS lacks 22.x builds for every cpu).
  it.skipIf(process.platform !== 'linux')('the installed compiled CLI also runs on Node 22 (validate and plan)', async () => {
    // Prepare
    const pkg = `node-linux-${process.arch}`;
    const install = await sh('npm', ['install', '--prefix', join(work, 'node22'), '--no-save', `${pkg}@22`], work);
    expect(install.code, install.stderr).toBe(0);
    const node22 = join(work, 'node22', 'node_modules', pkg, 'bin', 'node');
    const main = join(work, 'prefix', 'lib', 'node_modules', 'webhook-secret-sync', 'dist', 'src', 'cli', 'main.js');
    // Act
    const version = await sh(node22, ['--version'], work);
    const validate = await sh(node22, [main, 'validate', '-f', SEED], work);
    const plan = await sh(node22, [main, 'plan', '-f', SEED], work);
    // Assess
    expect(version.stdout).toMatch(/^v22\./u);
    expect([validate.code, validate.stderr]).toEqual([0, '']);
    expect([plan.code, plan.stderr]).toEqual([0, '']);
    expect(plan.stdout).toContain('ESO would send 2');
  });

  it('a CDK app of its own imports the construct by package name and synthesizes the prebuilt function', async () => {
    // Prepare: what `cdk init app --language typescript` makes, with tsx, depending on the tarball.
    const app = join(work, 'app');
    await mkdir(join(app, 'bin'), { recursive: true });
    await writeFile(join(app, 'package.json'), JSON.stringify({
      name: 'my-cdk-app', version: '0.1.0', private: true, type: 'module',
      dependencies: { 'aws-cdk-lib': locked('aws-cdk-lib'), constructs: locked('constructs'), 'webhook-secret-sync': `file:${tarball}` },
      devDependencies: { 'aws-cdk': locked('aws-cdk'), tsx: locked('tsx') },
    }, null, 2));
    await writeFile(join(app, 'cdk.json'), JSON.stringify({ app: 'npx tsx bin/app.ts' }));
    await writeFile(join(app, 'bin', 'app.ts'), [
      "import { App, Stack } from 'aws-cdk-lib';",
      "import { planFromCadences } from 'webhook-secret-sync/cadence-plan';",
      "import { WebhookSecretSync } from 'webhook-secret-sync/construct';",
      'const app = new App();',
      "const stack = new Stack(app, 'Sync', { env: { account: '123456789012', region: 'eu-west-1' } });",
      "new WebhookSecretSync(stack, 'SecretSync', { cadences: planFromCadences('15m,1h'), cluster: { kind: 'eks', clusterName: 'prod' } });",
    ].join('\n'));
    const install = await sh('npm', ['install', '--prefer-offline'], app);
    expect(install.code, install.stderr).toBe(0);
    // Act
    const synth = await sh('npx', ['cdk', 'synth', '--quiet'], app);
    // Assess: both functions deploy one asset, which is the package's prebuilt bundle byte for byte.
    expect(synth.code, synth.stderr).toBe(0);
    const template = JSON.parse(await readFile(join(app, 'cdk.out', 'Sync.template.json'), 'utf8')) as { Resources: Record<string, { Type: string; Properties: { Handler?: string; Runtime?: string; Code?: { S3Key?: string } } }> };
    const functions = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Handler === 'index.handler');
    expect(functions).toHaveLength(2);
    const keys = new Set(functions.map((f) => f.Properties.Code?.S3Key));
    expect(keys.size).toBe(1);
    const hash = [...keys][0]?.replace(/\.zip$/u, '') ?? '';
    const assetDir = join(app, 'cdk.out', `asset.${hash}`);
    expect(await readdir(assetDir)).toContain('index.mjs');
    const shipped = await readFile(join(app, 'node_modules', 'webhook-secret-sync', 'dist', 'lambda', 'sync', 'index.mjs'));
    expect((await readFile(join(assetDir, 'index.mjs'))).equals(shipped)).toBe(true);
  });
});
