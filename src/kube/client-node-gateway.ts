/**
 * KubeGateway over @kubernetes/client-node 2. One undici Agent is shared by every call: client-node
 * 2.0 otherwise builds a new Agent, and so a new TLS connection, for each request.
 */
import {
  ApiException,
  CoreV1Api,
  KubeConfig,
  Observable,
  PatchStrategy,
  type ConfigurationOptions,
  type ObservableMiddleware,
  type RequestContext,
  type ResponseContext,
  type V1ManagedFieldsEntry,
  type V1Secret,
} from '@kubernetes/client-node';
import { createHash } from 'node:crypto';
import type { AgentOptions } from 'node:https';
import { Agent } from 'undici';
import { MANAGED } from '../model/managed.ts';
import type { ConfigMapObject, SecretObject } from '../providers/references.ts';
import {
  KubeApiError,
  KubeCallAbortedError,
  KubeUnreachableError,
  type ConfigMapData,
  type ExistingSecret,
  type KubeGateway,
  type SecretApply,
  type SecretEvent,
  type SecretRewrite,
} from './gateway.ts';

export const FIELD_MANAGER = 'webhook-secret-sync';
/** Status annotations use their own manager, so applying them never drops the data we own. */
export const STATUS_FIELD_MANAGER = 'webhook-secret-sync-status';

export interface ClientNodeGatewayOptions {
  readonly kubeConfig: KubeConfig;
  /** Connections kept to the apiserver (default 4). */
  readonly connections?: number;
  /** Called for every TLS connection opened (benchmarks count them). */
  readonly onConnect?: () => void;
}

/**
 * @example
 * ```ts
 * const kc = new KubeConfig(); kc.loadFromFile(path);
 * const gateway = await ClientNodeGateway.create({ kubeConfig: kc });
 * ```
 */
export class ClientNodeGateway implements KubeGateway {
  readonly #core: CoreV1Api;
  readonly #options: ConfigurationOptions;
  readonly #agent: Agent | undefined;
  readonly #signal: AbortSignal | undefined;

  private constructor(core: CoreV1Api, agent: Agent | undefined, signal?: AbortSignal) {
    this.#core = core;
    this.#agent = agent;
    this.#signal = signal;
    const shared: ObservableMiddleware = {
      pre: (ctx: RequestContext) => {
        if (agent) ctx.setDispatcher(agent);
        // client-node hands the context's signal to fetch, so an aborted run cuts the call in flight.
        if (signal) ctx.setSignal(signal);
        return new Observable(Promise.resolve(ctx));
      },
      post: (res: ResponseContext) => new Observable(Promise.resolve(res)),
    };
    this.#options = { middleware: [shared], middlewareMergeStrategy: 'append' };
  }

  static async create(options: ClientNodeGatewayOptions): Promise<ClientNodeGateway> {
    const kc = options.kubeConfig;
    const tls: AgentOptions & { headers?: unknown } = {};
    await kc.applyToHTTPSOptions(tls);
    const plan = kc.createDispatcherOptions(kc.getCurrentCluster(), {
      ca: tls.ca, cert: tls.cert, key: tls.key, pfx: tls.pfx, passphrase: tls.passphrase,
      ...(tls.rejectUnauthorized !== undefined ? { rejectUnauthorized: tls.rejectUnauthorized } : {}),
      ...(tls.servername !== undefined ? { servername: tls.servername } : {}),
    });
    let agent: Agent | undefined;
    if (plan.type === 'agent') {
      const onConnect = options.onConnect;
      agent = new Agent({
        connect: plan.connect,
        connections: options.connections ?? 4,
        keepAliveTimeout: 30_000,
      });
      if (onConnect) agent.on('connect', () => { onConnect(); });
    }
    return new ClientNodeGateway(kc.makeApiClient(CoreV1Api), agent, undefined);
  }

  /**
   * A view sharing this gateway's connections whose every call is bound to `signal` (a run's).
   *
   * @example
   * ```ts
   * const runGateway = gateway.withSignal(AbortSignal.timeout(60_000));
   * ```
   */
  withSignal(signal: AbortSignal): ClientNodeGateway {
    return new ClientNodeGateway(this.#core, this.#agent, signal);
  }

  async listManagedSecrets(namespace: string): Promise<ExistingSecret[]> {
    const list = await this.#call(`list Secrets in ${namespace}`, () =>
      this.#core.listNamespacedSecret({ namespace, labelSelector: `${MANAGED.label}=true` }, this.#options));
    return list.items.map(toExisting);
  }

  async listSecretMetadata(namespace: string, options: { readonly labelSelector?: string } = {}): Promise<ExistingSecret[]> {
    const list = await this.#call(`list Secret metadata in ${namespace}`, () =>
      this.#core.listNamespacedSecret({ namespace, ...options }, this.#withHeader('Accept', 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1')));
    // An empty PartialObjectMetadataList has `items: null`.
    return (list.items as V1Secret[] | null ?? []).map((s) => ({ ...toExisting(s), type: '' }));
  }

  async getSecret(namespace: string, name: string): Promise<ExistingSecret | undefined> {
    try {
      return toExisting(await this.#call(`get Secret ${namespace}/${name}`, () => this.#core.readNamespacedSecret({ namespace, name }, this.#options)));
    } catch (e) {
      if (e instanceof KubeApiError && e.code === 404) return undefined;
      throw e;
    }
  }

  async applySecret(secret: SecretApply, options: { readonly force: boolean }): Promise<'created' | 'updated'> {
    const body: V1Secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: secret.name, namespace: secret.namespace, labels: { ...secret.labels }, annotations: { ...secret.annotations }, ...(secret.resourceVersion ? { resourceVersion: secret.resourceVersion } : {}) },
      ...(secret.type ? { type: secret.type } : {}),
      ...(secret.immutable ? { immutable: true } : {}),
      ...(secret.data ? { data: Object.fromEntries(Object.entries(secret.data).map(([k, v]) => [k, v.toString('base64')])) } : {}),
    };
    const res = await this.#call(`apply Secret ${secret.namespace}/${secret.name}`, () =>
      this.#core.patchNamespacedSecretWithHttpInfo(
        { name: secret.name, namespace: secret.namespace, body, fieldManager: FIELD_MANAGER, force: options.force },
        this.#withHeader('Content-Type', PatchStrategy.ServerSideApply),
      ));
    return res.httpStatusCode === 201 ? 'created' : 'updated';
  }

  async deleteSecret(namespace: string, name: string, precondition: { uid: string; resourceVersion: string }): Promise<void> {
    await this.#call(`delete Secret ${namespace}/${name}`, () =>
      this.#core.deleteNamespacedSecret({ namespace, name, body: { preconditions: precondition } }, this.#options));
  }

  async removeSecretKeys(namespace: string, name: string, keys: readonly string[]): Promise<void> {
    await this.#call(`remove keys from Secret ${namespace}/${name}`, () =>
      this.#core.patchNamespacedSecret(
        { namespace, name, fieldManager: STATUS_FIELD_MANAGER, body: { data: Object.fromEntries(keys.map((k) => [k, null])) } },
        this.#withHeader('Content-Type', PatchStrategy.MergePatch),
      ));
  }

  async annotateSecret(namespace: string, name: string, annotations: Readonly<Record<string, string | null>>): Promise<void> {
    await this.#call(`annotate Secret ${namespace}/${name}`, () =>
      this.#core.patchNamespacedSecret(
        { namespace, name, fieldManager: STATUS_FIELD_MANAGER, body: { metadata: { annotations } } },
        this.#withHeader('Content-Type', PatchStrategy.MergePatch),
      ));
  }

  /**
   * Aggregates as client-go's recorder does: one Event per Secret, type, reason and message (a
   * name derived from them), created once, then its count and lastTimestamp patched, so a
   * persistent failure is one Event whose count grows, not one object per run.
   */
  async recordEvent(event: SecretEvent): Promise<void> {
    const now = new Date();
    const name = eventName(event);
    try {
      await this.#call(`create Event in ${event.namespace}`, () =>
        this.#core.createNamespacedEvent({
          namespace: event.namespace,
          body: {
            metadata: { name, namespace: event.namespace, annotations: { [MANAGED.externalSecretAnnotation]: event.externalSecret } },
            involvedObject: { apiVersion: 'v1', kind: 'Secret', name: event.secretName, namespace: event.namespace, ...(event.secretUid ? { uid: event.secretUid } : {}) },
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
        }, this.#options));
      return;
    } catch (e) {
      if (!(e instanceof KubeApiError && e.code === 409)) throw e;
    }
    // It exists: count it. The resourceVersion makes a concurrent increment a 409, retried once.
    for (let attempt = 0; ; attempt++) {
      const current = await this.#call(`get Event ${event.namespace}/${name}`, () => this.#core.readNamespacedEvent({ namespace: event.namespace, name }, this.#options));
      try {
        await this.#call(`patch Event ${event.namespace}/${name}`, () =>
          this.#core.patchNamespacedEvent(
            { namespace: event.namespace, name, body: { metadata: { resourceVersion: current.metadata?.resourceVersion }, count: (current.count ?? 1) + 1, lastTimestamp: now.toISOString() } },
            this.#withHeader('Content-Type', PatchStrategy.MergePatch),
          ));
        return;
      } catch (e) {
        if (!(e instanceof KubeApiError && e.code === 409) || attempt >= 1) throw e;
      }
    }
  }

  async readConfigMapWithMeta(namespace: string, name: string): Promise<ConfigMapData | undefined> {
    try {
      const cm = await this.#call(`get ConfigMap ${namespace}/${name}`, () => this.#core.readNamespacedConfigMap({ namespace, name }, this.#options));
      return { data: cm.data ?? {}, annotations: cm.metadata?.annotations ?? {} };
    } catch (e) {
      if (e instanceof KubeApiError && e.code === 404) return undefined;
      throw e;
    }
  }

  async applyConfigMap(namespace: string, name: string, content: ConfigMapData): Promise<void> {
    await this.#call(`apply ConfigMap ${namespace}/${name}`, () =>
      this.#core.patchNamespacedConfigMap(
        {
          namespace, name, fieldManager: FIELD_MANAGER, force: true,
          body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, annotations: { ...content.annotations } }, data: { ...content.data } },
        },
        this.#withHeader('Content-Type', PatchStrategy.ServerSideApply),
      ));
  }

  async patchConfigMapData(namespace: string, name: string, data: Readonly<Record<string, string | null>>): Promise<void> {
    try {
      await this.#call(`patch ConfigMap ${namespace}/${name}`, () =>
        this.#core.patchNamespacedConfigMap(
          { namespace, name, fieldManager: STATUS_FIELD_MANAGER, body: { data } },
          this.#withHeader('Content-Type', PatchStrategy.MergePatch),
        ));
    } catch (e) {
      if (!(e instanceof KubeApiError && e.code === 404)) throw e;
      // Server-side apply creates it (the patch verb, so RBAC can name it in resourceNames).
      const fresh = Object.fromEntries(Object.entries(data).filter((kv): kv is [string, string] => kv[1] !== null));
      await this.#call(`apply ConfigMap ${namespace}/${name}`, () =>
        this.#core.patchNamespacedConfigMap(
          { namespace, name, fieldManager: STATUS_FIELD_MANAGER, body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: fresh } },
          this.#withHeader('Content-Type', PatchStrategy.ServerSideApply),
        ));
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
      ...(r.data ? [set('/data', Object.fromEntries(Object.entries(r.data).map(([k, v]) => [k, v.toString('base64')])))] : []),
    ];
    await this.#call(`rewrite Secret ${r.namespace}/${r.name}`, () =>
      this.#core.patchNamespacedSecret(
        { namespace: r.namespace, name: r.name, fieldManager: FIELD_MANAGER, body },
        this.#withHeader('Content-Type', PatchStrategy.JsonPatch),
      ));
  }

  async replaceConfigMapAnnotation(namespace: string, name: string, key: string, expected: string, value: string): Promise<void> {
    const path = `/metadata/annotations/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
    await this.#call(`annotate ConfigMap ${namespace}/${name}`, () =>
      this.#core.patchNamespacedConfigMap(
        { namespace, name, fieldManager: STATUS_FIELD_MANAGER, body: [{ op: 'test', path, value: expected }, { op: 'replace', path, value }] },
        this.#withHeader('Content-Type', PatchStrategy.JsonPatch),
      ));
  }

  async readSecret(namespace: string, name: string): Promise<SecretObject | undefined> {
    const s = await this.getSecret(namespace, name);
    return s ? { labels: s.labels, data: s.data } : undefined;
  }

  async readConfigMap(namespace: string, name: string): Promise<ConfigMapObject | undefined> {
    const cm = await this.readConfigMapWithMeta(namespace, name);
    return cm ? { data: cm.data } : undefined;
  }

  async close(): Promise<void> {
    await this.#agent?.close();
  }

  #call<T>(what: string, run: () => Promise<T>): Promise<T> {
    return call(what, run, this.#signal);
  }

  #withHeader(name: string, value: string): ConfigurationOptions {
    const header: ObservableMiddleware = {
      pre: (ctx: RequestContext) => {
        ctx.setHeaderParam(name, value);
        return new Observable(Promise.resolve(ctx));
      },
      post: (res: ResponseContext) => new Observable(Promise.resolve(res)),
    };
    return { middleware: [...(this.#options.middleware ?? []), header], middlewareMergeStrategy: 'append' };
  }
}

function toExisting(s: V1Secret): ExistingSecret {
  const data: Record<string, Buffer> = {};
  for (const [k, v] of Object.entries(s.data ?? {})) data[k] = Buffer.from(v, 'base64');
  return {
    name: s.metadata?.name ?? '',
    namespace: s.metadata?.namespace ?? '',
    uid: s.metadata?.uid ?? '',
    resourceVersion: s.metadata?.resourceVersion ?? '',
    type: s.type ?? 'Opaque',
    labels: s.metadata?.labels ?? {},
    annotations: s.metadata?.annotations ?? {},
    data,
    immutable: s.immutable ?? false,
    ...(s.metadata?.ownerReferences?.length
      ? { ownerReferences: s.metadata.ownerReferences.map((o) => ({ apiVersion: o.apiVersion, kind: o.kind, name: o.name, uid: o.uid, ...(o.controller !== undefined ? { controller: o.controller } : {}) })) }
      : {}),
    ...(s.metadata?.managedFields?.length ? { dataFields: dataFieldsOf(s.metadata.managedFields) } : {}),
  };
}

/** Data keys our field managers own, and whether another manager owns any (it wrote data). */
function dataFieldsOf(entries: readonly V1ManagedFieldsEntry[]): { ours: number; others: boolean } {
  const ours = new Set<string>();
  let others = false;
  for (const e of entries) {
    const fields = e.fieldsV1 as Record<string, Record<string, unknown> | undefined> | undefined;
    const keys = [...Object.keys(fields?.['f:data'] ?? {}), ...Object.keys(fields?.['f:stringData'] ?? {})].filter((k) => k.startsWith('f:'));
    if (e.manager === FIELD_MANAGER || e.manager === STATUS_FIELD_MANAGER) for (const k of keys) ours.add(k);
    else if (keys.length > 0) others = true;
  }
  return { ours: ours.size, others };
}

/** Maps client-node failures to our errors; ApiException messages embed headers and bodies, so they are not reused. */
async function call<T>(what: string, run: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  // Checked first: after the run's deadline (or the invocation's end) no call leaves, writes included.
  if (signal?.aborted) throw new KubeCallAbortedError(`${what}: not sent: the run was stopped (time budget)`);
  try {
    return await run();
  } catch (e) {
    if (signal?.aborted) throw new KubeCallAbortedError(`${what}: cut: the run was stopped (time budget)`, { cause: e });
    if (e instanceof ApiException) {
      const code = e.code;
      let reason = '';
      let message = '';
      try {
        const status = JSON.parse(String(e.body)) as { reason?: string; message?: string };
        reason = status.reason ?? '';
        // A 422 quotes the rejected value (a label templated from a secret, say): keep the field, drop the value.
        message = (status.message ?? '').replace(/Invalid value: "(?:[^"\\]|\\.)*"/gu, 'Invalid value: <redacted>');
      } catch {
        // 401 has no body
      }
      throw new KubeApiError(`${what}: ${String(code)} ${reason || 'Error'}${message ? `: ${message}` : ''}`, code, reason, { cause: e });
    }
    const cause = (e as { cause?: { code?: string } }).cause;
    throw new KubeUnreachableError(`${what}: apiserver unreachable (${cause?.code ?? (e as Error).message})`, { cause: e });
  }
}

/** One Event name per Secret, type, reason and message (client-go's aggregation key, minus the source we always share). */
function eventName(event: SecretEvent): string {
  const key = createHash('sha256').update([event.secretName, event.type, event.reason, event.message].join('\0')).digest('hex').slice(0, 16);
  return `${event.secretName.slice(0, 253 - 17)}.${key}`;
}
