/**
 * The sync function's entry and esbuild options, shared by the construct and the Runtime Interface
 * Emulator test so the test runs exactly the bundle CDK deploys.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';

export const SYNC_FUNCTION_ENTRY = fileURLToPath(new URL('../functions/sync/handler.ts', import.meta.url));
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
/**
 * The bundle `npm pack` builds (infra/package-build.ts) into the package: from the compiled construct
 * (dist/infra/) that is dist/lambda/sync/; from a clone's source (infra/) the folder does not exist.
 */
export const PREBUILT_SYNC_FUNCTION_DIR = fileURLToPath(new URL('../lambda/sync/', import.meta.url));

/**
 * Whether the construct runs from the npm package, whose prebuilt bundle it deploys as is (no esbuild,
 * no source files; the asset hash is the bundle's content hash).
 *
 * @example
 * if (hasPrebuiltSyncFunction()) lambda.Code.fromAsset(PREBUILT_SYNC_FUNCTION_DIR);
 */
export function hasPrebuiltSyncFunction(): boolean {
  return existsSync(`${PREBUILT_SYNC_FUNCTION_DIR}index.mjs`);
}
export const LOCK_FILE = fileURLToPath(new URL('../package-lock.json', import.meta.url));

export const SYNC_FUNCTION_BUNDLING: BundlingOptions = {
  format: OutputFormat.ESM,
  target: 'node24',
  minify: true,
  // Error class names (ConfigError, KubeUnreachableError) are part of the result and the logs.
  keepNames: true,
  sourceMap: true,
  sourcesContent: false,
  // Pin the SDK we tested with rather than the runtime's preinstalled copy.
  bundleAwsSDK: true,
  mainFields: ['module', 'main'],
  // Some CommonJS dependencies call require(); ESM output needs one.
  banner: "import { createRequire as __wssCreateRequire } from 'node:module'; const require = __wssCreateRequire(import.meta.url);",
  // Only the optional middy durable-execution peer; nothing else is left out of the bundle.
  externalModules: ['@aws/durable-execution-sdk-js'],
};
