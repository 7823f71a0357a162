/**
 * Renders a store's templates into a request, exactly as ESO's webhook provider does: url, body,
 * header values and result.jsonPath are Go templates over `.remoteRef.*` and `.<secrets[i].name>.*`;
 * only remoteRef values inside the url are query-escaped.
 */
import type { StoreDef } from '../../config/types.ts';
import type { ReferenceReader } from '../references.ts';
import { WebhookError } from './errors.ts';
import { goStringFromBytes, parseTemplate, type CompiledTemplate } from '../../template/index.ts';
import type { WebhookRequest } from './transport.ts';

/** The remoteRef fields a read exposes to templates. */
export interface RemoteRefData {
  readonly key: string;
  readonly property?: string | undefined;
  readonly version?: string | undefined;
}

export type TemplateData = Record<string, Record<string, string>>;

/** ESO's default when the store sets no timeout is "none"; we never wait forever. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/** Go `url.QueryEscape`: space becomes `+`, only `A-Za-z0-9-_.~` stay as they are. */
export function queryEscape(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()*]/gu, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/gu, '+');
}

/** The compiled templates of one store, parsed once per run. */
export class StoreTemplates {
  readonly url: CompiledTemplate;
  readonly body: CompiledTemplate | undefined;
  readonly headers: readonly (readonly [string, CompiledTemplate])[];
  readonly jsonPath: CompiledTemplate | undefined;
  /** True when a template uses `.remoteRef.key` or `.remoteRef.property` (see README: the seed rule). */
  readonly usesRemoteRef: boolean;

  constructor(store: StoreDef) {
    const w = store.webhook;
    this.url = parseTemplate(w.url);
    this.body = w.body ? parseTemplate(w.body) : undefined;
    this.headers = (w.headers ?? []).map(([k, v]) => [k, parseTemplate(v)] as const);
    this.jsonPath = w.result?.jsonPath ? parseTemplate(w.result.jsonPath) : undefined;
    const all = [this.url, this.body, this.jsonPath, ...this.headers.map(([, t]) => t)];
    this.usesRemoteRef = all.some(
      (t) => t !== undefined && [...t.references].some((r) => /^remoteRef(\.(key|property))?$/u.test(r)),
    );
  }
}

/** Builds the template data: `.remoteRef` plus every labelled Secret of `secrets[]`. */
export async function templateData(
  store: StoreDef,
  ref: RemoteRefData,
  namespace: string,
  references: ReferenceReader,
): Promise<{ raw: TemplateData; escaped: TemplateData }> {
  const remote = { key: ref.key, version: ref.version ?? '', property: ref.property ?? '', namespace };
  const raw: TemplateData = { remoteRef: remote };
  const escaped: TemplateData = {
    remoteRef: { key: queryEscape(remote.key), version: queryEscape(remote.version), property: queryEscape(remote.property), namespace },
  };
  for (const s of store.webhook.secrets ?? []) {
    const ns = store.kind === 'ClusterSecretStore' ? (s.secretRef.namespace ?? '') : namespace;
    const obj = await references.readSecret(ns, s.secretRef.name);
    if (!obj) throw new WebhookError(`cannot get template data: failed to get store secret ${ns}/${s.secretRef.name} (secrets[${s.name}]): not found`);
    if (obj.labels['external-secrets.io/type'] !== 'webhook') {
      throw new WebhookError(`cannot get template data: secret ${ns}/${s.secretRef.name} does not contain needed label 'external-secrets.io/type: webhook'. Update secret label to use it with webhook`);
    }
    const values: Record<string, string> = {};
    // Go strings are bytes: a binary value reaches the body template unchanged.
    for (const [k, v] of Object.entries(obj.data)) values[k] = goStringFromBytes(v);
    raw[s.name] = values;
    escaped[s.name] = values; // ESO never escapes secrets[] values, even in the url
  }
  return { raw, escaped };
}

/** Resolves caBundle (PEM, or base64 of PEM) or caProvider into a PEM bundle. */
export async function resolveCa(store: StoreDef, namespace: string, references: ReferenceReader): Promise<string | undefined> {
  const w = store.webhook;
  if (w.caBundle) {
    const text = w.caBundle.includes('BEGIN CERTIFICATE') ? w.caBundle : Buffer.from(w.caBundle, 'base64').toString('utf8');
    if (!text.includes('BEGIN CERTIFICATE')) throw new WebhookError('failed to decode ca bundle: expected PEM certificates (optionally base64-encoded)');
    return text;
  }
  const p = w.caProvider;
  if (!p) return undefined;
  const ns = store.kind === 'ClusterSecretStore' ? (p.namespace ?? '') : namespace;
  let pem: string | undefined;
  if (p.type === 'Secret') {
    pem = (await references.readSecret(ns, p.name))?.data[p.key]?.toString('utf8');
  } else {
    pem = (await references.readConfigMap(ns, p.name))?.data[p.key];
  }
  if (pem === undefined) throw new WebhookError(`failed to get caProvider ${p.type} ${ns}/${p.name} key ${p.key}: not found`);
  if (!pem.includes('BEGIN CERTIFICATE')) throw new WebhookError(`failed to append cabundle: caProvider ${p.type} ${ns}/${p.name} key ${p.key} holds no PEM certificate`);
  return pem;
}

/** Renders the HTTP request of one read. */
export function renderRequest(
  store: StoreDef,
  templates: StoreTemplates,
  data: { raw: TemplateData; escaped: TemplateData },
  caPem: string | undefined,
): WebhookRequest {
  const render = (t: CompiledTemplate, d: TemplateData, what: string): string => {
    try {
      return t.execute(d);
    } catch (e) {
      throw new WebhookError(`failed to parse ${what}: ${(e as Error).message}`, { cause: e });
    }
  };
  const url = render(templates.url, data.escaped, 'url');
  const body = templates.body ? render(templates.body, data.raw, 'body') : undefined;
  const headers = templates.headers.map(([k, t]) => [k, render(t, data.raw, `header ${k}`)] as const);
  return {
    method: store.webhook.method || 'GET',
    url,
    headers,
    body,
    caPem,
    timeoutMs: store.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    policy: store.policy,
  };
}
