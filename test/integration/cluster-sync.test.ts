/**
 * Cluster sync against the real kube-apiserver, run as the identity `rbac` prints (a ServiceAccount
 * with exactly those Roles), with a real HTTPS endpoint.
 */
import { describe, expect, it } from 'vitest';
import { gatewayFromKubeconfigText } from '../../src/app/kube.ts';
import { runOnce } from '../../src/app/run.ts';
import { admin } from '../support/cluster.ts';
import { useScenario } from '../support/scenario.ts';
import { auditOf, writesIn } from '../support/sync.ts';

const STORE = { url: '/secrets/{{ .remoteRef.key }}', result: { jsonPath: '$.value' } };
const one = (extra: Record<string, unknown> = {}) => ({ data: [{ secretKey: 'password', remoteRef: { key: 'db' } }], ...extra });

describe('cluster sync', () => {
  const t = useScenario('cs');

  it('creates an Owner Secret with data, managed labels, status annotations and a Created event', async () => {
    // Prepare
    t.endpoint.on('GET', '/secrets/db', { body: { value: 'cnry-pw1' } });
    const config = t.s.config(STORE, [one()]);
    // Act
    const summary = await t.s.sync(config);
    // Assess
    expect(summary.counts).toMatchObject({ created: 1, failed: 0 });
    const secret = await t.s.secret('es-0');
    expect(secret?.data).toEqual({ password: 'cnry-pw1' });
    expect(secret?.labels['webhook-secret-sync.io/managed']).toBe('true');
    expect(secret?.annotations).toMatchObject({
      'webhook-secret-sync.io/external-secret': `${t.s.namespace}/es-0`,
      'webhook-secret-sync.io/source': 'files',
      'webhook-secret-sync.io/cadence': '1h',
    });
    expect(Date.parse(secret?.annotations['webhook-secret-sync.io/last-sync'] ?? '')).toBeGreaterThan(Date.now() - 60_000);
    expect(await t.s.events()).toContainEqual({ reason: 'Created', type: 'Normal', message: 'secret created', object: 'es-0' });
  });

  it('makes zero writes and at most 1 + namespaces reads on a second run with nothing changed (audit log)', async () => {
    // Prepare
    t.endpoint.on('GET', '/secrets/db', { body: { value: 'cnry-pw1' } });
    const config = t.s.config(STORE, [one(), one({ target: { name: 'second' } })]);
    await t.s.sync(config);
    const before = await auditOf(t.s.identity.user);
    // Act
    const summary = await t.s.sync(config, { all: true });
    // Assess
    const during = (await auditOf(t.s.identity.user)).slice(before.length);
    expect(summary.counts).toMatchObject({ unchanged: 2, created: 0, updated: 0 });
    expect(writesIn(during)).toEqual([]);
    expect(during.length).toBeLessThanOrEqual(1 + 1);
    expect(during).toContainEqual(expect.objectContaining({ verb: 'list', resource: 'secrets', namespace: t.s.namespace }));
  });

  it('reuses apiserver connections: 10 ExternalSecrets in at most 4 TLS connections', async () => {
    t.endpoint.on('GET', '/secrets/db', { body: { value: 'cnry-pw1' } });
    const config = t.s.config(STORE, Array.from({ length: 10 }, (_, i) => one({ target: { name: `t${String(i)}` } })));
    let connections = 0;
    const gateway = await gatewayFromKubeconfigText(t.s.identity.kubeconfigYaml, () => { connections++; });
    try {
      const summary = await runOnce({ gateway, config, source: 'files', selection: {} });
      expect(summary.counts.created).toBe(10);
    } finally {
      await gateway.close();
    }
    expect(connections).toBeGreaterThan(0);
    expect(connections).toBeLessThanOrEqual(4);
  });

  it('reads the state of new targets with one metadata LIST per namespace, not a GET per target', async () => {
    t.endpoint.on('GET', '/secrets/db', { body: { value: 'cnry-pw1' } });
    const before = (await auditOf(t.s.identity.user)).length;
    const summary = await t.s.sync(t.s.config(STORE, Array.from({ length: 5 }, (_, i) => one({ target: { name: `n${String(i)}` } }))));
    const during = (await auditOf(t.s.identity.user)).slice(before);
    expect(summary.counts.created).toBe(5);
    expect(during.filter((e) => e.resource === 'secrets' && e.verb === 'get')).toEqual([]);
    expect(during.filter((e) => e.resource === 'secrets' && e.verb === 'list')).toHaveLength(2);
  });

  it('starts no new ExternalSecret once the run\'s time budget is spent, and reports those as skipped', async () => {
    t.endpoint.on('GET', (r) => r.path.startsWith('/secrets/'), { body: { value: 'cnry-slow' }, delayMs: 300 });
    const config = t.s.config(STORE, Array.from({ length: 80 }, (_, i) => ({ data: [{ secretKey: 'v', remoteRef: { key: `k${String(i)}` } }], target: { name: `d${String(i)}` } })));
    const summary = await runOnce({ gateway: t.s.gateway, config, source: 'files', selection: {}, deadline: Date.now() + 150 });
    const skipped = summary.outcomes.filter((o) => o.reason === 'DeadlineReached');
    expect(skipped.length).toBeGreaterThan(0);
    expect(summary.counts.created + skipped.length).toBe(80);
    expect(summary.counts.failed).toBe(0);
    expect(await t.s.secret(skipped[0]!.target.split('/')[1]!)).toBeUndefined();
  });

  it('updates the Secret when the endpoint value changes, with an Updated event', async () => {
    t.endpoint.on('GET', '/secrets/db', { body: { value: 'cnry-pw1' } });
    const config = t.s.config(STORE, [one()]);
    await t.s.sync(config);
    t.endpoint.on('GET', '/secrets/db', { body: { value: 'cnry-pw2' } });
    const summary = await t.s.sync(config, { all: true });
    expect(summary.counts.updated).toBe(1);
    expect((await t.s.secret('es-0'))?.data).toEqual({ password: 'cnry-pw2' });
    expect((await t.s.events()).map((e) => e.reason)).toContain('Updated');
  });

  it('keeps the data when a later fetch fails, records the error, and clears it after a success', async () => {
    t.endpoint.on('GET', '/secrets/db', { body: { value: 'cnry-pw1' } });
    const config = t.s.config(STORE, [one()]);
    await t.s.sync(config);
    t.endpoint.on('GET', '/secrets/db', { status: 503, body: 'down' });
    const failed = await t.s.sync(config, { all: true });
    expect(failed.outcomes[0]).toMatchObject({ result: 'failed', message: expect.stringContaining('spec.data[0] (key: db): endpoint gave error 503 Service Unavailable') });
    const kept = await t.s.secret('es-0');
    expect(kept?.data).toEqual({ password: 'cnry-pw1' });
    expect(kept?.annotations['webhook-secret-sync.io/last-error']).toContain('503');
    expect(await t.s.events()).toContainEqual(expect.objectContaining({ reason: 'UpdateFailed', type: 'Warning' }));
    t.endpoint.on('GET', '/secrets/db', { body: { value: 'cnry-pw1' } });
    await t.s.sync(config, { all: true });
    expect((await t.s.secret('es-0'))?.annotations['webhook-secret-sync.io/last-error']).toBeUndefined();
  });

  it('deletes an Owner Secret whose ExternalSecret left the config, but not an Orphan one', async () => {
    t.endpoint.on('GET', '/secrets/db', { body: { value: 'cnry-vvv' } });
    const both = t.s.config(STORE, [one(), one({ target: { name: 'orphan', creationPolicy: 'Orphan' } })]);
    await t.s.sync(both, { all: true }, 'configmap:x/y');
    const none = t.s.config(STORE, [one({ target: { name: 'unrelated' } })]);
    const summary = await t.s.sync(none, { all: true }, 'configmap:x/y');
    expect(summary.outcomes).toContainEqual(expect.objectContaining({ target: `${t.s.namespace}/es-0`, result: 'deleted' }));
    expect(await t.s.secret('es-0')).toBeUndefined();
    expect((await t.s.secret('orphan'))?.data).toEqual({ password: 'cnry-vvv' });
  });

  it('never overwrites a Secret it does not own under Owner', async () => {
    await admin().core.createNamespacedSecret({ namespace: t.s.namespace, body: { metadata: { name: 'es-0' }, stringData: { password: 'cnry-theirs' } } });
    t.endpoint.on('GET', '/secrets/db', { body: { value: 'cnry-ours' } });
    const summary = await t.s.sync(t.s.config(STORE, [one()]));
    expect(summary.outcomes[0]).toMatchObject({ result: 'failed', message: expect.stringContaining('failed to take ownership of target secret') });
    expect((await t.s.secret('es-0'))?.data).toEqual({ password: 'cnry-theirs' });
  });

  // Since issue #11 a Merge whose target is missing is a failure (reason SecretMissing), no longer a skip.
  it('Merge writes its keys into an existing Secret and keeps the others; it does not create a missing one', async () => {
    await admin().core.createNamespacedSecret({ namespace: t.s.namespace, body: { metadata: { name: 'shared' }, stringData: { other: 'cnry-keep' } } });
    t.endpoint.on('GET', '/secrets/db', { body: { value: 'cnry-merged' } });
    const summary = await t.s.sync(t.s.config(STORE, [one({ target: { name: 'shared', creationPolicy: 'Merge' } }), one({ target: { name: 'absent', creationPolicy: 'Merge' } })]));
    expect((await t.s.secret('shared'))?.data).toEqual({ other: 'cnry-keep', password: 'cnry-merged' });
    expect(await t.s.secret('absent')).toBeUndefined();
    expect(summary.outcomes).toContainEqual(expect.objectContaining({ target: `${t.s.namespace}/absent`, result: 'failed', reason: 'SecretMissing' }));
  });

  it.each([
    ['Retain', 'failed', { password: 'cnry-vvv' }],
    ['Delete', 'deleted', undefined],
  ] as const)('on a 404 with deletionPolicy %s the result is %s', async (policy, result, data) => {
    t.endpoint.on('GET', '/secrets/db', { body: { value: 'cnry-vvv' } });
    const config = t.s.config(STORE, [one({ target: { deletionPolicy: policy } })]);
    await t.s.sync(config);
    t.endpoint.on('GET', '/secrets/db', { status: 404, body: 'gone' });
    const summary = await t.s.sync(config, { all: true });
    expect(summary.outcomes[0]?.result).toBe(result);
    expect((await t.s.secret('es-0'))?.data).toEqual(data);
  });

  it('with deletionPolicy Merge a 404 entry is dropped and the others are kept', async () => {
    t.endpoint.on('GET', '/secrets/db', { body: { value: 'cnry-vvv' } });
    t.endpoint.on('GET', '/secrets/api', { body: { value: 'cnry-aaa' } });
    const spec = { data: [{ secretKey: 'password', remoteRef: { key: 'db' } }, { secretKey: 'api', remoteRef: { key: 'api' } }], target: { deletionPolicy: 'Merge' } };
    const config = t.s.config(STORE, [spec]);
    await t.s.sync(config);
    t.endpoint.on('GET', '/secrets/api', { status: 404 });
    await t.s.sync(config, { all: true });
    expect((await t.s.secret('es-0'))?.data).toEqual({ password: 'cnry-vvv' });
  });

  it.each([
    ['Retain', 'unchanged', { value: 'cnry-kept' }],
    ['Delete', 'deleted', undefined],
  ] as const)('an empty answer with deletionPolicy %s never blanks the Secret (result %s)', async (policy, result, data) => {
    t.endpoint.on('GET', '/map/m', { body: { value: 'cnry-kept' } });
    const config = t.s.config({ url: '/map/{{ .remoteRef.key }}' }, [{ dataFrom: [{ extract: { key: 'm' } }], target: { deletionPolicy: policy } }]);
    await t.s.sync(config);
    t.endpoint.on('GET', '/map/m', { body: {} });
    const summary = await t.s.sync(config, { all: true });
    expect(summary.outcomes[0]?.result).toBe(result);
    expect((await t.s.secret('es-0'))?.data).toEqual(data);
  });

  it('removes a key someone added to an Owner Secret, then stays quiet', async () => {
    t.endpoint.on('GET', '/secrets/db', { body: { value: 'cnry-pw1' } });
    const config = t.s.config(STORE, [one()]);
    await t.s.sync(config);
    await admin().core.patchNamespacedSecret({ namespace: t.s.namespace, name: 'es-0', body: [{ op: 'add', path: '/data/extra', value: Buffer.from('cnry-intruder').toString('base64') }] });
    const repaired = await t.s.sync(config, { cadence: '15m', scheduledCadences: ['15m', '1h'] });
    expect(repaired.outcomes[0]).toMatchObject({ result: 'updated' });
    expect((await t.s.secret('es-0'))?.data).toEqual({ password: 'cnry-pw1' });
    const quiet = await t.s.sync(config, { cadence: '15m', scheduledCadences: ['15m', '1h'] });
    expect(quiet.outcomes[0]).toMatchObject({ result: 'skipped', reason: 'NotDue' });
  });

  it('adopts an existing Secret with Orphan and keeps its type', async () => {
    await admin().core.createNamespacedSecret({ namespace: t.s.namespace, body: { metadata: { name: 'tls' }, type: 'kubernetes.io/tls', data: { 'tls.crt': Buffer.from('cnry-crt').toString('base64'), 'tls.key': Buffer.from('cnry-key').toString('base64') } } });
    t.endpoint.on('GET', (r) => r.path.startsWith('/secrets/'), (r) => ({ body: { value: `cnry-${r.path.split('/')[2] ?? ''}-new` } }));
    const config = t.s.config(STORE, [{ data: [{ secretKey: 'tls.crt', remoteRef: { key: 'crt' } }, { secretKey: 'tls.key', remoteRef: { key: 'key' } }], target: { name: 'tls', creationPolicy: 'Orphan' } }]);
    const summary = await t.s.sync(config);
    expect(summary.outcomes[0]).toMatchObject({ result: 'updated' });
    expect(await t.s.secret('tls')).toMatchObject({ type: 'kubernetes.io/tls', data: { 'tls.crt': 'cnry-crt-new', 'tls.key': 'cnry-key-new' } });
  });

  it('creates an immutable Secret and refuses to change it later', async () => {
    t.endpoint.on('GET', '/secrets/db', { body: { value: 'cnry-v1x' } });
    const config = t.s.config(STORE, [one({ target: { immutable: true } })]);
    await t.s.sync(config);
    expect((await t.s.secret('es-0'))?.immutable).toBe(true);
    t.endpoint.on('GET', '/secrets/db', { body: { value: 'cnry-v2x' } });
    const summary = await t.s.sync(config, { all: true });
    expect(summary.outcomes[0]?.message).toContain('secret is immutable');
    expect((await t.s.secret('es-0'))?.data).toEqual({ password: 'cnry-v1x' });
  });

  it('refuses a target owned by another ExternalSecret that is still in the config', async () => {
    // Since issue #10 an owner that left the config is taken over (a rename); one still in it never is.
    t.endpoint.on('GET', '/secrets/db', { body: { value: 'cnry-vvv' } });
    await t.s.sync(t.s.config(STORE, [one({ target: { name: 'taken' } })]));
    const other = t.s.config(STORE, [{ ...one({ target: { name: 'taken' } }) }]);
    const both = { ...other, externalSecrets: [...other.externalSecrets, ...other.externalSecrets.map((e) => ({ ...e, name: 'intruder' }))] };
    const summary = await t.s.sync(both, { all: true }, 'files');
    expect(summary.outcomes).toContainEqual(expect.objectContaining({ externalSecret: `${t.s.namespace}/intruder`, result: 'failed', message: expect.stringContaining(`target is owned by another ExternalSecret (${t.s.namespace}/es-0)`) }));
    expect((await t.s.secret('taken'))?.annotations['webhook-secret-sync.io/external-secret']).toBe(`${t.s.namespace}/es-0`);
  });

  it('applies target.template: type, labels, annotations and data', async () => {
    t.endpoint.on('GET', '/secrets/db', { body: { value: 'cnry-pwd' } });
    const template = { type: 'kubernetes.io/basic-auth', metadata: { labels: { app: 'web' }, annotations: { note: 'length {{ .password | len }}' } }, data: { username: 'admin', password: '{{ .password }}' } };
    await t.s.sync(t.s.config(STORE, [one({ target: { template } })]));
    const secret = await t.s.secret('es-0');
    expect(secret).toMatchObject({ type: 'kubernetes.io/basic-auth', data: { username: 'admin', password: 'cnry-pwd' } });
    expect(secret?.labels.app).toBe('web');
    expect(secret?.annotations.note).toBe('length 8');
  });

  it('cannot do what its Role does not allow (read Secrets elsewhere, list ConfigMaps)', async () => {
    const other = await (await import('../support/cluster.ts')).freshNamespace('other');
    await admin().core.createNamespacedSecret({ namespace: other, body: { metadata: { name: 'x' }, stringData: { a: 'cnry-other' } } });
    await expect(t.s.gateway.getSecret(other, 'x')).rejects.toMatchObject({ code: 403 });
    await expect(t.s.gateway.listManagedSecrets(other)).rejects.toMatchObject({ code: 403 });
    await expect(t.s.gateway.readConfigMapWithMeta(t.s.namespace, 'anything')).rejects.toMatchObject({ code: 403 });
  });
});
