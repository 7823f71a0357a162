/** Turns YAML text (files or ConfigMap data) into raw documents, each tagged with where it came from. */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Composer, isScalar, LineCounter, Parser, type Document } from 'yaml';
import type { IssueSink } from './issues.ts';
import type { Origin } from './types.ts';

export interface ManifestSource {
  /** A file path, or `configmap <ns>/<name> key <k>`. */
  readonly source: string;
  readonly text: string;
}

export interface RawDocument {
  readonly origin: Origin;
  readonly value: unknown;
}

/** A document whose YAML is broken: what could still be read of it, for a located report. */
export interface BrokenDocument {
  readonly origin: Origin;
  /** The kind, metadata and spec fields that could be read despite the syntax errors (see `readable`). */
  readonly partial: unknown;
  readonly messages: readonly string[];
}

// From directories only YAML is read (an example directory may hold a sample JSON response);
// a JSON manifest is read when named explicitly.
const MANIFEST_FILE = /\.ya?ml$/iu;

/**
 * Reads files and directories (recursively, in name order; from directories only .yaml and .yml).
 *
 * @example
 * ```ts
 * const sources = await readManifestPaths(['deploy/secrets']);
 * ```
 */
export async function readManifestPaths(paths: readonly string[]): Promise<ManifestSource[]> {
  const out: ManifestSource[] = [];
  for (const p of paths) {
    let info;
    try {
      info = await stat(p);
    } catch (e) {
      throw new Error(`${p}: cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { cause: e });
    }
    if (info.isDirectory()) {
      const entries = (await readdir(p, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
      const nested = entries
        .filter((e) => e.isDirectory() || MANIFEST_FILE.test(e.name))
        .map((e) => join(p, e.name));
      out.push(...(await readManifestPaths(nested)));
    } else {
      out.push({ source: p, text: await readFile(p, 'utf8') });
    }
  }
  return out;
}

/** Every data key of a ConfigMap is a multi-document YAML source, in key order. */
export function configMapSources(
  ref: { namespace: string; name: string },
  data: Readonly<Record<string, string>>,
): ManifestSource[] {
  return Object.keys(data)
    .sort()
    .map((key) => ({ source: `configmap ${ref.namespace}/${ref.name} key ${key}`, text: data[key] ?? '' }));
}

/**
 * Splits each source into documents; YAML syntax errors become issues with line and column. A
 * syntax error fails only its own document; when `broken` is given, each such document is also
 * listed there with what could still be read of it.
 */
export function parseDocuments(sources: readonly ManifestSource[], sink: IssueSink, broken?: BrokenDocument[]): RawDocument[] {
  const out: RawDocument[] = [];
  for (const src of sources) {
    // Streamed document by document: each syntax tree is dropped once converted, which halves the
    // peak memory of a 10,000-document config compared with parseAllDocuments.
    const lines = new LineCounter();
    const composer = new Composer();
    let index = 0;
    for (const doc of composer.compose(new Parser(lines.addNewLine).parse(src.text), true, src.text.length)) {
      const origin = { source: src.source, document: ++index };
      const fail = (messages: string[]): void => {
        for (const m of messages) sink.add(origin, undefined, '', m);
        broken?.push({ origin, partial: readable(doc), messages });
      };
      if (doc.errors.length > 0) {
        fail(doc.errors.map((err) => {
          const pos = lines.linePos(err.pos[0]);
          return `malformed YAML: line ${String(pos.line)}, column ${String(pos.col)}: ${err.message.split('\n')[0] ?? ''}`;
        }));
        continue;
      }
      let value: unknown;
      try {
        value = doc.toJS({ maxAliasCount: 100 });
      } catch (e) {
        // e.g. an alias with no anchor, or an alias bomb beyond maxAliasCount
        fail([`malformed YAML: ${(e as Error).message.split('\n')[0] ?? ''}`]);
        continue;
      }
      if (value === null || value === undefined) continue; // empty document, e.g. a trailing `---`
      if (isList(value)) {
        for (const item of value.items) out.push({ origin, value: item });
      } else {
        out.push({ origin, value });
      }
    }
  }
  return out;
}

/**
 * The scalar fields that name a broken document, read node by node (no alias is resolved). A
 * scalar that a syntax error touches (an unclosed quote swallows what follows) is not read.
 */
function readable(doc: Document.Parsed): unknown {
  const scalar = (path: string[]): unknown => {
    const node: unknown = doc.getIn(path, true);
    if (!isScalar(node) || typeof node.value !== 'string' || !node.range) return undefined;
    const [start, , end] = node.range;
    return doc.errors.some((e) => e.pos[0] <= end && e.pos[1] >= start) ? undefined : node.value;
  };
  return {
    kind: scalar(['kind']),
    metadata: { name: scalar(['metadata', 'name']), namespace: scalar(['metadata', 'namespace']) },
    spec: { refreshInterval: scalar(['spec', 'refreshInterval']), target: { name: scalar(['spec', 'target', 'name']) } },
  };
}

function isList(v: unknown): v is { items: unknown[] } {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return o.kind === 'List' && Array.isArray(o.items);
}
