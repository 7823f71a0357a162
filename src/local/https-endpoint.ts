import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { generateTestCa, type TestCa } from './test-ca.ts';

/** What the endpoint answers; every field optional (default: 200 with an empty body). */
export interface EndpointResponse {
  status?: number;
  /** A string is sent as is; anything else as JSON with `content-type: application/json`. */
  body?: string | object;
  headers?: Record<string, string>;
  /** Wait this long before answering (for timeout tests). */
  delayMs?: number;
  /** Reset the connection instead of answering (after `delayMs`). */
  destroy?: boolean;
}

/** One request as the endpoint received it. */
export interface RecordedRequest {
  method: string;
  /** Path including the query string, e.g. `/secrets/db?version=2`. */
  path: string;
  /** Header names lowercased; repeated headers joined with `, `. */
  headers: Record<string, string>;
  body: string;
  /** The body's exact bytes (`body` is its UTF-8 reading). */
  bodyBytes: Buffer;
  time: Date;
}

/** A path (matched against the path without query, or the full path when it contains `?`) or a predicate. */
export type RequestMatcher = string | ((request: RecordedRequest) => boolean);
export type RouteResponse =
  | EndpointResponse
  | ((request: RecordedRequest) => EndpointResponse | Promise<EndpointResponse>);

export interface RouteDefinition {
  /** HTTP method, or `*` for any. */
  method: string;
  path: RequestMatcher;
  response: RouteResponse;
}

export interface StartHttpsEndpointOptions {
  routes?: RouteDefinition[];
  /** Serve with this CA/leaf instead of generating a new one. */
  ca?: TestCa;
}

export interface HttpsEndpoint {
  /** `https://127.0.0.1:<port>` (no trailing slash). */
  readonly url: string;
  /** PEM of the CA that signed the serving certificate. */
  readonly caPem: string;
  /** Every request received since start or the last `reset()`, oldest first. */
  readonly requests: RecordedRequest[];
  /** TLS connections accepted since start or the last `reset()` (to measure connection reuse). */
  readonly connections: number;
  /** Adds a route; the most recently added matching route wins. Returns the endpoint for chaining. */
  on(method: string, path: RequestMatcher, response: RouteResponse): HttpsEndpoint;
  /** Forgets all routes, recorded requests and the connection count. */
  reset(): void;
  close(): Promise<void>;
}

const NOT_FOUND: EndpointResponse = { status: 404, body: { error: 'no route' } };

function matches(route: RouteDefinition, request: RecordedRequest): boolean {
  if (route.method !== '*' && route.method.toUpperCase() !== request.method) return false;
  if (typeof route.path === 'function') return route.path(request);
  const candidate = route.path.includes('?') ? request.path : request.path.split('?')[0];
  return candidate === route.path;
}

function lowercaseHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, response: EndpointResponse): void {
  const headers: Record<string, string> = { ...response.headers };
  let body = '';
  if (typeof response.body === 'string') body = response.body;
  else if (response.body !== undefined) {
    body = JSON.stringify(response.body);
    const hasType = Object.keys(headers).some((name) => name.toLowerCase() === 'content-type');
    if (!hasType) headers['content-type'] = 'application/json';
  }
  res.writeHead(response.status ?? 200, headers);
  res.end(body);
}

/**
 * Starts a real HTTPS server on 127.0.0.1 (free port) with a freshly generated CA, answering
 * programmable responses and recording every request. Unmatched requests get a 404.
 *
 * @example
 * ```ts
 * const endpoint = await startHttpsEndpoint();
 * endpoint.on('GET', '/secrets/db', { body: { password: 's3cr3t' } });
 * const agent = new Agent({ connect: { ca: endpoint.caPem } }); // from 'undici'
 * await fetch(`${endpoint.url}/secrets/db`, { dispatcher: agent });
 * await endpoint.close();
 * ```
 */
export async function startHttpsEndpoint(options: StartHttpsEndpointOptions = {}): Promise<HttpsEndpoint> {
  const ca = options.ca ?? (await generateTestCa());
  let routes: RouteDefinition[] = [...(options.routes ?? [])];
  const requests: RecordedRequest[] = [];
  let connections = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const bodyBytes = await readBody(req);
    const request: RecordedRequest = {
      method: (req.method ?? 'GET').toUpperCase(),
      path: req.url ?? '/',
      headers: lowercaseHeaders(req),
      body: bodyBytes.toString('utf8'),
      bodyBytes,
      time: new Date(),
    };
    requests.push(request);
    const route = routes.findLast((candidate) => matches(candidate, request));
    const response = route
      ? typeof route.response === 'function'
        ? await route.response(request)
        : route.response
      : NOT_FOUND;
    if (response.delayMs) await sleep(response.delayMs);
    if (response.destroy) {
      req.socket.destroy();
      return;
    }
    if (!res.destroyed) send(res, response);
  };

  const server = https.createServer({ cert: ca.certPem, key: ca.keyPem, keepAliveTimeout: 30_000 }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      // A throwing response function is a test bug: answer 500 so the test sees it rather than hanging.
      if (!res.headersSent) send(res, { status: 500, body: { error: String(error) } });
      else res.destroy();
    });
  });
  server.on('secureConnection', () => {
    connections += 1;
  });
  // A client that refuses our certificate makes the handshake fail; that is expected, not a crash.
  server.on('tlsClientError', () => {});

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  const endpoint: HttpsEndpoint = {
    url: `https://127.0.0.1:${port}`,
    caPem: ca.caPem,
    requests,
    get connections() {
      return connections;
    },
    on(method, path, response) {
      routes.push({ method, path, response });
      return endpoint;
    },
    reset() {
      routes = [];
      requests.length = 0;
      connections = 0;
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      });
    },
  };
  return endpoint;
}
