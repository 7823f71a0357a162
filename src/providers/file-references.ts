/** `--secrets-file`: Secrets and ConfigMaps from a YAML/JSON file, for offline runs. */
import { readFile } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';
import { ConfigError } from '../model/errors.ts';
import type { ConfigMapObject, ReferenceReader, SecretObject } from './references.ts';

/**
 * Loads v1 Secrets (`data` base64 or `stringData`) and ConfigMaps; documents without a namespace
 * belong to `defaultNamespace`.
 *
 * @example
 * ```ts
 * const refs = await fileReferences('secrets.yaml', 'default');
 * ```
 */
export async function fileReferences(path: string, defaultNamespace: string): Promise<ReferenceReader> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`${path}: cannot read the secrets file: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { cause: e });
  }
  const secrets = new Map<string, SecretObject>();
  const configMaps = new Map<string, ConfigMapObject>();
  const docs = parseAllDocuments(text);
  for (const [i, doc] of (Array.isArray(docs) ? docs : [docs]).entries()) {
    const where = `${path}: document ${String(i + 1)}`;
    if (doc.errors.length > 0) throw new ConfigError(`${where}: malformed YAML: ${doc.errors[0]?.message.split('\n')[0] ?? ''}`);
    const raw: unknown = doc.toJS();
    if (raw === null || raw === undefined) continue;
    const items = isObj(raw) && raw.kind === 'List' && Array.isArray(raw.items) ? (raw.items as unknown[]) : [raw];
    for (const item of items) {
      if (!isObj(item) || !isObj(item.metadata) || typeof item.metadata.name !== 'string') {
        throw new ConfigError(`${where}: expected a v1 Secret or ConfigMap with metadata.name`);
      }
      const meta = item.metadata;
      const key = `${typeof meta.namespace === 'string' ? meta.namespace : defaultNamespace}/${meta.name as string}`;
      if (item.kind === 'Secret') {
        const data: Record<string, Buffer> = {};
        for (const [k, v] of Object.entries(isObj(item.data) ? item.data : {})) data[k] = Buffer.from(String(v), 'base64');
        for (const [k, v] of Object.entries(isObj(item.stringData) ? item.stringData : {})) data[k] = Buffer.from(String(v));
        const labels = isObj(meta.labels) ? (meta.labels as Record<string, string>) : {};
        secrets.set(key, { labels, data });
      } else if (item.kind === 'ConfigMap') {
        configMaps.set(key, { data: isObj(item.data) ? (item.data as Record<string, string>) : {} });
      } else {
        throw new ConfigError(`${where}: kind ${String(item.kind)} is not supported here: expected Secret or ConfigMap`);
      }
    }
  }
  return {
    readSecret: (ns, name) => Promise.resolve(secrets.get(`${ns}/${name}`)),
    readConfigMap: (ns, name) => Promise.resolve(configMaps.get(`${ns}/${name}`)),
  };
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
