/**
 * The Lambda bundle carries no runtime code of @kubernetes/client-node (its config loader alone pulls
 * in undici, the generated model, socks and js-yaml: about 1.3 MB): the function reaches the apiserver
 * through src/kube/https-gateway.ts and reads kubeconfigs with src/kube/kubeconfig.ts.
 */
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { SYNC_FUNCTION_BUNDLING, SYNC_FUNCTION_ENTRY } from '../../../infra/bundling.ts';

describe('sync function bundle', () => {
  it('contains no module of @kubernetes/client-node, but does contain the HTTPS gateway and kubeconfig reader', async () => {
    // Prepare: the options CDK bundles the function with (infra/bundling.ts), kept in memory.
    const b = SYNC_FUNCTION_BUNDLING;
    // Act
    const result = await build({
      entryPoints: [SYNC_FUNCTION_ENTRY],
      outfile: 'index.mjs',
      write: false,
      metafile: true,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: b.target ?? 'node24',
      minify: b.minify ?? false,
      keepNames: b.keepNames ?? false,
      mainFields: [...(b.mainFields ?? [])],
      banner: { js: b.banner ?? '' },
      external: [...(b.externalModules ?? [])],
      logLevel: 'silent',
    });
    // Assess
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((path) => path.includes('node_modules/@kubernetes/client-node/'))).toEqual([]);
    expect(inputs.some((path) => path.endsWith('src/kube/https-gateway.ts'))).toBe(true);
    expect(inputs.some((path) => path.endsWith('src/kube/kubeconfig.ts'))).toBe(true);
  });
});
