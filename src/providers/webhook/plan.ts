/**
 * What one run would do, without calling anything: cadences, the ExternalSecrets each serves, and
 * the requests after de-duplication. Values from `secrets[]` render as placeholders, header values
 * and bodies are never shown, so a plan can be shared.
 */
import { createHash } from 'node:crypto';
import { findStore } from '../../config/resolve.ts';
import type { Config, ExternalSecretDef, StoreDef } from '../../config/types.ts';
import { queryEscape, StoreTemplates, type TemplateData } from './request.ts';

export interface PlannedRequest {
  readonly method: string;
  /** Rendered with `<secret name.key>` placeholders for values read from Secrets. */
  readonly url: string;
  readonly headerNames: readonly string[];
  readonly hasBody: boolean;
  readonly store: string;
  /** `ns/name spec.data[0]` for every entry that shares this request. */
  readonly usedBy: readonly string[];
}

export interface Plan {
  readonly cadences: readonly { readonly cadence: string; readonly externalSecrets: readonly string[] }[];
  readonly requests: readonly PlannedRequest[];
  /** What ESO would send for the same config: one request per data/dataFrom entry. */
  readonly esoRequestCount: number;
  readonly unrenderable: readonly { readonly entry: string; readonly error: string }[];
}

/**
 * @example
 * ```ts
 * const plan = planRun(config);
 * console.log(plan.requests.length, 'requests instead of', plan.esoRequestCount);
 * ```
 */
export function planRun(config: Config, selected: readonly ExternalSecretDef[] = config.externalSecrets): Plan {
  const byCadence = new Map<string, string[]>();
  for (const es of [...selected].sort((a, b) => a.refreshMs - b.refreshMs)) {
    const list = byCadence.get(es.cadence) ?? [];
    list.push(`${es.namespace}/${es.name}`);
    byCadence.set(es.cadence, list);
  }
  const templates = new Map<StoreDef, StoreTemplates>();
  const requests = new Map<string, PlannedRequest & { usedBy: string[] }>();
  const unrenderable: { entry: string; error: string }[] = [];
  let eso = 0;
  for (const es of selected) {
    const entries = [
      ...(es.spec.dataFrom ?? []).map((d, i) => ({ where: `spec.dataFrom[${String(i)}]`, ref: d.extract, storeRef: d.sourceRef?.storeRef })),
      ...(es.spec.data ?? []).map((d, i) => ({ where: `spec.data[${String(i)}]`, ref: d.remoteRef, storeRef: d.sourceRef?.storeRef })),
    ];
    for (const e of entries) {
      eso++;
      const entry = `${es.namespace}/${es.name} ${e.where}`;
      const found = findStore(config.stores, e.storeRef ?? es.spec.secretStoreRef ?? { name: '', kind: 'SecretStore' }, es.namespace);
      if ('error' in found || !e.ref) {
        unrenderable.push({ entry, error: 'error' in found ? found.error : 'no extract' });
        continue;
      }
      const store = found.store;
      let t = templates.get(store);
      if (!t) templates.set(store, (t = new StoreTemplates(store)));
      try {
        const { raw, escaped } = placeholderData(store, t, e.ref, es.namespace);
        const url = t.url.execute(escaped);
        const headerValues = t.headers.map(([k, h]) => [k, h.execute(raw)]);
        const body = t.body?.execute(raw) ?? '';
        const storeId = `${store.kind}/${store.namespace ?? ''}/${store.name}`;
        const caId = store.webhook.caBundle ?? JSON.stringify(store.webhook.caProvider ?? null);
        // Identical placeholder renderings from stores reading the same Secrets are identical requests.
        const secretsId = JSON.stringify((store.webhook.secrets ?? []).map((s) => [s.name, store.kind === 'ClusterSecretStore' ? s.secretRef.namespace : es.namespace, s.secretRef.name]));
        const key = createHash('sha256').update(JSON.stringify([store.webhook.method ?? 'GET', url, headerValues, body, caId, secretsId, store.timeoutMs ?? null])).digest('hex');
        const existing = requests.get(key);
        if (existing) existing.usedBy.push(entry);
        else {
          requests.set(key, {
            method: store.webhook.method || 'GET',
            url,
            headerNames: t.headers.map(([k]) => k),
            hasBody: body !== '',
            store: storeId.replace(/\/\//u, '/'),
            usedBy: [entry],
          });
        }
      } catch (err) {
        unrenderable.push({ entry, error: (err as Error).message });
      }
    }
  }
  return {
    cadences: [...byCadence.entries()].map(([cadence, externalSecrets]) => ({ cadence, externalSecrets })),
    requests: [...requests.values()],
    esoRequestCount: eso,
    unrenderable,
  };
}

function placeholderData(store: StoreDef, t: StoreTemplates, ref: { key: string; property?: string | undefined; version?: string | undefined }, namespace: string): { raw: TemplateData; escaped: TemplateData } {
  const remote = { key: ref.key, property: ref.property ?? '', version: ref.version ?? '', namespace };
  const raw: TemplateData = { remoteRef: remote };
  const escaped: TemplateData = {
    remoteRef: { key: queryEscape(remote.key), property: queryEscape(remote.property), version: queryEscape(remote.version), namespace },
  };
  const used = [t.url, t.body, t.jsonPath, ...t.headers.map(([, h]) => h)].flatMap((x) => (x ? [...x.references] : []));
  for (const s of store.webhook.secrets ?? []) {
    const values: Record<string, string> = {};
    for (const r of used) {
      const [head, key] = r.split('.');
      if (head === s.name && key) values[key] = `<secret ${s.name}.${key}>`;
    }
    raw[s.name] = values;
    escaped[s.name] = values;
  }
  return { raw, escaped };
}
