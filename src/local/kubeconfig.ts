import { writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';

/** What a client needs to reach the local cluster as one identity. */
export interface KubeconfigIdentity {
  server: string;
  /** PEM the client must trust (the apiserver's certificate chain). */
  caData: string;
  token: string;
  /** User and context name inside the kubeconfig; default `admin`. */
  user?: string;
  /** Default namespace of the context. */
  namespace?: string;
}

/**
 * Renders a kubeconfig YAML with one cluster (server + certificate-authority-data), one token user
 * and one current context.
 *
 * @example
 * ```ts
 * const yaml = renderKubeconfig({ server, caData, token, user: 'app', namespace: 't1' });
 * new KubeConfig().loadFromString(yaml);
 * ```
 */
export function renderKubeconfig(identity: KubeconfigIdentity): string {
  const user = identity.user ?? 'admin';
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'local',
        cluster: {
          server: identity.server,
          'certificate-authority-data': Buffer.from(identity.caData, 'utf8').toString('base64'),
        },
      },
    ],
    users: [{ name: user, user: { token: identity.token } }],
    contexts: [
      {
        name: user,
        context: { cluster: 'local', user, ...(identity.namespace ? { namespace: identity.namespace } : {}) },
      },
    ],
    'current-context': user,
  });
}

/**
 * Writes a kubeconfig (mode 0600: it holds a token) and returns its YAML.
 *
 * @example
 * ```ts
 * await writeKubeconfig({ path: `${dir}/admin.kubeconfig`, identity: { server, caData, token } });
 * ```
 */
export async function writeKubeconfig(options: { path: string; identity: KubeconfigIdentity }): Promise<string> {
  const yaml = renderKubeconfig(options.identity);
  await writeFile(options.path, yaml, { mode: 0o600 });
  return yaml;
}
