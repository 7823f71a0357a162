/**
 * JSON requests to one apiserver: HTTP/2 on one TLS connection when the server offers it (every
 * apiserver does; h2-connection.ts), else node:https with a keep-alive Agent of 4 sockets. The whole
 * HTTP stack the gateway needs (no undici, no generated client). Maps every failure to the gateway's
 * errors, whose messages never carry a header or a request body.
 */
import http, { type ClientRequestArgs, type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import type { ClusterAccess } from './cluster-access.ts';
import { H2Connection, wasUnsent } from './h2-connection.ts';
import { KubeApiError, KubeCallAbortedError, KubeUnreachableError } from './gateway.ts';

export interface KubeRequest {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** API path without the server's prefix, e.g. `/api/v1/namespaces/a/secrets`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | undefined>>;
  /** Sent as JSON. */
  readonly body?: unknown;
  /** Default `application/json`; patches name their strategy here. */
  readonly contentType?: string;
  /** Default `application/json`. */
  readonly accept?: string;
}

export interface KubeResponse<T> {
  readonly status: number;
  readonly body: T;
}

export interface KubeTransportOptions {
  readonly access: ClusterAccess;
  /** HTTP/1.1 connections kept to an apiserver that does not speak HTTP/2 (default 4). */
  readonly connections?: number | undefined;
  /** Called for every connection opened (TLS handshake done); benchmarks and tests count them. */
  readonly onConnect?: (() => void) | undefined;
  /** An agent to use instead of our own (a proxy agent for kubeconfig `proxy-url`); closed with us. */
  readonly agent?: http.Agent | undefined;
}

/** Idle connections are closed by us before the apiserver's own idle timeout can race a reuse. */
const IDLE_MS = 30_000;

/**
 * @example
 * ```ts
 * const t = new KubeTransport({ access: { server: 'https://127.0.0.1:6443', ca } });
 * const { body } = await t.send('get Secret a/b', { method: 'GET', path: '/api/v1/namespaces/a/secrets/b' });
 * ```
 */
export class KubeTransport {
  readonly #access: ClusterAccess;
  readonly #agent: http.Agent;
  readonly #base: URL;
  readonly #prefix: string;
  readonly #secure: boolean;
  /** HTTP/2 to an https server we connect to ourselves (not through a proxy agent). */
  readonly #h2: H2Connection | undefined;

  constructor(o: KubeTransportOptions) {
    this.#access = o.access;
    this.#base = new URL(o.access.server);
    this.#secure = this.#base.protocol === 'https:';
    this.#prefix = this.#base.pathname.replace(/\/+$/u, '');
    this.#agent = o.agent ?? keepAliveAgent(this.#secure, o.connections ?? 4, o.onConnect);
    this.#h2 = this.#secure && !o.agent ? new H2Connection({ url: this.#base, tls: this.#tls(), onConnect: o.onConnect, idleMs: IDLE_MS }) : undefined;
  }

  /** One request; 2xx answers are parsed JSON, anything else a KubeApiError, KubeUnreachableError or KubeCallAbortedError. */
  async send<T>(what: string, req: KubeRequest, signal?: AbortSignal): Promise<KubeResponse<T>> {
    // Checked first: after the run's deadline (or the invocation's end) no call leaves, writes included.
    if (signal?.aborted) throw notSent(what);
    let auth: Readonly<Record<string, string>>;
    try {
      auth = (await this.#access.headers?.()) ?? {};
    } catch (e) {
      throw new KubeUnreachableError(`${what}: no credentials for the apiserver (${(e as Error).message})`, { cause: e });
    }
    if (signal?.aborted) throw notSent(what);
    const url = new URL(this.#prefix + req.path, this.#base);
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    const payload = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body));
    const headers: Record<string, string> = {
      Accept: req.accept ?? 'application/json',
      'User-Agent': 'webhook-secret-sync',
      ...auth,
      ...(payload ? { 'Content-Type': req.contentType ?? 'application/json', 'Content-Length': String(payload.length) } : {}),
    };
    let answer: { status: number; body: Buffer; headers: IncomingHttpHeaders };
    try {
      answer = await this.#exchange(url, req.method, headers, payload, signal);
    } catch (e) {
      if (signal?.aborted) throw new KubeCallAbortedError(`${what}: cut: the run was stopped (time budget)`, { cause: e });
      const code = (e as { code?: unknown }).code;
      throw new KubeUnreachableError(`${what}: apiserver unreachable (${typeof code === 'string' ? code : (e as Error).message})`, { cause: e });
    }
    if (answer.status < 200 || answer.status > 299) throw apiError(what, answer.status, answer.body);
    try {
      return { status: answer.status, body: (answer.body.length ? JSON.parse(answer.body.toString('utf8')) : {}) as T };
    } catch (e) {
      throw new KubeUnreachableError(`${what}: the apiserver's ${String(answer.status)} answer is not JSON (${answer.headers['content-type'] ?? 'no content type'})`, { cause: e });
    }
  }

  /** Closes every connection (idle ones at once, busy ones are cut). */
  close(): void {
    this.#h2?.close();
    this.#agent.destroy();
  }

  async #exchange(url: URL, method: string, headers: Record<string, string>, payload: Buffer | undefined, signal: AbortSignal | undefined) {
    const h2 = this.#h2;
    const session = h2 ? await untilAborted(h2.session(), signal) : 'h1';
    if (!h2 || session === 'h1') return exchange(this.#secure, url, { method, agent: this.#agent, headers, ...this.#tls() }, payload, signal);
    const h2Headers: Record<string, string> = { ':method': method, ':path': url.pathname + url.search };
    for (const [k, v] of Object.entries(headers)) h2Headers[k.toLowerCase()] = v;
    try {
      return await h2.exchange(session, h2Headers, payload, signal);
    } catch (e) {
      // Never processed by the server (session closing, stream refused): once more, on a new session if need be.
      if (!wasUnsent(e) || signal?.aborted) throw e;
      const again = await untilAborted(h2.session(), signal);
      if (again === 'h1') throw e;
      return h2.exchange(again, h2Headers, payload, signal);
    }
  }

  #tls(): { ca?: Buffer; cert?: Buffer; key?: Buffer; rejectUnauthorized?: boolean; servername?: string } {
    if (!this.#secure) return {};
    const a = this.#access;
    return {
      ...(a.ca ? { ca: a.ca } : {}),
      ...(a.cert ? { cert: a.cert } : {}),
      ...(a.key ? { key: a.key } : {}),
      // Only when asked: otherwise Node's default (and NODE_TLS_REJECT_UNAUTHORIZED) applies, as with client-node.
      ...(a.insecure ? { rejectUnauthorized: false } : {}),
      ...(a.tlsServerName ? { servername: a.tlsServerName } : {}),
    };
  }
}

/** `work`, or a rejection as soon as `signal` fires (a connect in progress is not cut, only no longer waited for). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  return new Promise((resolve, reject) => {
    const onAbort = () => { reject(new Error('aborted')); };
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => { signal.removeEventListener('abort', onAbort); });
  });
}

function notSent(what: string): KubeCallAbortedError {
  return new KubeCallAbortedError(`${what}: not sent: the run was stopped (time budget)`);
}

function keepAliveAgent(secure: boolean, maxSockets: number, onConnect: (() => void) | undefined): http.Agent {
  const options = { keepAlive: true, maxSockets, timeout: IDLE_MS, scheduling: 'lifo' as const };
  const agent = secure ? new https.Agent(options) : new http.Agent(options);
  if (onConnect) {
    const create = agent.createConnection.bind(agent);
    agent.createConnection = (opts: ClientRequestArgs, callback?: (err: Error | null, stream: Duplex) => void) => {
      const socket = create(opts, callback);
      socket?.once(secure ? 'secureConnect' : 'connect', onConnect);
      return socket;
    };
  }
  return agent;
}

/** Sends the request and reads the whole answer; rejects on a network failure, an abort or a cut answer. */
function exchange(
  secure: boolean, url: URL, options: https.RequestOptions, payload: Buffer | undefined, signal: AbortSignal | undefined,
): Promise<{ status: number; body: Buffer; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = (secure ? https : http).request(url, { ...options, ...(signal ? { signal } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), headers: res.headers }); });
      res.on('error', reject);
      res.on('close', () => { if (!res.complete) reject(new Error('connection closed before the answer was complete')); });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** A Kubernetes Status answer as our error: code, reason and message; a 422 quotes the rejected value, which is redacted. */
function apiError(what: string, code: number, body: Buffer): KubeApiError {
  let reason = '';
  let message = '';
  try {
    const status = JSON.parse(body.toString('utf8')) as { reason?: unknown; message?: unknown };
    reason = typeof status.reason === 'string' ? status.reason : '';
    // A 422 quotes the rejected value (a label templated from a secret, say): keep the field, drop the value.
    message = (typeof status.message === 'string' ? status.message : '').replace(/Invalid value: "(?:[^"\\]|\\.)*"/gu, 'Invalid value: <redacted>');
  } catch {
    // 401 has no body
  }
  return new KubeApiError(`${what}: ${String(code)} ${reason || 'Error'}${message ? `: ${message}` : ''}`, code, reason);
}
