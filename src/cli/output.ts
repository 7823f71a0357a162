/** Rendering for the CLI: Secrets as a v1 List, tables, and errors. */
import { stringify } from 'yaml';
import type { DesiredSecret } from '../sync/desired-secret.ts';

export type OutputFormat = 'json' | 'yaml';

/** A v1 Secret manifest (base64 data), as kubectl would print it. */
export function secretManifest(s: DesiredSecret): Record<string, unknown> {
  const data: Record<string, string> = {};
  for (const k of Object.keys(s.data).sort()) data[k] = (s.data[k] ?? Buffer.alloc(0)).toString('base64');
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: s.name, namespace: s.namespace, labels: s.labels, annotations: s.annotations },
    type: s.type,
    ...(s.immutable ? { immutable: true } : {}),
    data,
  };
}

export function formatList(items: readonly Record<string, unknown>[], format: OutputFormat): string {
  const list = { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items };
  return format === 'json' ? `${JSON.stringify(list, null, 2)}\n` : stringify(list, { lineWidth: 0 });
}

/** Left-aligned columns, like kubectl get. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]): string => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd((widths[i] ?? 0) + 3))).join('').trimEnd();
  return `${[header, ...rows].map(line).join('\n')}\n`;
}
