/**
 * Our own kubeconfig reader for the Lambda (no client-node at run time): the static shapes a
 * kubeconfig kept in Secrets Manager has. Anything that needs a helper program or a plugin is
 * refused with what to use instead; the CLI keeps client-node's KubeConfig for those.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { parse } from 'yaml';
import { KubeconfigError, type ClusterAccess } from './cluster-access.ts';

export interface KubeconfigReadOptions {
  /** The context to use instead of `current-context`. */
  readonly context?: string | undefined;
  /** Where the text came from, for errors (default `kubeconfig`). */
  readonly source?: string | undefined;
  /** Relative file paths are resolved against it (default: the working directory). */
  readonly baseDir?: string | undefined;
}

type Entry = Readonly<Record<string, unknown>>;

/** User fields we refuse, and what to use instead. */
const REFUSED: Readonly<Record<string, string>> = {
  exec: 'an exec credential plugin is not run here; use a token or a client certificate, or on EKS the function\'s EKS mode (eksCluster)',
  'auth-provider': 'auth-provider plugins are not supported; use a token or a client certificate',
  as: 'impersonation is not supported; give the identity itself a token or a client certificate',
  'as-groups': 'impersonation is not supported; give the identity itself a token or a client certificate',
  'as-uid': 'impersonation is not supported; give the identity itself a token or a client certificate',
  'as-user-extra': 'impersonation is not supported; give the identity itself a token or a client certificate',
};

/**
 * Reads a kubeconfig's context (current or named) into a ClusterAccess. Errors name the entry and
 * field, never a value.
 *
 * @example
 * ```ts
 * const access = clusterAccessFromKubeconfig(yamlText, { source: `Secrets Manager secret ${arn}` });
 * ```
 */
export function clusterAccessFromKubeconfig(text: string, options: KubeconfigReadOptions = {}): ClusterAccess {
  const where = options.source ?? 'kubeconfig';
  const fail = (what: string): never => { throw new KubeconfigError(`${where}: ${what}`); };
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    // The parser's message quotes the offending line, which may hold a token: keep only its position.
    const pos = (e as { linePos?: readonly { line: number; col: number }[] }).linePos?.[0];
    fail(`not valid YAML${pos ? ` (line ${String(pos.line)}, column ${String(pos.col)})` : ''}`);
  }
  if (!isEntry(doc)) return fail('expected a kubeconfig (a YAML mapping with clusters, users and contexts)');
  const contextName = options.context ?? stringField(doc, 'current-context', where);
  if (!contextName) return fail('no current-context; set it or name a context');
  const context = named(doc, 'contexts', 'context', contextName, where);
  const clusterName = stringField(context, 'cluster', `${where}: contexts[${contextName}].context`);
  if (!clusterName) return fail(`contexts[${contextName}].context.cluster: expected the name of a cluster entry`);
  const cluster = named(doc, 'clusters', 'cluster', clusterName, where);
  const at = `${where}: clusters[${clusterName}].cluster`;
  if (cluster['proxy-url'] !== undefined) fail(`clusters[${clusterName}].cluster.proxy-url: a proxy is not supported here; reach the apiserver directly (a VPC endpoint or a public endpoint with an allow list)`);
  const server = stringField(cluster, 'server', at);
  if (!server || !/^https?:\/\/[^/]/u.test(server)) return fail(`clusters[${clusterName}].cluster.server: expected an https:// URL`);
  const file = (path: string): string => (isAbsolute(path) || !options.baseDir ? path : join(options.baseDir, path));
  const userName = stringField(context, 'user', `${where}: contexts[${contextName}].context`);
  const user = userName ? named(doc, 'users', 'user', userName, where) : {};
  const uat = `${where}: users[${userName ?? ''}].user`;
  for (const [field, instead] of Object.entries(REFUSED)) if (user[field] !== undefined) fail(`users[${userName ?? ''}].user.${field}: ${instead}`);
  const ca = material(cluster, 'certificate-authority', at, file);
  const cert = material(user, 'client-certificate', uat, file);
  const key = material(user, 'client-key', uat, file);
  if (!cert !== !key) fail(`users[${userName ?? ''}].user: a client certificate needs its key and the key its certificate (client-certificate[-data] with client-key[-data])`);
  const insecure = cluster['insecure-skip-tls-verify'];
  if (insecure !== undefined && typeof insecure !== 'boolean') fail(`clusters[${clusterName}].cluster.insecure-skip-tls-verify: expected true or false`);
  const tlsServerName = stringField(cluster, 'tls-server-name', at);
  return {
    server,
    ca, cert, key,
    ...(insecure === true ? { insecure: true } : {}),
    ...(tlsServerName ? { tlsServerName } : {}),
    headers: authorization(user, uat, file),
  };
}

/** Bearer token (inline, or a file re-read per request so a rotated token is picked up) or basic auth. */
function authorization(user: Entry, at: string, file: (p: string) => string): ClusterAccess['headers'] {
  const token = stringField(user, 'token', at);
  if (token) return () => Promise.resolve({ Authorization: `Bearer ${token}` });
  // kubectl spells it tokenFile; client-node token-file.
  const tokenFile = stringField(user, 'tokenFile', at) ?? stringField(user, 'token-file', at);
  if (tokenFile) return async () => ({ Authorization: `Bearer ${(await readFile(file(tokenFile), 'utf8')).trim()}` });
  const username = stringField(user, 'username', at);
  if (username) {
    const basic = Buffer.from(`${username}:${stringField(user, 'password', at) ?? ''}`).toString('base64');
    return () => Promise.resolve({ Authorization: `Basic ${basic}` });
  }
  return undefined;
}

/** `<field>-data` (base64) or `<field>` (a file path). */
function material(entry: Entry, field: string, at: string, file: (p: string) => string): Buffer | undefined {
  const data = stringField(entry, `${field}-data`, at);
  if (data) return Buffer.from(data, 'base64');
  const path = stringField(entry, field, at);
  if (!path) return undefined;
  try {
    return readFileSync(file(path));
  } catch (e) {
    throw new KubeconfigError(`${at}.${field}: cannot read ${file(path)} (${(e as { code?: string }).code ?? (e as Error).message})`, { cause: e });
  }
}

/** The `<key>` object of the entry named `name` in the list `list` (contexts, clusters, users). */
function named(doc: Entry, list: string, key: string, name: string, where: string): Entry {
  const entries = doc[list];
  const found = Array.isArray(entries) ? entries.find((e: unknown) => isEntry(e) && e.name === name) as Entry | undefined : undefined;
  if (!found) {
    const names = Array.isArray(entries) ? entries.map((e: unknown) => (isEntry(e) && typeof e.name === 'string' ? e.name : '?')).join(', ') : '';
    throw new KubeconfigError(`${where}: ${list}: no entry named "${name}"${names ? ` (there are: ${names})` : ''}`);
  }
  const inner = found[key];
  if (inner === undefined || inner === null) return {};
  if (!isEntry(inner)) throw new KubeconfigError(`${where}: ${list}[${name}].${key}: expected a mapping`);
  return inner;
}

function stringField(entry: Entry, field: string, at: string): string | undefined {
  const v = entry[field];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw new KubeconfigError(`${at}.${field}: expected a string`);
  return v;
}

function isEntry(v: unknown): v is Entry {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
