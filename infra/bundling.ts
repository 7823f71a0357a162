/**
 * The sync function's entry and esbuild options, shared by the construct and the Runtime Interface
 * Emulator test so the test runs exactly the bundle CDK deploys.
 */
import { fileURLToPath } from 'node:url';
import { OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';

export const SYNC_FUNCTION_ENTRY = fileURLToPath(new URL('../functions/sync/handler.ts', import.meta.url));
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
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
