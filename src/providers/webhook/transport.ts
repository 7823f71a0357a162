/**
 * The HTTP edge of the webhook provider, on Node's own `node:https`/`node:http` (no HTTP library in
 * the Lambda bundle): one keep-alive Agent per CA (so a run reuses its TLS connections), a
 * concurrency bound per endpoint host, a response size cap, a timeout, and redirects followed only
 * within the same origin (so credentials never travel to another host).
 */
import { createHash } from 'node:crypto';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { Agent as HttpAgent, STATUS_CODES, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { BlockList, isIP } from 'node:net';
import type { Readable } from 'node:stream';
import pLimit, { type LimitFunction } from 'p-limit';
import type { EndpointPolicy } from '../../config/types.ts';
import { formatDuration } from '../../model/duration.ts';
import { RequestDeadline } from './deadline.ts';
import { WebhookError } from './errors.ts';
// The one helper, not the template engine's index: the transport stays a small module of its own.
import { goStringToBytes } from '../../template/go-bytes.ts';

export interface WebhookRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: string | undefined;
  /** PEM bundle to trust instead of the system roots (caBundle / caProvider). */
  readonly caPem: string | undefined;
  readonly timeoutMs: number;
  readonly policy: EndpointPolicy;
}

export interface WebhookResponse {
  readonly status: number;
  readonly statusText: string;
  readonly body: Buffer;
  /** Lowercased names; only the few the client acts on (retry-after). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** What the provider needs from HTTP; the engine is tested with the real one against a local server. */
export interface HttpTransport {
  send(request: WebhookRequest, signal?: AbortSignal): Promise<WebhookResponse>;
}

export interface NodeHttpTransportOptions {
  /** Requests in flight per endpoint host, and sockets per host and CA (default 8). */
  readonly concurrencyPerHost?: number;
  readonly maxRedirects?: number;
}

/** An idle keep-alive connection is closed after this long (or sooner, if the server says so). */
const IDLE_MS = 30_000;

/**
 * @example
 * ```ts
 * const http = new NodeHttpTransport({ concurrencyPerHost: 8 });
 * const res = await http.send({ method: 'GET', url, headers: [], body: undefined, caPem, timeoutMs: 30_000, policy });
 * await http.close();
 * ```
 */
export class NodeHttpTransport implements HttpTransport {
  readonly #agents = new Map<string, HttpAgent>();
  readonly #limits = new Map<string, LimitFunction>();
  readonly #inFlight = new Set<Promise<unknown>>();
  readonly #concurrency: number;
  readonly #maxRedirects: number;
  #connections = 0;

  constructor(options: NodeHttpTransportOptions = {}) {
    this.#concurrency = options.concurrencyPerHost ?? 8;
    this.#maxRedirects = options.maxRedirects ?? 5;
  }

  /** TLS/TCP connections opened so far (benchmarks compare it with the concurrency). */
  get connections(): number {
    return this.#connections;
  }

  async send(request: WebhookRequest, signal?: AbortSignal): Promise<WebhookResponse> {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      throw new WebhookError('failed to create request: the rendered url is not a valid absolute URL');
    }
    checkUrl(url, request.policy);
    const limit = this.#limitFor(url.host);
    // As with Go's Client.Timeout, the wait for a connection slot counts against the timeout.
    const deadline = new RequestDeadline(request.timeoutMs);
    const exchange = limit(() => this.#exchange(url, request, deadline, signal));
    this.#inFlight.add(exchange);
    try {
      return await exchange;
    } finally {
      this.#inFlight.delete(exchange);
      deadline.clear();
    }
  }

  async #exchange(first: URL, request: WebhookRequest, deadline: RequestDeadline, signal?: AbortSignal): Promise<WebhookResponse> {
    const combined = signal ? AbortSignal.any([signal, deadline.signal]) : deadline.signal;
    const exceeded = (cause?: unknown) => new WebhookError(`failed to call endpoint: context deadline exceeded (timeout ${formatDuration(request.timeoutMs)})`, { cause });
    const body = request.body === undefined || request.body === '' ? undefined : goStringToBytes(request.body);
    const headers = outgoingHeaders(request.headers, body);
    let url = first;
    try {
      for (let hop = 0; ; hop++) {
        // Like Go, a passed deadline or a cancelled run fails before dialling, never racing the exchange.
        if (deadline.passed) throw exceeded();
        if (signal?.aborted) throw new WebhookError('failed to call endpoint: run cancelled');
        const agent = this.#agentFor(url.protocol, request.caPem, request.policy.allowLinkLocal);
        const res = await this.#roundTrip(url, request.method, headers, body, agent, combined);
        const status = res.statusCode ?? 0;
        const location = res.headers.location;
        if (status >= 300 && status < 400 && status !== 304 && location) {
          // Read (capped) so the connection goes back to the pool for the next hop.
          await readCapped(res, request.policy.maxResponseBytes);
          const next = new URL(location, url);
          if (next.origin !== first.origin) {
            throw new WebhookError(`failed to call endpoint: redirect to another host (${next.host}) refused: credentials are only sent to ${first.host}`);
          }
          if (hop >= this.#maxRedirects) throw new WebhookError(`failed to call endpoint: stopped after ${String(this.#maxRedirects)} redirects`);
          checkUrl(next, request.policy);
          url = next;
          continue;
        }
        const data = await readCapped(res, request.policy.maxResponseBytes);
        // The timeout covers reading the body (Go's Client.Timeout): an answer completed late is late.
        if (deadline.passed) throw exceeded();
        const retryAfter = headerValue(res.headers['retry-after']);
        return { status, statusText: STATUS_CODES[status] ?? '', body: data, headers: retryAfter ? { 'retry-after': retryAfter } : {} };
      }
    } catch (e) {
      if (e instanceof WebhookError) throw e;
      if (deadline.passed) throw exceeded(e);
      if (signal?.aborted) throw new WebhookError('failed to call endpoint: run cancelled', { cause: e });
      throw new WebhookError(`failed to call endpoint: ${describeNetworkError(e)}`, { cause: e });
    }
  }

  /** Sends one request; resolves with the response head (the body is read by the caller). */
  #roundTrip(url: URL, method: string, headers: OutgoingHttpHeaders, body: Buffer | undefined, agent: HttpAgent, signal: AbortSignal): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(url, { method, headers, agent, signal });
      // `on`, not `once`: a socket error after the head must not become an unhandled 'error'.
      req.on('error', reject);
      req.on('response', resolve);
      req.on('socket', (socket) => {
        if (req.reusedSocket) return;
        socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', () => { this.#connections++; });
      });
      req.end(body);
    });
  }

  #agentFor(protocol: string, caPem: string | undefined, allowLinkLocal: boolean): HttpAgent {
    const key = `${protocol}/${caPem ? createHash('sha256').update(caPem).digest('hex') : ''}/${String(allowLinkLocal)}`;
    let agent = this.#agents.get(key);
    if (!agent) {
      const options = {
        keepAlive: true,
        // Sockets per host; with the per-host limit above, a run never opens more than this.
        maxSockets: this.#concurrency,
        // Applies to idle sockets only: the deadline above bounds a request in flight.
        timeout: IDLE_MS,
        // Checked at connect time, on the address actually dialled, so DNS cannot smuggle one in.
        ...(allowLinkLocal ? {} : { lookup: refuseLinkLocal }),
      };
      agent = protocol === 'https:' ? new HttpsAgent({ ...options, ...(caPem ? { ca: caPem } : {}), minVersion: 'TLSv1.2' }) : new HttpAgent(options);
      this.#agents.set(key, agent);
    }
    return agent;
  }

  #limitFor(host: string): LimitFunction {
    let limit = this.#limits.get(host);
    if (!limit) {
      limit = pLimit(this.#concurrency);
      this.#limits.set(host, limit);
    }
    return limit;
  }

  /** Lets the requests in flight finish (each within its deadline), then closes every pooled connection. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.#inFlight]);
    for (const agent of this.#agents.values()) agent.destroy();
    this.#agents.clear();
  }
}

/**
 * The request's headers for Node: repeated names become one list (sent as separate lines, like Go's
 * Header.Add), and a body gets its exact Content-Length, as Go sets it (Node would send a GET's body
 * without one, so the server would not read it).
 */
function outgoingHeaders(list: WebhookRequest['headers'], body: Buffer | undefined): OutgoingHttpHeaders {
  const out: Record<string, string[]> = {};
  const spelling = new Map<string, string>();
  for (const [name, value] of list) {
    const lower = name.toLowerCase();
    if (body && lower === 'content-length') continue;
    const key = spelling.get(lower) ?? name;
    spelling.set(lower, key);
    (out[key] ??= []).push(value);
  }
  const headers: OutgoingHttpHeaders = {};
  for (const [name, values] of Object.entries(out)) headers[name] = values.length === 1 ? values[0] : values;
  if (body) headers['content-length'] = body.byteLength;
  return headers;
}

/**
 * 169.254.0.0/16 (IPv4 link-local: metadata, the ECS and EKS Pod Identity credential agents),
 * fe80::/10, and AWS's IPv6 service range fd00:ec2::/32 (IMDS at ::254, the EKS Pod Identity agent at ::23).
 */
const LINK_LOCAL = new BlockList();
LINK_LOCAL.addSubnet('169.254.0.0', 16, 'ipv4');
LINK_LOCAL.addSubnet('fe80::', 10, 'ipv6');
LINK_LOCAL.addSubnet('fd00:ec2::', 32, 'ipv6');

/** True for link-local and metadata addresses, IPv4-mapped (`::ffff:169.254.169.254`, any spelling) and NAT64 forms included. */
export function isLinkLocal(address: string): boolean {
  const a = address.replace(/^\[|\]$/gu, '');
  const family = isIP(a);
  if (family === 4) return LINK_LOCAL.check(a, 'ipv4');
  if (family !== 6) return false;
  const embedded = embeddedIpv4(a);
  return LINK_LOCAL.check(a, 'ipv6') || (embedded !== undefined && LINK_LOCAL.check(embedded, 'ipv4'));
}

/** The IPv4 address inside an IPv4-mapped (::ffff:0:0/96) or NAT64 (64:ff9b::/96) IPv6 address. */
function embeddedIpv4(v6: string): string | undefined {
  const groups = expandIpv6(v6);
  if (!groups) return undefined;
  const mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  const nat64 = groups[0] === 0x64 && groups[1] === 0xff9b && groups.slice(2, 6).every((g) => g === 0);
  if (!mapped && !nat64) return undefined;
  const [hi = 0, lo = 0] = groups.slice(6);
  return [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff].join('.');
}

function expandIpv6(v6: string): number[] | undefined {
  let text = v6.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/u.exec(text)?.[1];
  if (dotted) {
    const [a = 0, b = 0, c = 0, d = 0] = dotted.split('.').map(Number);
    text = `${text.slice(0, -dotted.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const fill = tail === undefined ? 0 : 8 - h.length - t.length;
  const parts = [...h, ...Array<string>(Math.max(0, fill)).fill('0'), ...t].map((g) => parseInt(g, 16));
  return parts.length === 8 && parts.every((n) => Number.isInteger(n)) ? parts : undefined;
}

function checkUrl(url: URL, policy: EndpointPolicy): void {
  if (url.protocol === 'http:' && !policy.allowHttp) {
    throw new WebhookError('failed to create request: plain http is refused (annotate the store webhook-secret-sync.io/allow-http: "true" to opt in)');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new WebhookError(`failed to create request: unsupported protocol ${url.protocol}`);
  const host = url.hostname.replace(/^\[|\]$/gu, '');
  if (!policy.allowLinkLocal && isIP(host) !== 0 && isLinkLocal(host)) {
    throw new WebhookError(`failed to create request: ${host} is a link-local or metadata address (annotate the store webhook-secret-sync.io/allow-link-local: "true" to opt in)`);
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

function refuseLinkLocal(hostname: string, options: object, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) {
      callback(err, []);
      return;
    }
    const bad = addresses.find((a) => isLinkLocal(a.address));
    if (bad) {
      const e = Object.assign(new Error(`${hostname} resolves to the link-local or metadata address ${bad.address}`), { code: 'ELINKLOCAL' });
      callback(e, []);
      return;
    }
    const all = (options as { all?: boolean }).all === true;
    const first = addresses[0];
    if (all || !first) callback(null, addresses);
    else callback(null, first.address, first.family);
  });
}

async function readCapped(stream: Readable, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = chunk as Buffer;
    size += buf.byteLength;
    if (size > max) {
      stream.destroy();
      throw new WebhookError(`failed to read response: body larger than ${String(max)} bytes (the response size cap)`);
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** Names the transport failure (ECONNREFUSED, a certificate error, ...) without echoing the URL. */
export function describeNetworkError(e: unknown): string {
  let cur: unknown = e;
  for (let depth = 0; depth < 5 && cur; depth++) {
    const c = cur as { code?: string; message?: string; cause?: unknown };
    if (typeof c.code === 'string') {
      const tls = /CERT|SELF_SIGNED|UNABLE_TO|ERR_TLS/u.test(c.code);
      return tls ? `TLS certificate not trusted (${c.code}): set caBundle or caProvider on the store` : `${c.code}${c.message ? ` (${c.message})` : ''}`;
    }
    cur = c.cause;
  }
  return (e as Error).message;
}
