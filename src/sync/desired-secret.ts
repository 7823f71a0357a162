/**
 * The target half of a sync: ESO's ApplyTemplate (type, metadata, data templates, mergePolicy),
 * then our bookkeeping labels and annotations, so every Secret says who wrote it and what.
 */
import { createHash } from 'node:crypto';
import type { ExternalSecretDef } from '../config/types.ts';
import { goStringAsText, goStringFromBytes, goStringToBytes, renderTemplate } from '../template/index.ts';
import { MANAGED } from '../model/managed.ts';
import { SyncError } from './errors.ts';

export interface DesiredSecret {
  readonly name: string;
  readonly namespace: string;
  readonly type: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly data: Readonly<Record<string, Buffer>>;
  readonly immutable: boolean;
}


/**
 * Builds the Secret an ExternalSecret describes from the provider data.
 *
 * @example
 * ```ts
 * const secret = buildDesiredSecret(es, { username: Buffer.from('admin') }, { source: 'files' });
 * ```
 */
export function buildDesiredSecret(
  es: ExternalSecretDef,
  providerData: Readonly<Record<string, Buffer>>,
  context: { readonly source: string },
): DesiredSecret {
  const tpl = es.spec.target.template;
  // Go strings carry bytes: a DER certificate or a keystore goes through a template unchanged.
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(providerData)) values[k] = goStringFromBytes(v);
  // As ESO does, each template is named after its key: `template: tls.crt:1:3: executing "tls.crt" …`.
  const render = (text: string, key: string, where: string): string => {
    try {
      return renderTemplate(text, values, { name: key, missingKey: 'error' });
    } catch (e) {
      throw new SyncError(`${where}.${key}: ${(e as Error).message}`, { cause: e });
    }
  };

  let labels: Record<string, string>;
  let annotations: Record<string, string>;
  let data: Record<string, Buffer>;
  if (!tpl) {
    labels = { ...es.labels };
    annotations = { ...es.annotations };
    data = { ...providerData };
  } else {
    labels = {};
    annotations = {};
    // Labels and annotations are text: bytes that are not UTF-8 become U+FFFD, as Go's JSON encoding of the object does.
    for (const [k, v] of Object.entries(tpl.metadata?.labels ?? {})) labels[k] = goStringAsText(render(v, k, 'spec.target.template.metadata.labels'));
    for (const [k, v] of Object.entries(tpl.metadata?.annotations ?? {})) annotations[k] = goStringAsText(render(v, k, 'spec.target.template.metadata.annotations'));
    const keepProvider = tpl.mergePolicy === 'Merge' || Object.keys(tpl.data ?? {}).length === 0;
    data = keepProvider ? { ...providerData } : {};
    for (const [k, v] of Object.entries(tpl.data ?? {})) data[k] = goStringToBytes(render(v, k, 'spec.target.template.data'));
  }
  // Never let templates or copied metadata forge our ownership marks.
  labels = withoutOurKeys(labels);
  annotations = withoutOurKeys(annotations);

  labels[MANAGED.label] = 'true';
  labels[MANAGED.externalSecretLabel] = labelSafe(es.name);
  annotations[MANAGED.externalSecretAnnotation] = `${es.namespace}/${es.name}`;
  annotations[MANAGED.sourceAnnotation] = context.source;
  annotations[MANAGED.dataHashAnnotation] = dataHash(data);
  annotations[MANAGED.dataKeysAnnotation] = String(Object.keys(data).length);
  annotations[MANAGED.specHashAnnotation] = es.specHash;
  annotations[MANAGED.cadenceAnnotation] = es.cadence;
  annotations[MANAGED.creationPolicyAnnotation] = es.spec.target.creationPolicy;
  return {
    name: es.targetName,
    namespace: es.namespace,
    type: tpl?.type ?? 'Opaque',
    labels,
    annotations,
    data,
    immutable: es.spec.target.immutable ?? false,
  };
}

function withoutOurKeys(map: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).filter(([k]) => !k.startsWith('webhook-secret-sync.io/')));
}

/** SHA-256 over sorted keys and bytes: equal hashes mean equal data, without storing the data. */
export function dataHash(data: Readonly<Record<string, Buffer>>): string {
  const h = createHash('sha256');
  for (const k of Object.keys(data).sort()) {
    const v = data[k] ?? Buffer.alloc(0);
    h.update(`${String(k.length)}:${k}:${String(v.length)}:`).update(v);
  }
  return h.digest('hex').slice(0, 40);
}

/** ExternalSecret names may exceed a label value's 63 characters; such names are hashed. */
function labelSafe(name: string): string {
  return name.length <= 63 ? name : `h-${createHash('sha256').update(name).digest('hex').slice(0, 40)}`;
}
