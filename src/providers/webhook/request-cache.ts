/**
 * Identical rendered requests (method, url, headers, body, CA) within one run are sent once and the
 * response is shared; ESO sends one request per data entry. The parsed JSON is shared too.
 */
import { createHash } from 'node:crypto';
import type { HttpTransport, WebhookRequest, WebhookResponse } from './transport.ts';

export interface CachedResponse extends WebhookResponse {
  /** The body parsed as JSON, once; throws the parse error each time it is asked for. */
  json(): unknown;
}

export function requestKey(r: WebhookRequest): string {
  return createHash('sha256')
    .update(JSON.stringify([r.method, r.url, r.headers, r.body ?? null, r.caPem ?? null, r.timeoutMs, r.policy]))
    .digest('hex');
}

/**
 * @example
 * ```ts
 * const cache = new RequestCache(transport);
 * const [a, b] = await Promise.all([cache.send(req), cache.send(req)]); // one HTTP request
 * ```
 */
export class RequestCache {
  readonly #transport: HttpTransport;
  readonly #entries = new Map<string, Promise<CachedResponse>>();
  #sent = 0;

  constructor(transport: HttpTransport) {
    this.#transport = transport;
  }

  /** Number of requests actually sent (after de-duplication). */
  get sent(): number {
    return this.#sent;
  }

  /** Number of distinct requests asked for. */
  get distinct(): number {
    return this.#entries.size;
  }

  send(request: WebhookRequest, signal?: AbortSignal): Promise<CachedResponse> {
    const key = requestKey(request);
    let entry = this.#entries.get(key);
    if (!entry) {
      this.#sent++;
      entry = this.#transport.send(request, signal).then(withJson);
      this.#entries.set(key, entry);
    }
    return entry;
  }
}

function withJson(res: WebhookResponse): CachedResponse {
  let parsed: { ok: true; value: unknown } | { ok: false; error: unknown } | undefined;
  return {
    ...res,
    json() {
      if (!parsed) {
        try {
          parsed = { ok: true, value: JSON.parse(res.body.toString('utf8')) };
        } catch (e) {
          parsed = { ok: false, error: e };
        }
      }
      if (!parsed.ok) throw parsed.error;
      return parsed.value;
    },
  };
}
