/**
 * KubeGateway over Node's own HTTP stack (see https-transport.ts): plain JSON against the core/v1
 * REST paths the sync uses. One connection (HTTP/2, or a keep-alive HTTP/1.1 pool) is shared by
 * every call and every `withSignal` view.
 */
import { createHash } from 'node:crypto';
import { MANAGED } from '../model/managed.ts';
import type { ConfigMapObject, SecretObject } from '../providers/references.ts';
import type { ClusterAccess } from './cluster-access.ts';
import {
  KubeApiError,
  type ConfigMapData,
  type ExistingSecret,
  type KubeGateway,
  type SecretApply,
  type SecretEvent,
  type SecretRewrite,
} from './gateway.ts';
import { KubeTransport, type KubeRequest, type KubeTransportOptions } from './https-transport.ts';
import { FIELD_MANAGER, fromSecretJson, STATUS_FIELD_MANAGER, type SecretJson } from './secret-json.ts';

export { FIELD_MANAGER, STATUS_FIELD_MANAGER } from './secret-json.ts';

const CONTENT = { apply: 'application/apply-patch+yaml', merge: 'application/merge-patch+json', json: 'application/json-patch+json' } as const;
const METADATA_LIST = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';

export type HttpsGatewayOptions = KubeTransportOptions & { readonly access: ClusterAccess };

interface ListJson { readonly items: SecretJson[] | null }
interface ConfigMapJson { readonly metadata?: { readonly annotations?: Record<string, string> }; readonly data?: Record<string, string> }
interface EventJson { readonly metadata?: { readonly resourceVersion?: string }; readonly count?: number }

const secrets = (namespace: string) => `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets`;
const secret = (namespace: string, name: string) => `${secrets(namespace)}/${encodeURIComponent(name)}`;
const configMap = (namespace: string, name: string) => `/api/v1/namespaces/${encodeURIComponent(namespace)}/configmaps/${encodeURIComponent(name)}`;
const events = (namespace: string) => `/api/v1/namespaces/${encodeURIComponent(namespace)}/events`;

/**
 * @example
 * ```ts
 * const gateway = new HttpsGateway({ access: { server: 'https://127.0.0.1:6443', ca, headers: async () => ({ Authorization: `Bearer ${token}` }) } });
 * ```
 */
export class HttpsGateway implements KubeGateway {
  readonly #transport: KubeTransport;
  readonly #signal: AbortSignal | undefined;

  constructor(options: HttpsGatewayOptions | { readonly transport: KubeTransport; readonly signal?: AbortSignal }) {
    if ('transport' in options) {
      this.#transport = options.transport;
      this.#signal = options.signal;
    } else {
      this.#transport = new KubeTransport(options);
      this.#signal = undefined;
    }
  }

  /**
   * A view sharing this gateway's connections whose every call is bound to `signal` (a run's):
   * nothing is sent once it fired, and calls in flight are cut (KubeCallAbortedError).
   *
   * @example
   * ```ts
   * const runGateway = gateway.withSignal(AbortSignal.timeout(60_000));
   * ```
   */
  withSignal(signal: AbortSignal): HttpsGateway {
    return new HttpsGateway({ transport: this.#transport, signal });
  }

  async listManagedSecrets(namespace: string): Promise<ExistingSecret[]> {
    const list = await this.#send<ListJson>(`list Secrets in ${namespace}`, { method: 'GET', path: secrets(namespace), query: { labelSelector: `${MANAGED.label}=true` } });
    return (list.items ?? []).map(fromSecretJson);
  }

  /** `labelSelector` narrows the list (Kubernetes selector syntax); omitted: every Secret. */
  async listSecretMetadata(namespace: string, options: { readonly labelSelector?: string } = {}): Promise<ExistingSecret[]> {
    const list = await this.#send<ListJson>(`list Secret metadata in ${namespace}`, {
      method: 'GET', path: secrets(namespace), query: { labelSelector: options.labelSelector }, accept: METADATA_LIST,
    });
    // An empty PartialObjectMetadataList has `items: null`.
    return (list.items ?? []).map((s) => ({ ...fromSecretJson(s), type: '' }));
  }

  async getSecret(namespace: string, name: string): Promise<ExistingSecret | undefined> {
    const s = await this.#sendOrMissing<SecretJson>(`get Secret ${namespace}/${name}`, { method: 'GET', path: secret(namespace, name) });
    return s && fromSecretJson(s);
  }

  async applySecret(s: SecretApply, options: { readonly force: boolean }): Promise<'created' | 'updated'> {
    const body = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: s.name, namespace: s.namespace, labels: { ...s.labels }, annotations: { ...s.annotations }, ...(s.resourceVersion ? { resourceVersion: s.resourceVersion } : {}) },
      ...(s.type ? { type: s.type } : {}),
      ...(s.immutable ? { immutable: true } : {}),
      ...(s.data ? { data: base64(s.data) } : {}),
    };
    const res = await this.#transport.send(`apply Secret ${s.namespace}/${s.name}`, {
      method: 'PATCH', path: secret(s.namespace, s.name), query: { fieldManager: FIELD_MANAGER, force: String(options.force) }, body, contentType: CONTENT.apply,
    }, this.#signal);
    return res.status === 201 ? 'created' : 'updated';
  }

  async deleteSecret(namespace: string, name: string, precondition: { readonly uid: string; readonly resourceVersion: string }): Promise<void> {
    await this.#send(`delete Secret ${namespace}/${name}`, { method: 'DELETE', path: secret(namespace, name), body: { preconditions: { uid: precondition.uid, resourceVersion: precondition.resourceVersion } } });
  }

  async removeSecretKeys(namespace: string, name: string, keys: readonly string[]): Promise<void> {
    await this.#patch(`remove keys from Secret ${namespace}/${name}`, secret(namespace, name), STATUS_FIELD_MANAGER, CONTENT.merge, { data: Object.fromEntries(keys.map((k) => [k, null])) });
  }

  async annotateSecret(namespace: string, name: string, annotations: Readonly<Record<string, string | null>>): Promise<void> {
    await this.#patch(`annotate Secret ${namespace}/${name}`, secret(namespace, name), STATUS_FIELD_MANAGER, CONTENT.merge, { metadata: { annotations } });
  }

  /**
   * Aggregates as client-go's recorder does: one Event per Secret, type, reason and message (a
   * name derived from them), created once, then its count and lastTimestamp patched, so a
   * persistent failure is one Event whose count grows, not one object per run.
   */
  async recordEvent(event: SecretEvent): Promise<void> {
    const now = new Date().toISOString();
    const name = eventName(event);
    const ns = event.namespace;
    try {
      await this.#send(`create Event in ${ns}`, {
        method: 'POST',
        path: events(ns),
        body: {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { name, namespace: ns, annotations: { [MANAGED.externalSecretAnnotation]: event.externalSecret } },
          involvedObject: { apiVersion: 'v1', kind: 'Secret', name: event.secretName, namespace: ns, ...(event.secretUid ? { uid: event.secretUid } : {}) },
          type: event.type,
          reason: event.reason,
          message: event.message,
          source: { component: FIELD_MANAGER },
          reportingComponent: FIELD_MANAGER,
          reportingInstance: FIELD_MANAGER,
          firstTimestamp: now,
          lastTimestamp: now,
          count: 1,
        },
      });
      return;
    } catch (e) {
      if (!(e instanceof KubeApiError && e.code === 409)) throw e;
    }
    // It exists: count it. The resourceVersion makes a concurrent increment a 409, retried once.
    const path = `${events(ns)}/${encodeURIComponent(name)}`;
    for (let attempt = 0; ; attempt++) {
      const current = await this.#send<EventJson>(`get Event ${ns}/${name}`, { method: 'GET', path });
      try {
        await this.#send(`patch Event ${ns}/${name}`, {
          method: 'PATCH', path, contentType: CONTENT.merge,
          body: { metadata: { resourceVersion: current.metadata?.resourceVersion }, count: (current.count ?? 1) + 1, lastTimestamp: now },
        });
        return;
      } catch (e) {
        if (!(e instanceof KubeApiError && e.code === 409) || attempt >= 1) throw e;
      }
    }
  }

  async readConfigMapWithMeta(namespace: string, name: string): Promise<ConfigMapData | undefined> {
    const cm = await this.#sendOrMissing<ConfigMapJson>(`get ConfigMap ${namespace}/${name}`, { method: 'GET', path: configMap(namespace, name) });
    return cm && { data: cm.data ?? {}, annotations: cm.metadata?.annotations ?? {} };
  }

  async applyConfigMap(namespace: string, name: string, content: ConfigMapData): Promise<void> {
    const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, annotations: { ...content.annotations } }, data: { ...content.data } };
    await this.#send(`apply ConfigMap ${namespace}/${name}`, {
      method: 'PATCH', path: configMap(namespace, name), query: { fieldManager: FIELD_MANAGER, force: 'true' }, body, contentType: CONTENT.apply,
    });
  }

  async patchConfigMapData(namespace: string, name: string, data: Readonly<Record<string, string | null>>): Promise<void> {
    try {
      await this.#patch(`patch ConfigMap ${namespace}/${name}`, configMap(namespace, name), STATUS_FIELD_MANAGER, CONTENT.merge, { data });
    } catch (e) {
      if (!(e instanceof KubeApiError && e.code === 404)) throw e;
      // Server-side apply creates it (the patch verb, so RBAC can name it in resourceNames).
      const fresh = Object.fromEntries(Object.entries(data).filter((kv): kv is [string, string] => kv[1] !== null));
      await this.#patch(`apply ConfigMap ${namespace}/${name}`, configMap(namespace, name), STATUS_FIELD_MANAGER, CONTENT.apply,
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: fresh });
    }
  }

  async rewriteSecret(r: SecretRewrite): Promise<void> {
    const set = (path: string, value: unknown) => ({ op: 'add', path, value });
    const body: object[] = [
      { op: 'test', path: '/metadata/resourceVersion', value: r.resourceVersion },
      // `add` replaces an existing member and works when it is absent; an empty owner list is stored as none.
      set('/metadata/ownerReferences', r.ownerReferences),
      set('/metadata/labels', { ...r.labels }),
      set('/metadata/annotations', { ...r.annotations }),
      ...(r.data ? [set('/data', base64(r.data))] : []),
    ];
    await this.#patch(`rewrite Secret ${r.namespace}/${r.name}`, secret(r.namespace, r.name), FIELD_MANAGER, CONTENT.json, body);
  }

  async replaceConfigMapAnnotation(namespace: string, name: string, key: string, expected: string, value: string): Promise<void> {
    const path = `/metadata/annotations/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
    await this.#patch(`annotate ConfigMap ${namespace}/${name}`, configMap(namespace, name), STATUS_FIELD_MANAGER, CONTENT.json,
      [{ op: 'test', path, value: expected }, { op: 'replace', path, value }]);
  }

  async readSecret(namespace: string, name: string): Promise<SecretObject | undefined> {
    const s = await this.getSecret(namespace, name);
    return s ? { labels: s.labels, data: s.data } : undefined;
  }

  async readConfigMap(namespace: string, name: string): Promise<ConfigMapObject | undefined> {
    const cm = await this.readConfigMapWithMeta(namespace, name);
    return cm ? { data: cm.data } : undefined;
  }

  /** Closes the connections of this gateway and of every `withSignal` view of it. */
  close(): Promise<void> {
    this.#transport.close();
    return Promise.resolve();
  }

  async #send<T>(what: string, req: KubeRequest): Promise<T> {
    return (await this.#transport.send<T>(what, req, this.#signal)).body;
  }

  async #sendOrMissing<T>(what: string, req: KubeRequest): Promise<T | undefined> {
    try {
      return await this.#send<T>(what, req);
    } catch (e) {
      if (e instanceof KubeApiError && e.code === 404) return undefined;
      throw e;
    }
  }

  async #patch(what: string, path: string, fieldManager: string, contentType: string, body: unknown): Promise<void> {
    await this.#send(what, { method: 'PATCH', path, query: { fieldManager }, body, contentType });
  }
}

function base64(data: Readonly<Record<string, Buffer>>): Record<string, string> {
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, v.toString('base64')]));
}

/** One Event name per Secret, type, reason and message (client-go's aggregation key, minus the source we always share). */
function eventName(event: SecretEvent): string {
  const key = createHash('sha256').update([event.secretName, event.type, event.reason, event.message].join('\0')).digest('hex').slice(0, 16);
  return `${event.secretName.slice(0, 253 - 17)}.${key}`;
}
