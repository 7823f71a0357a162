/**
 * ESO's webhook provider (`GetSecret`, `GetSecretMap`), with requests shared within a run.
 * One instance serves one store for one run.
 */
import type { StoreDef } from '../../config/types.ts';
import type { ReferenceReader } from '../references.ts';
import type { RemoteRefInput, SecretsClient } from '../secrets-client.ts';
import { ProviderSecretNotFoundError } from '../errors.ts';
import { WebhookError } from './errors.ts';
import { queryJsonPath } from './jsonpath.ts';
import type { RequestCache } from './request-cache.ts';
import { renderRequest, resolveCa, StoreTemplates, templateData } from './request.ts';
import { firstElement, jsonParseReason, singleValue, toSecretMap } from './values.ts';

export interface WebhookProviderOptions {
  readonly store: StoreDef;
  readonly references: ReferenceReader;
  readonly requests: RequestCache;
  readonly signal?: AbortSignal;
}

/**
 * @example
 * ```ts
 * const provider = new WebhookProvider({ store, references, requests: new RequestCache(http) });
 * const value = await provider.getSecret({ key: 'password' }, 'default');
 * ```
 */
export class WebhookProvider implements SecretsClient {
  readonly #o: WebhookProviderOptions;
  readonly #templates: StoreTemplates;

  constructor(options: WebhookProviderOptions) {
    this.#o = options;
    this.#templates = new StoreTemplates(options.store);
  }

  /** One value (`data[]`). */
  async getSecret(ref: RemoteRefInput, namespace: string): Promise<Buffer> {
    const { response, data } = await this.#call(ref, namespace);
    const pathText = this.#templates.jsonPath ? this.#render(this.#templates.jsonPath, data.raw) : '';
    if (pathText === '') return response.body;
    const value = firstElement(query(this.#jsonOf(response), pathText));
    if (!this.#templates.usesRemoteRef && isPlainObject(value)) {
      // Our rule for stores that never use .remoteRef.key (the brief's seed example): the entry
      // picks its field out of the selected object instead of taking the whole object.
      const field = ref.property || ref.key;
      if (!Object.hasOwn(value, field)) {
        throw new WebhookError(`the object selected by ${pathText} has no field "${field}" (this store's templates do not use .remoteRef.key, so remoteRef.${ref.property ? 'property' : 'key'} names the field to take)`);
      }
      return Buffer.from(singleValue(value[field]));
    }
    return Buffer.from(singleValue(value));
  }

  /** A map of values (`dataFrom[].extract`). */
  async getSecretMap(ref: RemoteRefInput, namespace: string): Promise<Record<string, Buffer>> {
    const data = await templateData(this.#o.store, ref, namespace, this.#o.references);
    let pathText = '';
    if (this.#templates.jsonPath) {
      try {
        pathText = this.#templates.jsonPath.execute(data.raw);
      } catch (e) {
        throw new WebhookError(`cannot get templated json path: ${(e as Error).message}`, { cause: e });
      }
    }
    const { response } = await this.#call(ref, namespace, data);
    let value = this.#jsonOf(response);
    if (pathText !== '') value = query(value, pathText);
    const map = toSecretMap(value);
    return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, Buffer.from(v)]));
  }

  async #call(ref: RemoteRefInput, namespace: string, given?: Awaited<ReturnType<typeof templateData>>) {
    const data = given ?? (await templateData(this.#o.store, ref, namespace, this.#o.references));
    const ca = await resolveCa(this.#o.store, namespace, this.#o.references);
    const request = renderRequest(this.#o.store, this.#templates, data, ca);
    const response = await this.#o.requests.send(request, this.#o.signal);
    if (response.status === 404) throw new ProviderSecretNotFoundError();
    if (response.status === 304) throw new WebhookError('not modified');
    if (response.status < 200 || response.status >= 300) {
      throw new WebhookError(`endpoint gave error ${String(response.status)} ${response.statusText}`.trimEnd());
    }
    return { response, data };
  }

  #render(t: NonNullable<StoreTemplates['jsonPath']>, data: Record<string, Record<string, string>>): string {
    try {
      return t.execute(data);
    } catch (e) {
      throw new WebhookError(`cannot get templated json path: ${(e as Error).message}`, { cause: e });
    }
  }

  #jsonOf(response: { json(): unknown }): unknown {
    try {
      return response.json();
    } catch (e) {
      // The parser's message may quote the body; name only the problem.
      throw new WebhookError(`failed to parse response json: ${jsonParseReason(e)}`);
    }
  }
}

function query(json: unknown, path: string): unknown {
  try {
    return queryJsonPath(json, path);
  } catch (e) {
    throw new WebhookError(`failed to get response path ${path}: ${(e as Error).message}`, { cause: e });
  }
}


function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

