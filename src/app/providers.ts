/**
 * Composition root for providers: one WebhookProvider per store per run, sharing one request cache
 * (so identical requests across stores and ExternalSecrets are sent once) and one reference reader.
 */
import type { StoreDef } from '../config/types.ts';
import { memoizeReferences, type ReferenceReader } from '../providers/references.ts';
import type { SecretsClient } from '../providers/secrets-client.ts';
import { WebhookProvider } from '../providers/webhook/provider.ts';
import { RequestCache } from '../providers/webhook/request-cache.ts';
import { RetryingTransport, type RetryOptions } from '../providers/webhook/retry.ts';
import type { HttpTransport } from '../providers/webhook/transport.ts';

export interface RunProviders {
  readonly clientFor: (store: StoreDef) => SecretsClient;
  readonly requests: RequestCache;
}

/**
 * @example
 * ```ts
 * const { clientFor, requests } = runProviders({ http, references });
 * ```
 */
export function runProviders(options: { http: HttpTransport; references: ReferenceReader; signal?: AbortSignal; deadline?: number; retry?: RetryOptions }): RunProviders {
  const http = new RetryingTransport(options.http, { ...options.retry, ...(options.deadline !== undefined ? { deadline: options.deadline } : {}) });
  const requests = new RequestCache(http);
  const references = memoizeReferences(options.references);
  const clients = new Map<StoreDef, SecretsClient>();
  return {
    requests,
    clientFor: (store) => {
      let c = clients.get(store);
      if (!c) {
        c = new WebhookProvider({ store, references, requests, ...(options.signal ? { signal: options.signal } : {}) });
        clients.set(store, c);
      }
      return c;
    },
  };
}
