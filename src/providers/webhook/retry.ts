/**
 * Bounded retries for transient endpoint failures, with exponential backoff and full jitter,
 * honouring Retry-After, and never past the run's deadline. ESO has none: it waits for the
 * controller's requeue. `GET` and `HEAD` are retried on 429, 500, 502, 503, 504 and a reset or
 * refused connection. Any other method (a `POST` token endpoint, say) may have been processed when
 * a 500 or a reset comes back, so it is retried only when the request surely was not: the
 * connection was refused (or the name did not resolve) before anything was sent, or the server
 * said 429 or 503, which mean "not processed, try later".
 */
import { ProviderTimeBudgetError } from '../errors.ts';
import { WebhookError } from './errors.ts';
import type { HttpTransport, WebhookRequest, WebhookResponse } from './transport.ts';

export interface RetryOptions {
  /** Retries after the first attempt (default 2). */
  readonly retries?: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /**
   * The run's deadline (epoch ms): no attempt or retry starts after it, and each attempt's timeout is
   * capped at the time left, so a hung endpoint never holds the run past it.
   */
  readonly deadline?: number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly random?: () => number;
}

const IDEMPOTENT = new Set(['GET', 'HEAD']);
const RETRY_STATUS = new Set([429, 500, 502, 503, 504]);
// Node's network error codes (the transport is node:https; undici's UND_ERR_SOCKET and "other side closed" no longer occur).
const RETRY_CODES = /ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|EAI_AGAIN/u;
/** Retry-safe for any method: the server did not process the request. */
const UNPROCESSED_STATUS = new Set([429, 503]);
/** Retry-safe for any method: nothing was sent (no connection, no address). */
const UNSENT_CODES = /ECONNREFUSED|EAI_AGAIN/u;

/** Whether a failed attempt may be sent again: see the file comment. */
function retryable(method: string, failure: WebhookResponse | Error): boolean {
  const safe = IDEMPOTENT.has(method.toUpperCase());
  if (failure instanceof Error) return failure instanceof WebhookError && (safe ? RETRY_CODES : UNSENT_CODES).test(failure.message);
  return (safe ? RETRY_STATUS : UNPROCESSED_STATUS).has(failure.status);
}

/**
 * @example
 * ```ts
 * const http = new RetryingTransport(new NodeHttpTransport(), { retries: 2, deadline: Date.now() + 60_000 });
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
      const attemptRequest = this.#capped(request);
      try {
        const res = await this.#inner.send(attemptRequest, signal);
        if (!retryable(request.method, res) || attempt >= this.#o.retries) return res;
        wait = retryAfterMs(res) ?? this.#backoff(attempt);
        failure = res;
      } catch (e) {
        // Cut by the run's deadline (its cap or its abort signal), not by the store's own timeout.
        if (this.#budgetSpent(attemptRequest !== request, e, signal)) throw new ProviderTimeBudgetError(undefined, { cause: e });
        if (!(e instanceof Error) || !retryable(request.method, e) || attempt >= this.#o.retries) throw e;
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

  /** The request with its timeout capped at the time left before the run's deadline. */
  #capped(request: WebhookRequest): WebhookRequest {
    const deadline = this.#o.deadline;
    if (deadline === undefined) return request;
    const left = deadline - Date.now();
    if (left <= 0) throw new ProviderTimeBudgetError("not sent: the run's time budget is spent");
    return left < request.timeoutMs ? { ...request, timeoutMs: left } : request;
  }

  /** A capped attempt that timed out was cut by the cap (the store's own timeout is longer). */
  #budgetSpent(capped: boolean, e: unknown, signal: AbortSignal | undefined): boolean {
    const timedOut = e instanceof WebhookError && e.message.includes('context deadline exceeded');
    return (capped && (timedOut || Date.now() >= (this.#o.deadline ?? Infinity))) || signal?.aborted === true;
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
