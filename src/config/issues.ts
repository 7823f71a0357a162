/** Config problems are collected (all of them, not just the first) and reported together. */
import type * as z from '../model/zod.ts';
import { ConfigError } from '../model/errors.ts';
import type { Origin } from './types.ts';

export interface ConfigIssue {
  readonly origin: Origin | undefined;
  /** `ExternalSecret default/app`, when the document got far enough to be named. */
  readonly object: string | undefined;
  /** Field path, e.g. `spec.data[1].remoteRef.key`; empty for the document as a whole. */
  readonly path: string;
  readonly message: string;
}

/**
 * `manifests/es.yaml: document 2 (ExternalSecret default/app): spec.data[0].secretKey: expected a string`
 *
 * @example
 * ```ts
 * formatIssue({ origin: { source: 'a.yaml', document: 1 }, object: undefined, path: 'kind', message: 'expected kind' });
 * ```
 */
export function formatIssue(issue: ConfigIssue): string {
  const where = [
    issue.origin ? `${issue.origin.source}: document ${String(issue.origin.document)}` : undefined,
    issue.object ? `(${issue.object})` : undefined,
  ]
    .filter(Boolean)
    .join(' ');
  const path = issue.path ? `${issue.path}: ` : '';
  return `${where ? `${where}: ` : ''}${path}${issue.message}`;
}

/** Thrown when a config has problems; `issues` holds every one of them. */
export class ConfigValidationError extends ConfigError {
  readonly issues: readonly ConfigIssue[];
  constructor(issues: readonly ConfigIssue[]) {
    super(`${String(issues.length)} configuration error(s):\n${issues.map((i) => `  ${formatIssue(i)}`).join('\n')}`);
    this.issues = issues;
  }
}

/** Joins a zod path (`['spec','data',1,'key']`) onto a prefix as `spec.data[1].key`. */
export function joinPath(prefix: string, path: readonly PropertyKey[]): string {
  let out = prefix;
  for (const p of path) {
    if (typeof p === 'number') out += `[${String(p)}]`;
    else {
      const s = String(p);
      const plain = /^[A-Za-z_][\w-]*$/u.test(s);
      out += plain ? `${out ? '.' : ''}${s}` : `[${JSON.stringify(s)}]`;
    }
  }
  return out;
}

/** Collects issues for one document. */
export class IssueSink {
  readonly issues: ConfigIssue[] = [];
  add(origin: Origin | undefined, object: string | undefined, path: string, message: string): void {
    this.issues.push({ origin, object, path, message });
  }
  addZod(origin: Origin, object: string | undefined, prefix: string, error: z.core.$ZodError): void {
    for (const i of error.issues) this.add(origin, object, joinPath(prefix, i.path), zodMessage(i));
  }
}

function zodMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  }
  return issue.message.replace(/^Invalid input: /u, '');
}
