/**
 * The Lambda bundle stays lean on the endpoint and schema side: bundled as the Lambda is (esbuild),
 * the webhook provider pulls in no undici (it runs on node:https), and the schemas pull in only
 * zod/mini (no classic zod with its locales and JSON-schema code). A stray `import ... from 'undici'`
 * or `from 'zod'` in these modules fails here, long before anyone measures the bundle.
 */
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** Every input file of the bundle of `entries`, repository-relative. */
async function bundledInputs(entries: string[]): Promise<string[]> {
  const { metafile } = await build({
    entryPoints: entries, absWorkingDir: ROOT, bundle: true, platform: 'node', target: 'node24', format: 'esm',
    write: false, outdir: 'out', metafile: true, logLevel: 'silent',
  });
  return Object.keys(metafile.inputs);
}

describe('lean imports of the endpoint and schema side', () => {
  it('bundles the webhook provider, its transport and retries without undici', async () => {
    // Act
    const inputs = await bundledInputs(['src/app/providers.ts', 'src/providers/webhook/transport.ts', 'src/providers/webhook/retry.ts']);
    // Assess
    expect(inputs.some((f) => f.endsWith('src/providers/webhook/transport.ts'))).toBe(true);
    expect(inputs.filter((f) => f.includes('node_modules/undici/'))).toEqual([]);
  });

  it('bundles the manifest schemas, the config loader and the function settings and event with zod/mini only', async () => {
    const inputs = await bundledInputs(['src/config/load.ts', 'functions/sync/settings.ts', 'functions/sync/event.ts']);
    const zod = inputs.filter((f) => f.includes('node_modules/zod/'));
    expect(zod.some((f) => f.includes('/zod/v4/mini/'))).toBe(true);
    expect(zod.filter((f) => f.includes('/zod/v4/classic/'))).toEqual([]);
  });
});
