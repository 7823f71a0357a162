/** Reads the local apiserver's audit log: what each identity really asked, counted by the server. */
import { readFile } from 'node:fs/promises';

export interface AuditEvent {
  readonly verb: string;
  readonly user: string;
  readonly namespace: string | undefined;
  readonly resource: string | undefined;
  readonly name: string | undefined;
  readonly code: number | undefined;
}

/**
 * Events recorded at ResponseComplete, optionally only those of one user.
 *
 * @example
 * ```ts
 * const writes = (await readAuditEvents(path, { user })).filter((e) => ['create', 'patch', 'update', 'delete'].includes(e.verb));
 * ```
 */
export async function readAuditEvents(path: string, filter: { user?: string; namespace?: string } = {}): Promise<AuditEvent[]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const out: AuditEvent[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    const e = JSON.parse(line) as { stage?: string; verb: string; user?: { username?: string }; objectRef?: { namespace?: string; resource?: string; name?: string }; responseStatus?: { code?: number } };
    if (e.stage !== 'ResponseComplete') continue;
    const ev: AuditEvent = {
      verb: e.verb,
      user: e.user?.username ?? '',
      namespace: e.objectRef?.namespace,
      resource: e.objectRef?.resource,
      name: e.objectRef?.name,
      code: e.responseStatus?.code,
    };
    if (filter.user !== undefined && ev.user !== filter.user) continue;
    if (filter.namespace !== undefined && ev.namespace !== filter.namespace) continue;
    out.push(ev);
  }
  return out;
}

export const WRITE_VERBS = ['create', 'update', 'patch', 'delete', 'deletecollection'] as const;
