/**
 * One HTTP/2 connection to the apiserver, as undici (which client-node 2 used) negotiates by default:
 * every call of a run is a stream on it, so 16 writes in flight need one TLS connection, not 16
 * sockets. ALPN offers h2 and http/1.1; a server that picks http/1.1 is remembered and the caller
 * uses its keep-alive HTTPS agent instead.
 */
import http2, { type ClientHttp2Session, type ClientHttp2Stream, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http2';
import { isIP } from 'node:net';
import tls from 'node:tls';

const CONNECT_TIMEOUT_MS = 10_000;

export interface H2Options {
  readonly url: URL;
  readonly tls: tls.ConnectionOptions;
  /** Called once per TLS connection that carries HTTP/2. */
  readonly onConnect?: (() => void) | undefined;
  /** An idle session is closed after this long (before the apiserver's own idle timeout). */
  readonly idleMs: number;
}

export interface H2Answer {
  readonly status: number;
  readonly body: Buffer;
  readonly headers: IncomingHttpHeaders;
}

/**
 * @example
 * ```ts
 * const h2 = new H2Connection({ url: new URL(server), tls: { ca }, idleMs: 30_000 });
 * const session = await h2.session(); // 'h1' when the server does not speak HTTP/2
 * ```
 */
export class H2Connection {
  readonly #o: H2Options;
  #session: ClientHttp2Session | undefined;
  #connecting: Promise<ClientHttp2Session | 'h1'> | undefined;
  #h1 = false;
  /** Streams in flight per session: a session is ref'd only while it has some. */
  readonly #active = new WeakMap<ClientHttp2Session, number>();

  constructor(o: H2Options) {
    this.#o = o;
  }

  /** The open session (connecting once for concurrent callers), or 'h1' if the server chose HTTP/1.1. */
  session(): Promise<ClientHttp2Session | 'h1'> {
    if (this.#h1) return Promise.resolve('h1');
    const s = this.#session;
    if (s && !s.closed && !s.destroyed) return Promise.resolve(s);
    this.#connecting ??= this.#connect().finally(() => { this.#connecting = undefined; });
    return this.#connecting;
  }

  /**
   * One request as a stream of `session`; rejects on a reset, a lost connection or `signal`. A
   * request the server never processed (session already gone, stream refused) rejects with
   * `unsent: true`: the caller may send it again on a new session.
   */
  exchange(session: ClientHttp2Session, headers: OutgoingHttpHeaders, payload: Buffer | undefined, signal: AbortSignal | undefined): Promise<H2Answer> {
    return new Promise((resolve, reject) => {
      const active = (this.#active.get(session) ?? 0) + 1;
      this.#active.set(session, active);
      if (active === 1) session.ref();
      let settled = false;
      const settle = (finish: () => void) => {
        if (settled) return;
        settled = true;
        const left = (this.#active.get(session) ?? 1) - 1;
        this.#active.set(session, left);
        // Idle sessions must not keep the process (the CLI) alive.
        if (left === 0 && !session.destroyed) session.unref();
        finish();
      };
      let stream: ClientHttp2Stream;
      try {
        stream = session.request(headers, { endStream: !payload, ...(signal ? { signal } : {}) });
      } catch (e) {
        // The session closed (GOAWAY) between session() and now: nothing was sent.
        settle(() => { reject(Object.assign(e as Error, { unsent: true })); });
        return;
      }
      let answer: IncomingHttpHeaders = {};
      const chunks: Buffer[] = [];
      stream.on('response', (h) => { answer = h; });
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        settle(() => {
          const status = Number(answer[':status']);
          // A stream can end without an answer when the connection goes away under it.
          if (!status) reject(Object.assign(new Error('the stream ended without an answer'), { code: 'ERR_HTTP2_NO_RESPONSE' }));
          else resolve({ status, body: Buffer.concat(chunks), headers: answer });
        });
      });
      stream.on('error', (e: Error) => {
        settle(() => { reject(stream.rstCode === http2.constants.NGHTTP2_REFUSED_STREAM ? Object.assign(e, { unsent: true }) : e); });
      });
      // A stream closed without its end: reset by the server, or the connection was lost.
      stream.on('close', () => { settle(() => { reject(Object.assign(new Error(`stream closed before the answer was complete (${String(stream.rstCode)})`), { code: 'ERR_HTTP2_STREAM_CLOSED' })); }); });
      if (payload) stream.end(payload);
    });
  }

  close(): void {
    this.#session?.destroy();
    this.#session = undefined;
  }

  async #connect(): Promise<ClientHttp2Session | 'h1'> {
    const { url, onConnect, idleMs } = this.#o;
    const host = url.hostname.replace(/^\[|\]$/gu, '');
    const socket = tls.connect({
      ...this.#o.tls,
      host,
      port: Number(url.port || 443),
      ...(this.#o.tls.servername || isIP(host) ? {} : { servername: host }),
      ALPNProtocols: ['h2', 'http/1.1'],
    });
    // As undici's default connect timeout: an address that never answers fails in 10 s, not the OS's minutes.
    socket.setTimeout(CONNECT_TIMEOUT_MS, () => { socket.destroy(Object.assign(new Error('connect timed out'), { code: 'ETIMEDOUT' })); });
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', resolve);
      socket.once('error', (e: Error) => { reject(e); });
    });
    socket.setTimeout(0);
    if (socket.alpnProtocol !== 'h2') {
      socket.destroy();
      this.#h1 = true;
      return 'h1';
    }
    onConnect?.();
    const session = http2.connect(url.origin, { createConnection: () => socket });
    // Errors reach the streams in flight; the next call reconnects.
    session.on('error', () => undefined);
    session.on('close', () => { if (this.#session === session) this.#session = undefined; });
    session.on('goaway', () => { if (this.#session === session) this.#session = undefined; });
    session.setTimeout(idleMs, () => { if (!this.#active.get(session)) session.close(); });
    session.unref();
    this.#session = session;
    return session;
  }
}

/** Whether `error` is a request the server never processed (see `H2Connection.exchange`). */
export function wasUnsent(error: unknown): boolean {
  return (error as { unsent?: unknown } | undefined)?.unsent === true;
}
