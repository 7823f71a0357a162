/**
 * Two stacks in one namespace (issue #11 item 7): the Roles and RoleBindings `rbac` prints for two
 * identities and two ConfigMaps are applied side by side to the real apiserver, and each identity
 * keeps exactly its own access.
 */
import { describe, expect, it } from 'vitest';
import { LEGACY_RBAC_NAME, rbacFor, rbacName } from '../../src/config/rbac.ts';
import { admin, freshNamespace } from '../support/cluster.ts';
import { syncIdentityFor } from '../support/sync.ts';

const EMPTY = { stores: [], externalSecrets: [] };

describe('rbac names', () => {
  it('gives two stacks in one namespace Roles that do not overwrite each other', async () => {
    const ns = await freshNamespace('rbn');
    for (const name of ['blue', 'green']) await admin().core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name }, data: { k: name } } });
    // syncIdentityFor applies exactly what rbacFor prints (create: a second Role of the same name would be refused).
    const blue = await syncIdentityFor(EMPTY, { home: ns, configMap: { namespace: ns, name: 'blue' }, name: 'sync-blue' });
    const green = await syncIdentityFor(EMPTY, { home: ns, configMap: { namespace: ns, name: 'green' }, name: 'sync-green' });
    const roles = (await admin().rbac.listNamespacedRole({ namespace: ns })).items.map((r) => r.metadata?.name).sort();
    expect(roles).toEqual([
      rbacName({ kind: 'ServiceAccount', name: 'sync-blue', namespace: ns }, { namespace: ns, name: 'blue' }),
      rbacName({ kind: 'ServiceAccount', name: 'sync-green', namespace: ns }, { namespace: ns, name: 'green' }),
    ].sort());
    const [b, g] = [await blue.gateway(), await green.gateway()];
    try {
      expect((await b.readConfigMapWithMeta(ns, 'blue'))?.data).toEqual({ k: 'blue' });
      expect((await g.readConfigMapWithMeta(ns, 'green'))?.data).toEqual({ k: 'green' });
      await expect(b.readConfigMapWithMeta(ns, 'green')).rejects.toMatchObject({ code: 403 });
      await expect(g.readConfigMapWithMeta(ns, 'blue')).rejects.toMatchObject({ code: 403 });
    } finally {
      await Promise.all([b.close(), g.close()]);
    }
  });

  it('derives different names from the subject and the ConfigMap, and still prints the old name on request', () => {
    const group = { kind: 'Group', name: 'webhook-secret-sync' } as const;
    const cm = { namespace: 'wss', name: 'wss' };
    expect(rbacName(group, cm)).toMatch(/^webhook-secret-sync-webhook-secret-sync-[0-9a-f]{8}$/u);
    expect(rbacName(group, cm)).not.toBe(rbacName({ kind: 'Group', name: 'other' }, cm));
    expect(rbacName(group, cm)).not.toBe(rbacName(group, { namespace: 'wss', name: 'second' }));
    expect(rbacName(group, cm)).not.toBe(rbacName({ kind: 'User', name: 'webhook-secret-sync' }, cm));
    const legacy = rbacFor(EMPTY, { subject: group, configMap: cm, name: LEGACY_RBAC_NAME });
    expect(legacy.map((d) => (d.metadata as { name: string }).name)).toEqual([LEGACY_RBAC_NAME, LEGACY_RBAC_NAME]);
  });
});
