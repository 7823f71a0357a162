// A minimal custom runtime for the Lambda Runtime API (what aws-lambda-ric does, without its native
// build): load `<task root>/<module>.mjs|.js`, then loop next-invocation -> handler -> response|error.
// Used to run the bundled handler under aws-lambda-rie on the project's Node 24.
// https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html
/* global process, fetch */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const api = `http://${process.env.AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime`;
const root = process.env.LAMBDA_TASK_ROOT ?? process.cwd();
const [moduleName, exportName] = (process.env._HANDLER ?? 'index.handler').split('.');

const errorBody = (e) => JSON.stringify({ errorType: e?.name ?? 'Error', errorMessage: e?.message ?? String(e) });
const post = (path, body) => fetch(`${api}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

let handler;
try {
  const file = ['.mjs', '.js'].map((ext) => join(root, moduleName + ext)).find((f) => existsSync(f));
  if (!file) throw new Error(`no ${moduleName}.mjs or ${moduleName}.js in ${root}`);
  handler = (await import(pathToFileURL(file).href))[exportName];
  if (typeof handler !== 'function') throw new Error(`${moduleName}.${exportName} is not a function`);
} catch (e) {
  await post('/init/error', errorBody(e));
  process.exit(1);
}

for (;;) {
  const next = await fetch(`${api}/invocation/next`);
  const id = next.headers.get('lambda-runtime-aws-request-id');
  const deadline = Number(next.headers.get('lambda-runtime-deadline-ms'));
  const event = await next.json();
  const context = {
    awsRequestId: id,
    invokedFunctionArn: next.headers.get('lambda-runtime-invoked-function-arn'),
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => deadline - Date.now(),
  };
  try {
    const result = await handler(event, context);
    await post(`/invocation/${id}/response`, JSON.stringify(result ?? null));
  } catch (e) {
    await post(`/invocation/${id}/error`, errorBody(e));
  }
}
