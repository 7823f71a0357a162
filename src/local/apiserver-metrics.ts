import { apiserverGet, type ClusterConnection } from './admin-client.ts';

/** One `apiserver_request_total` series. */
export interface ApiserverRequestCount {
  /** Upper case, as the apiserver reports it: GET, LIST, WATCH, POST, PUT, PATCH, APPLY, DELETE. */
  verb: string;
  /** Plural resource, e.g. `secrets`; '' for non-resource URLs such as /readyz. */
  resource: string;
  subresource: string;
  /** HTTP status code as text, e.g. `200`. */
  code: string;
  /** All labels of the series. */
  labels: Record<string, string>;
  value: number;
}

/** Label values to match exactly, or a predicate. */
export type RequestCountFilter =
  | Partial<Record<string, string>>
  | ((count: ApiserverRequestCount) => boolean);

const SERIES = /^apiserver_request_total\{(.*)\}\s+(\S+)/;
const LABEL = /(\w+)="((?:[^"\\]|\\.)*)"/g;

/**
 * Parses `apiserver_request_total` series out of a Prometheus text exposition.
 *
 * @example
 * ```ts
 * const patches = parseApiserverRequestCounts({ metrics: text, filter: { verb: 'PATCH', resource: 'secrets' } });
 * const total = patches.reduce((sum, c) => sum + c.value, 0);
 * ```
 */
export function parseApiserverRequestCounts(options: {
  metrics: string;
  filter?: RequestCountFilter;
}): ApiserverRequestCount[] {
  const counts: ApiserverRequestCount[] = [];
  for (const line of options.metrics.split('\n')) {
    const match = SERIES.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, name, value] of (match[1] ?? '').matchAll(LABEL)) {
      if (name !== undefined) labels[name] = (value ?? '').replace(/\\(.)/g, '$1');
    }
    counts.push({
      verb: labels['verb'] ?? '',
      resource: labels['resource'] ?? '',
      subresource: labels['subresource'] ?? '',
      code: labels['code'] ?? '',
      labels,
      value: Number(match[2]),
    });
  }
  const { filter } = options;
  if (!filter) return counts;
  if (typeof filter === 'function') return counts.filter(filter);
  return counts.filter((count) =>
    Object.entries(filter).every(([name, value]) => value === undefined || count.labels[name] === value),
  );
}

/**
 * Fetches the apiserver's /metrics as admin.
 *
 * @example
 * ```ts
 * const text = await fetchApiserverMetrics({ connection: conn });
 * ```
 */
export async function fetchApiserverMetrics(options: { connection: ClusterConnection }): Promise<string> {
  const { status, body } = await apiserverGet({ connection: options.connection, path: '/metrics' });
  if (status !== 200) throw new Error(`GET ${options.connection.server}/metrics answered ${status}`);
  return body;
}

/**
 * Fetches /metrics and returns the matching `apiserver_request_total` series.
 *
 * @example
 * ```ts
 * const before = sumRequestCounts(await apiserverRequestCounts({ connection: conn, filter: { verb: 'GET' } }));
 * ```
 */
export async function apiserverRequestCounts(options: {
  connection: ClusterConnection;
  filter?: RequestCountFilter;
}): Promise<ApiserverRequestCount[]> {
  const metrics = await fetchApiserverMetrics({ connection: options.connection });
  return parseApiserverRequestCounts({ metrics, filter: options.filter });
}

/**
 * Sum of the values of some series.
 *
 * @example
 * ```ts
 * sumRequestCounts(counts); // 12
 * ```
 */
export function sumRequestCounts(counts: ApiserverRequestCount[]): number {
  return counts.reduce((sum, count) => sum + count.value, 0);
}

const SIZES = /^apiserver_response_sizes_sum\{(.*)\}\s+(\S+)/;

/**
 * Bytes the apiserver sent for one resource (`apiserver_response_sizes_sum`), by verb: what its
 * clients read. Take the difference of two scrapes around a run.
 *
 * @example
 * ```ts
 * const bytes = parseResponseBytes({ metrics: text, resource: 'secrets' }); // { LIST: 20480, GET: 512 }
 * ```
 */
export function parseResponseBytes(options: { metrics: string; resource: string }): Record<string, number> {
  const byVerb: Record<string, number> = {};
  for (const line of options.metrics.split('\n')) {
    const match = SIZES.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, name, value] of (match[1] ?? '').matchAll(LABEL)) if (name !== undefined) labels[name] = value ?? '';
    if (labels['resource'] !== options.resource) continue;
    const verb = labels['verb'] ?? '';
    byVerb[verb] = (byVerb[verb] ?? 0) + Number(match[2]);
  }
  return byVerb;
}
