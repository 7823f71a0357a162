/**
 * The Lambda bundle figures: bundle the handler the way CDK's NodejsFunction does (esbuild, esm,
 * platform node, target node24, minify, createRequire banner), break its bytes down per npm package
 * and per folder of ours (from esbuild's metafile), and time its module init in fresh pinned-Node
 * processes, beside a type-stripped import of the unbundled entry.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';

export interface BundleFigures {
  /** Repo-relative entry that was measured (the handler, or src/app/run.ts while it did not exist). */
  readonly entry: string;
  readonly handlerExists: boolean;
  /** Why the handler could not be measured (then `entry` is src/app/run.ts). */
  readonly handlerError?: string;
  /** Self-contained (nothing external): what init time was measured on. */
  readonly bytes: number;
  /** Same, with CDK's default externals for Node >= 18 runtimes (`@aws-sdk/*`, provided by the runtime). */
  readonly bytesAwsSdkExternal: number;
  /** Minified bytes of the self-contained bundle per npm package or folder of ours, largest first. */
  readonly modules: readonly ModuleBytes[];
  readonly initMs: { readonly median: number; readonly samples: readonly number[] };
  readonly unbundledImportMs: { readonly median: number; readonly samples: readonly number[] };
}

export interface ModuleBytes {
  /** An npm package (`zod`, `@smithy/core`) or a folder of ours (`src/template`, `functions/sync`). */
  readonly module: string;
  readonly bytes: number;
}

// CDK NodejsFunction's banner for format esm: bundled CommonJS dependencies still call require().
const BANNER = "import { createRequire } from 'module';const require = createRequire(import.meta.url);";

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

async function bundle(entry: string, outfile: string, external: string[], root: string): Promise<{ bytes: number; metafile: Metafile }> {
  const { metafile } = await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    mainFields: ['module', 'main'],
    minify: true,
    banner: { js: BANNER },
    external,
    logLevel: 'silent',
    // Metafile paths relative to the repository, so our folders read `src/...` from any cwd.
    absWorkingDir: root,
    metafile: true,
  });
  return { bytes: (await stat(outfile)).size, metafile };
}

/** Sums each input's bytes in the output by npm package (the innermost node_modules) or by our top two folders. */
export function moduleBytes(metafile: Metafile): ModuleBytes[] {
  const sums = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
      const pkg = /.*node_modules\/((?:@[^/]+\/)?[^/]+)/u.exec(path)?.[1];
      const key = pkg ?? path.split('/').slice(0, 2).join('/');
      sums.set(key, (sums.get(key) ?? 0) + bytesInOutput);
    }
  }
  return [...sums].map(([module, bytes]) => ({ module, bytes })).sort((a, b) => b.bytes - a.bytes || a.module.localeCompare(b.module));
}

/** The `top` largest modules and the rest, as aligned text lines (kB = 1,000 bytes). */
export function formatModuleTable(figures: BundleFigures, top = 15): string {
  const kb = (n: number): string => `${(n / 1e3).toFixed(1)} kB`.padStart(9);
  const shown = figures.modules.slice(0, top);
  const rest = figures.modules.slice(top);
  const lines = shown.map((m) => `${kb(m.bytes)}  ${m.module}`);
  if (rest.length > 0) lines.push(`${kb(rest.reduce((n, m) => n + m.bytes, 0))}  ${String(rest.length)} others`);
  return `${figures.entry}: ${(figures.bytes / 1e6).toFixed(2)} MB minified, by module\n${lines.join('\n')}\n`;
}

/** ms to `await import(file)` in a fresh process, measured inside it (excludes Node's own startup). */
function importTimes(node: string, file: string, samples: number): number[] {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); console.log(performance.now() - t);`;
  const out: number[] = [];
  // One discarded run warms the page cache, as a provisioned sandbox's disk would be.
  for (let i = 0; i <= samples; i++) {
    const res = spawnSync(node, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      // Module-level code may read these; a Lambda always has them.
      env: { ...process.env, AWS_REGION: 'us-east-1', AWS_LAMBDA_FUNCTION_NAME: 'bench', POWERTOOLS_DEV: 'false' },
      timeout: 60_000,
    });
    if (res.status !== 0) throw new Error(`importing ${file} failed (${String(res.status)}): ${res.stderr.slice(0, 2000)}`);
    const ms = Number(res.stdout.trim().split('\n').pop());
    if (!Number.isFinite(ms)) throw new Error(`unexpected output importing ${file}: ${res.stdout.slice(0, 200)}`);
    if (i > 0) out.push(ms);
  }
  return out;
}

async function measureEntry(entry: string, options: { root: string; node: string; samples: number }) {
  const dir = await mkdtemp(join(tmpdir(), 'wss-bench-bundle-'));
  try {
    const outfile = join(dir, 'index.mjs');
    const { bytes: bytesAwsSdkExternal } = await bundle(entry, join(dir, 'external', 'index.mjs'), ['@aws-sdk/*'], options.root);
    const { bytes, metafile } = await bundle(entry, outfile, [], options.root);
    const init = importTimes(options.node, outfile, options.samples);
    const unbundled = importTimes(options.node, entry, options.samples);
    return {
      entry: relative(options.root, entry),
      bytes,
      bytesAwsSdkExternal,
      modules: moduleBytes(metafile),
      initMs: { median: median(init), samples: init },
      unbundledImportMs: { median: median(unbundled), samples: unbundled },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function measureBundle(options: { root: string; node: string; samples: number }): Promise<BundleFigures> {
  const handler = join(options.root, 'functions/sync/handler.ts');
  const handlerExists = existsSync(handler);
  let handlerError: string | undefined;
  if (handlerExists) {
    try {
      return { ...(await measureEntry(handler, options)), handlerExists };
    } catch (error) {
      // The handler is being written concurrently; measure the engine rather than report nothing.
      handlerError = (error instanceof Error ? error.message : String(error)).split('\n').slice(0, 4).join(' ');
    }
  }
  const fallback = await measureEntry(join(options.root, 'src/app/run.ts'), options);
  return { ...fallback, handlerExists, ...(handlerError ? { handlerError } : {}) };
}
