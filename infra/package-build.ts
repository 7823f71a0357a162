/**
 * The `prepack` step after `tsc -p tsconfig.build.json`: bundles the sync function into
 * `dist/lambda/sync/index.mjs` (so the construct from the npm package needs no esbuild and no
 * source), and points the emitted `.d.ts` imports at `.js` (tsc keeps the source's `.ts` there).
 */
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { SYNC_FUNCTION_BUNDLING, SYNC_FUNCTION_ENTRY } from './bundling.ts';

const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
// The compiled construct resolves the bundle next to itself: dist/infra/ -> dist/lambda/sync/.
const OUT_DIR = join(DIST, 'lambda', 'sync');

async function bundleSyncFunction(): Promise<void> {
  const b = SYNC_FUNCTION_BUNDLING;
  await rm(OUT_DIR, { recursive: true, force: true });
  await build({
    entryPoints: [SYNC_FUNCTION_ENTRY],
    outfile: join(OUT_DIR, 'index.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: b.target ?? 'node24',
    minify: b.minify ?? false,
    keepNames: b.keepNames ?? false,
    sourcemap: b.sourceMap === true,
    sourcesContent: b.sourcesContent ?? true,
    mainFields: [...(b.mainFields ?? [])],
    banner: { js: b.banner ?? '' },
    external: [...(b.externalModules ?? [])],
    logLevel: 'warning',
  });
}

async function declarationsImportJs(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await declarationsImportJs(path);
    else if (entry.name.endsWith('.d.ts')) {
      const text = await readFile(path, 'utf8');
      const fixed = text.replace(/(['"])(\.{1,2}\/[^'"]+)\.ts\1/gu, '$1$2.js$1');
      if (fixed !== text) await writeFile(path, fixed);
    }
  }
}

await bundleSyncFunction();
await declarationsImportJs(DIST);
process.stdout.write(`prepack: ${OUT_DIR}/index.mjs and .d.ts imports done\n`);
