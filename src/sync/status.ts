/** The status table, read from the cluster: what each Secret records about its last sync. */
import type { Config } from '../config/types.ts';
import type { KubeGateway } from '../kube/gateway.ts';
import { MANAGED } from '../model/managed.ts';
import { readManagedState } from './state.ts';

export interface StatusRow {
  readonly externalSecret: string;
  readonly target: string;
  readonly cadence: string;
  readonly lastSync: string | undefined;
  readonly result: 'Synced' | 'Failed' | 'NotSynced' | 'Conflict';
  readonly message: string;
}

/**
 * One LIST per namespace, then a row per ExternalSecret. With `source`, a Secret recorded by
 * another source is a Conflict (its data is not this config's).
 */
export async function statusRows(config: Config, gateway: KubeGateway, source?: string): Promise<StatusRow[]> {
  const namespaces = [...new Set(config.externalSecrets.map((es) => es.namespace))];
  const { secrets, errors } = await readManagedState(gateway, namespaces);
  return config.externalSecrets.map((es): StatusRow => {
    const id = `${es.namespace}/${es.name}`;
    const base = { externalSecret: id, target: `${es.namespace}/${es.targetName}`, cadence: es.cadence };
    const listError = errors.get(es.namespace);
    if (listError) return { ...base, lastSync: undefined, result: 'Failed', message: listError };
    const s = secrets.get(`${es.namespace}/${es.targetName}`);
    if (!s) return { ...base, lastSync: undefined, result: 'NotSynced', message: 'target Secret does not exist (or is not managed by webhook-secret-sync)' };
    const owner = s.annotations[MANAGED.externalSecretAnnotation];
    if (owner !== id) return { ...base, lastSync: undefined, result: 'Conflict', message: `target is owned by another ExternalSecret (${owner ?? 'unknown'})` };
    const recorded = s.annotations[MANAGED.sourceAnnotation];
    if (source !== undefined && recorded !== undefined && recorded !== source) {
      return { ...base, lastSync: undefined, result: 'Conflict', message: `target is managed from another source (${recorded})` };
    }
    const lastSync = s.annotations[MANAGED.lastSyncAnnotation];
    const error = s.annotations[MANAGED.lastErrorAnnotation];
    if (error) return { ...base, lastSync, result: 'Failed', message: error };
    return { ...base, lastSync, result: 'Synced', message: 'secret synced' };
  });
}
