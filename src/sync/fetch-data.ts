/**
 * The provider half of a sync: every dataFrom entry (in order), then every data entry (in order),
 * merged as ESO does (later keys win, data[] over dataFrom). Entries run concurrently; identical
 * requests are shared by the provider's request cache.
 */
import { findStore } from '../config/resolve.ts';
import type { ExternalSecretDef, StoreDef } from '../config/types.ts';
import type { StoreRef } from '../model/manifests.ts';
import { ProviderSecretNotFoundError } from '../providers/errors.ts';
import type { SecretsClient } from '../providers/secrets-client.ts';
import { SyncError } from './errors.ts';
import { convertKeys, decodeValue, rewriteKeys, RewriteError, validateKeys } from './keys.ts';

export interface FetchDeps {
  readonly stores: readonly StoreDef[];
  readonly clientFor: (store: StoreDef) => SecretsClient;
}

export type FetchedData =
  | { readonly kind: 'data'; readonly data: Record<string, Buffer>; readonly missing: readonly string[] }
  /** deletionPolicy=Delete and the provider has none of it. */
  | { readonly kind: 'gone'; readonly missing: readonly string[] }
  /** The provider answered, with nothing in it, and deletionPolicy keeps the Secret as it is. */
  | { readonly kind: 'retained'; readonly missing: readonly string[] };

type Part = { readonly values: Record<string, Buffer> } | { readonly missing: string };

/** @throws {SyncError} naming the entry (`spec.data[1] (key: password): …`) */
export async function fetchData(es: ExternalSecretDef, deps: FetchDeps): Promise<FetchedData> {
  const policy = es.spec.target.deletionPolicy;
  const clientOf = (ref: StoreRef | undefined, where: string): SecretsClient => {
    const found = findStore(deps.stores, ref ?? { name: '', kind: 'SecretStore' }, es.namespace);
    if ('error' in found) throw new SyncError(`${where}: ${found.error}`);
    return deps.clientFor(found.store);
  };
  const onMissing = (e: unknown, where: string): Part => {
    if (e instanceof ProviderSecretNotFoundError && policy !== 'Retain') return { missing: where };
    throw e;
  };
  const wrap = async (where: string, run: () => Promise<Part>): Promise<Part> => {
    try {
      return await run();
    } catch (e) {
      if (e instanceof SyncError) throw e;
      throw new SyncError(`${where}: ${(e as Error).message}`, { cause: e });
    }
  };

  const fromTasks = (es.spec.dataFrom ?? []).map((d, i) => {
    const where = `spec.dataFrom[${String(i)}].extract`;
    return wrap(where, async () => {
      const ref = d.extract;
      if (!ref) throw new Error('only extract is supported by the webhook provider');
      const client = clientOf(d.sourceRef?.storeRef ?? es.spec.secretStoreRef, where);
      try {
        let map = await client.getSecretMap(ref, es.namespace);
        try {
          map = d.rewrite?.length ? rewriteKeys(map, d.rewrite) : convertKeys(map, ref.conversionStrategy);
        } catch (e) {
          if (!(e instanceof RewriteError)) throw e;
          throw new SyncError(`spec.dataFrom[${String(i)}].rewrite[${String(e.index)}]: ${e.message}`, { cause: e });
        }
        map = validateKeys(map);
        const values: Record<string, Buffer> = {};
        for (const [k, v] of Object.entries(map)) {
          try {
            values[k] = decodeValue(v, ref.decodingStrategy);
          } catch (e) {
            throw new Error(`failure decoding key ${JSON.stringify(k)}: ${(e as Error).message}`, { cause: e });
          }
        }
        return { values };
      } catch (e) {
        return onMissing(e, where);
      }
    });
  });
  const dataTasks = (es.spec.data ?? []).map((d, i) => {
    const where = `spec.data[${String(i)}] (key: ${d.remoteRef.key})`;
    return wrap(where, async () => {
      const client = clientOf(d.sourceRef?.storeRef ?? es.spec.secretStoreRef, where);
      try {
        const value = decodeValue(await client.getSecret(d.remoteRef, es.namespace), d.remoteRef.decodingStrategy);
        if (d.remoteRef.nullBytePolicy === 'Fail' && value.includes(0)) throw new Error('the value contains a NUL byte and nullBytePolicy is Fail');
        return { values: { [d.secretKey]: value } };
      } catch (e) {
        return onMissing(e, where);
      }
    });
  });
  const settled = await Promise.allSettled([...fromTasks, ...dataTasks]);
  const firstFailure = settled.find((s) => s.status === 'rejected');
  if (firstFailure) throw firstFailure.reason;
  const data: Record<string, Buffer> = {};
  const missing: string[] = [];
  for (const s of settled) {
    const part = (s as PromiseFulfilledResult<Part>).value;
    if ('missing' in part) missing.push(part.missing);
    else Object.assign(data, part.values);
  }
  // ESO's reconcile (`len(dataMap) == 0`): Delete deletes the Secret, Retain keeps it as it is, and
  // Merge goes on to write: the keys this ExternalSecret wrote are removed, the Secret stays.
  if (Object.keys(data).length === 0 && policy !== 'Merge') return policy === 'Delete' ? { kind: 'gone', missing } : { kind: 'retained', missing };
  return { kind: 'data', data, missing };
}
