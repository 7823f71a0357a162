/**
 * Bounded retries for transient endpoint failures (429, 500, 502, 503, 504, a reset or refused
 * connection), with exponential backoff and full jitter, honouring Retry-After, and never past the
 * run's deadline. ESO has none: it waits for the controller's requeue.
 */
import { WebhookError } from './errors.ts';
import type { HttpTransport, WebhookRequest, WebhookResponse } from './transport.ts';

export interface RetryOptions {
  /** Retries after the first attempt (default 2). */
  readonly retries?: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Epoch ms after which no retry is started. */
  readonly deadline?: number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly random?: () => number;
}

const RETRY_STATUS = new Set([429, 500, 502, 503, 504]);
const RETRY_CODES = /ECONNRESET|ECONNREFUSED|EPIPE|UND_ERR_SOCKET|ETIMEDOUT|EAI_AGAIN|other side closed/u;

/**
 * @example
 * ```ts
 * const http = new RetryingTransport(new UndiciTransport(), { retries: 2, deadline: Date.now() + 60_000 });
 * ```
 */
export class RetryingTransport implements HttpTransport {
  readonly #inner: HttpTransport;
  readonly #o: Required<Omit<RetryOptions, 'deadline'>> & { deadline: number | undefined };

  constructor(inner: HttpTransport, options: RetryOptions = {}) {
    this.#inner = inner;
    this.#o = {
      retries: options.retries ?? 2,
      baseDelayMs: options.baseDelayMs ?? 250,
      maxDelayMs: options.maxDelayMs ?? 10_000,
      deadline: options.deadline,
      sleep: options.sleep ?? sleep,
      random: options.random ?? Math.random,
    };
  }

  async send(request: WebhookRequest, signal?: AbortSignal): Promise<WebhookResponse> {
    for (let attempt = 0; ; attempt++) {
      let wait: number | undefined;
      let failure: unknown;
      try {
        const res = await this.#inner.send(request, signal);
        if (!RETRY_STATUS.has(res.status) || attempt >= this.#o.retries) return res;
        wait = retryAfterMs(res) ?? this.#backoff(attempt);
        failure = res;
      } catch (e) {
        if (!(e instanceof WebhookError) || !RETRY_CODES.test(e.message) || attempt >= this.#o.retries) throw e;
        wait = this.#backoff(attempt);
        failure = e;
      }
      const deadline = this.#o.deadline;
      if (wait > this.#o.maxDelayMs || (deadline !== undefined && Date.now() + wait >= deadline) || signal?.aborted) {
        if (failure instanceof Error) throw failure;
        return failure as WebhookResponse;
      }
      await this.#o.sleep(wait, signal);
    }
  }

  #backoff(attempt: number): number {
    const ceiling = Math.min(this.#o.maxDelayMs, this.#o.baseDelayMs * 2 ** attempt);
    return Math.round(this.#o.random() * ceiling);
  }
}

/** Retry-After in seconds or as an HTTP date. */
function retryAfterMs(res: WebhookResponse): number | undefined {
  const value = res.headers?.['retry-after'];
  if (!value) return undefined;
  if (/^\d+$/u.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(t);
      resolve();
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
