/**
 * External Secrets Operator as a cluster holds it, written for the tests (ESO itself does not run
 * here): minimal CRDs of group external-secrets.io serving v1 and v1beta1, and objects shaped as ESO
 * leaves them: the cleanup finalizer on ExternalSecrets, and target Secrets with a controller
 * ownerReference to their ExternalSecret, ESO's `reconcile.external-secrets.io/*` labels and its
 * data-hash annotation (names as in ESO v2's source).
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiextensionsV1Api, CustomObjectsApi, type V1CustomResourceDefinition } from '@kubernetes/client-node';
import { admin } from './cluster.ts';

export const ESO_FINALIZER = 'externalsecrets.external-secrets.io/externalsecret-cleanup';
const KINDS = [
  { kind: 'ExternalSecret', plural: 'externalsecrets', scope: 'Namespaced' },
  { kind: 'SecretStore', plural: 'secretstores', scope: 'Namespaced' },
  { kind: 'ClusterSecretStore', plural: 'clustersecretstores', scope: 'Cluster' },
] as const;

function crd(k: (typeof KINDS)[number]): V1CustomResourceDefinition {
  // Free-form (x-kubernetes-preserve-unknown-fields; client-node's model spells it x_kubernetes_preserve_unknown_fields):
  // ESO's real schemas are long, and only the shape of its objects matters here.
  const schema = { openAPIV3Schema: { type: 'object', x_kubernetes_preserve_unknown_fields: true } };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${k.plural}.external-secrets.io` },
    spec: {
      group: 'external-secrets.io',
      scope: k.scope,
      names: { kind: k.kind, plural: k.plural, singular: k.kind.toLowerCase(), listKind: `${k.kind}List` },
      versions: [
        { name: 'v1', served: true, storage: true, schema, subresources: { status: {} } },
        { name: 'v1beta1', served: true, storage: false, schema, subresources: { status: {} } },
      ],
    },
  };
}

const apiext = () => admin().kubeConfig.makeApiClient(ApiextensionsV1Api);
export const customObjects = (): CustomObjectsApi => admin().kubeConfig.makeApiClient(CustomObjectsApi);

/** Installs ESO's three CRDs (those not there yet) and waits until the apiserver serves them. */
export async function installEsoCrds(): Promise<void> {
  for (const k of KINDS) {
    await apiext().createCustomResourceDefinition({ body: crd(k) }).catch((e: unknown) => {
      if ((e as { code?: number }).code !== 409) throw e;
    });
  }
  for (const k of KINDS) {
    for (;;) {
      const c = await apiext().readCustomResourceDefinition({ name: `${k.plural}.external-secrets.io` });
      if (c.status?.conditions?.some((x) => x.type === 'Established' && x.status === 'True')) break;
      await sleep(100);
    }
  }
}

/** Deletes the CRDs if present (every remaining ESO object with them) and waits until they are gone. */
export async function uninstallEsoCrds(): Promise<void> {
  for (const k of KINDS) {
    await apiext().deleteCustomResourceDefinition({ name: `${k.plural}.external-secrets.io` }).catch((e: unknown) => {
      if ((e as { code?: number }).code !== 404) throw e;
    });
  }
  for (const k of KINDS) {
    while (await apiext().readCustomResourceDefinition({ name: `${k.plural}.external-secrets.io` }).then(() => true, () => false)) await sleep(200);
  }
}

/** Creates an ESO object (ExternalSecrets get ESO's finalizer) and returns its uid. */
export async function createEsoObject(o: { kind: 'ExternalSecret' | 'SecretStore' | 'ClusterSecretStore'; name: string; namespace?: string; spec: Record<string, unknown> }): Promise<string> {
  const k = KINDS.find((x) => x.kind === o.kind);
  if (!k) throw new Error(`unknown kind ${o.kind}`);
  const body = {
    apiVersion: 'external-secrets.io/v1', kind: o.kind,
    metadata: { name: o.name, ...(o.namespace ? { namespace: o.namespace } : {}), ...(o.kind === 'ExternalSecret' ? { finalizers: [ESO_FINALIZER] } : {}) },
    spec: o.spec,
  };
  const created = (o.namespace
    ? await customObjects().createNamespacedCustomObject({ group: 'external-secrets.io', version: 'v1', namespace: o.namespace, plural: k.plural, body })
    : await customObjects().createClusterCustomObject({ group: 'external-secrets.io', version: 'v1', plural: k.plural, body })) as { metadata: { uid: string } };
  return created.metadata.uid;
}

/** The Secret ESO would have written for an Owner ExternalSecret (`uid` is the ExternalSecret's). */
export async function createEsoSecret(o: { namespace: string; name: string; externalSecret: string; uid: string; data: Record<string, string> }): Promise<void> {
  const data = Object.fromEntries(Object.entries(o.data).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
  await admin().core.createNamespacedSecret({
    namespace: o.namespace,
    body: {
      metadata: {
        name: o.name,
        labels: {
          'reconcile.external-secrets.io/managed': 'true',
          'reconcile.external-secrets.io/created-by': createHash('sha256').update(`${o.namespace}/${o.externalSecret}`).digest('hex').slice(0, 56),
        },
        annotations: { 'reconcile.external-secrets.io/data-hash': createHash('sha256').update(JSON.stringify(o.data)).digest('hex').slice(0, 56) },
        ownerReferences: [{ apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', name: o.externalSecret, uid: o.uid, controller: true, blockOwnerDeletion: true }],
      },
      type: 'Opaque',
      data,
    },
  });
}

/** The runbook's finalizer step: ESO is stopped, so nobody else removes it. */
export async function removeFinalizerAndDelete(namespace: string, name: string): Promise<void> {
  await customObjects().patchNamespacedCustomObject(
    { group: 'external-secrets.io', version: 'v1', namespace, plural: 'externalsecrets', name, body: [{ op: 'remove', path: '/metadata/finalizers' }] },
  );
  await customObjects().deleteNamespacedCustomObject({ group: 'external-secrets.io', version: 'v1', namespace, plural: 'externalsecrets', name });
}

/** Test clean-up: strip ESO's finalizer from every ExternalSecret left (a failed test), so the CRDs can go. */
export async function releaseAllExternalSecrets(): Promise<void> {
  const list = await customObjects().listClusterCustomObject({ group: 'external-secrets.io', version: 'v1', plural: 'externalsecrets' }).catch(() => ({ items: [] })) as { items: { metadata: { name: string; namespace: string; finalizers?: string[] } }[] };
  for (const o of list.items) {
    if (o.metadata.finalizers?.length) {
      await customObjects().patchNamespacedCustomObject({ group: 'external-secrets.io', version: 'v1', namespace: o.metadata.namespace, plural: 'externalsecrets', name: o.metadata.name, body: [{ op: 'remove', path: '/metadata/finalizers' }] });
    }
  }
}
