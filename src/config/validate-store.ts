/** SecretStore / ClusterSecretStore documents -> StoreDef, with every problem reported. */
import { parseGoDuration } from '../model/duration.ts';
import { SecretStoreSpec, WebhookProviderSpec } from '../model/manifests.ts';
import { compileGoRegexp, parseTemplate } from '../template/index.ts';
import type { IssueSink } from './issues.ts';
import { DEFAULT_POLICY, POLICY_ANNOTATIONS, type EndpointPolicy, type Origin, type StoreDef, type StoreKind } from './types.ts';

export interface StoreDocument {
  readonly kind: StoreKind;
  readonly name: string;
  readonly namespace: string | undefined;
  readonly annotations: Readonly<Record<string, string>>;
  readonly spec: unknown;
  readonly origin: Origin;
}

/** Validates one store document; returns undefined (and records issues) when it is unusable. */
export function validateStore(doc: StoreDocument, sink: IssueSink): StoreDef | undefined {
  const object = `${doc.kind} ${doc.namespace ? `${doc.namespace}/` : ''}${doc.name}`;
  const add = (path: string, message: string): void => {
    sink.add(doc.origin, object, path, message);
  };
  const before = sink.issues.length;

  const spec = SecretStoreSpec.safeParse(doc.spec);
  if (!spec.success) {
    sink.addZod(doc.origin, object, 'spec', spec.error);
    return undefined;
  }
  const providers = Object.keys(spec.data.provider);
  if (providers.length !== 1) {
    add('spec.provider', `expected exactly one provider, found ${providers.length === 0 ? 'none' : providers.join(', ')}`);
    return undefined;
  }
  const providerName = providers[0] ?? '';
  if (providerName !== 'webhook') {
    add(`spec.provider.${providerName}`, `unsupported provider ${providerName}: only webhook is supported`);
    return undefined;
  }
  const webhook = WebhookProviderSpec.safeParse(spec.data.provider.webhook);
  if (!webhook.success) {
    sink.addZod(doc.origin, object, 'spec.provider.webhook', webhook.error);
    return undefined;
  }
  const w = webhook.data;
  const base = 'spec.provider.webhook';
  if (w.auth !== undefined) {
    add(`${base}.auth`, 'NTLM auth is not supported; send Basic or Bearer credentials with headers and secrets[]');
  }
  checkTemplate(w.url, `${base}.url`, add);
  if (w.body !== undefined) checkTemplate(w.body, `${base}.body`, add);
  for (const [i, [name, value]] of (w.headers ?? []).entries()) checkTemplate(value, `${base}.headers[${String(i)}] (${name})`, add);
  if (w.result?.jsonPath !== undefined) checkTemplate(w.result.jsonPath, `${base}.result.jsonPath`, add);
  let timeoutMs: number | undefined;
  if (w.timeout !== undefined) {
    try {
      timeoutMs = parseGoDuration(w.timeout);
      if (timeoutMs <= 0) add(`${base}.timeout`, `expected a positive duration, got "${w.timeout}"`);
    } catch (e) {
      add(`${base}.timeout`, (e as Error).message);
    }
  }
  if (w.caBundle !== undefined && !/^[A-Za-z0-9+/=\s]*$/u.test(w.caBundle) && !w.caBundle.includes('BEGIN CERTIFICATE')) {
    add(`${base}.caBundle`, 'expected a base64-encoded PEM certificate bundle');
  }
  if (doc.kind === 'ClusterSecretStore') {
    for (const [i, s] of (w.secrets ?? []).entries()) {
      if (!s.secretRef.namespace) {
        add(`${base}.secrets[${String(i)}].secretRef.namespace`, `no namespace on ClusterScoped webhook secret ${s.name}: a ClusterSecretStore must name the namespace`);
      }
    }
    if (w.caProvider && !w.caProvider.namespace) {
      add(`${base}.caProvider.namespace`, 'missing namespace on caProvider secret: a ClusterSecretStore must name the namespace');
    }
    for (const [ci, c] of (spec.data.conditions ?? []).entries()) {
      for (const [ri, r] of (c.namespaceRegexes ?? []).entries()) {
        try {
          compileGoRegexp(r);
        } catch {
          add(`spec.conditions[${String(ci)}].namespaceRegexes[${String(ri)}]`, `invalid regular expression "${r}"`);
        }
      }
    }
  } else {
    if (spec.data.conditions !== undefined) add('spec.conditions', 'conditions apply to a ClusterSecretStore only');
    if (w.caProvider?.namespace && doc.namespace && w.caProvider.namespace !== doc.namespace) {
      add(`${base}.caProvider.namespace`, 'namespace should either be empty or match the namespace of the SecretStore for a namespaced SecretStore');
    }
  }
  const policy = endpointPolicy(doc.annotations, add);
  try {
    const url = w.url.includes('{{') ? undefined : new URL(w.url);
    if (url && url.protocol === 'http:' && !policy.allowHttp) {
      add(`${base}.url`, `plain http is refused: use https, or annotate the store ${POLICY_ANNOTATIONS.allowHttp}: "true" to opt in`);
    } else if (url && url.protocol !== 'https:' && url.protocol !== 'http:') {
      add(`${base}.url`, `expected an https URL, got ${url.protocol}`);
    }
  } catch {
    add(`${base}.url`, 'expected an absolute URL such as https://secrets.example.com/v1/{{ .remoteRef.key }}');
  }
  if (sink.issues.length > before) return undefined;
  return {
    policy,
    kind: doc.kind,
    name: doc.name,
    namespace: doc.namespace,
    webhook: w,
    timeoutMs,
    conditions: spec.data.conditions ?? [],
    origin: doc.origin,
  };
}

/** Our endpoint policy, opted out of per store by annotations (the ESO schema stays untouched). */
function endpointPolicy(annotations: Readonly<Record<string, string>>, add: (path: string, message: string) => void): EndpointPolicy {
  const flag = (key: string): boolean => {
    const v = annotations[key];
    if (v === undefined) return false;
    if (v !== 'true' && v !== 'false') add(`metadata.annotations["${key}"]`, `expected "true" or "false", got "${v}"`);
    return v === 'true';
  };
  let maxResponseBytes = DEFAULT_POLICY.maxResponseBytes;
  const cap = annotations[POLICY_ANNOTATIONS.maxResponseBytes];
  if (cap !== undefined) {
    maxResponseBytes = Number(cap);
    if (!Number.isInteger(maxResponseBytes) || maxResponseBytes <= 0) add(`metadata.annotations["${POLICY_ANNOTATIONS.maxResponseBytes}"]`, `expected a positive number of bytes, got "${cap}"`);
  }
  return { allowHttp: flag(POLICY_ANNOTATIONS.allowHttp), allowLinkLocal: flag(POLICY_ANNOTATIONS.allowLinkLocal), maxResponseBytes };
}

/**
 * Parses a Go template so syntax errors surface at load time, not at the first sync. `name` is the
 * Go template name in the message (ESO names a target template after its key).
 */
export function checkTemplate(text: string, path: string, add: (path: string, message: string) => void, name?: string): void {
  try {
    parseTemplate(text, name === undefined ? {} : { name });
  } catch (e) {
    add(path, `bad template: ${(e as Error).message}`);
  }
}
