/**
 * Every path that deletes or rewrites a Secret (prune, deletionPolicy Delete on a 404, adoption and
 * take-over, 409 retries on apply and on delete) keeps what it must keep. Real apiserver, run as
 * the identity `rbac` prints; only the moment of a concurrent change is staged (by the admin).
 */
import { describe, expect, it } from 'vitest';
import type { KubeGateway } from '../../src/kube/gateway.ts';
import { runOnce } from '../../src/app/run.ts';
import { admin } from '../support/cluster.ts';
import { useScenario } from '../support/scenario.ts';

const STORE = { url: '/secrets/{{ .remoteRef.key }}', result: { jsonPath: '$.value' } };
const one = (target: Record<string, unknown>) => ({ data: [{ secretKey: 'value', remoteRef: { key: 'db' } }], target });
const X = 'configmap:cfg/x';
const Y = 'configmap:cfg/y';

/** The real gateway, with some methods wrapped (to stage a concurrent change at an exact moment). */
function around(inner: KubeGateway, overrides: Partial<KubeGateway>): KubeGateway {
  return new Proxy(inner, {
    get: (target, key: keyof KubeGateway) => overrides[key] ?? (target[key] as (...a: unknown[]) => unknown).bind(target),
  });
}

/** As another config (or a person) would: re-record the Secret under another source, bumping its version. */
async function moveToSource(namespace: string, name: string, source: string): Promise<void> {
  await admin().core.patchNamespacedSecret({ namespace, name, body: [{ op: 'replace', path: `/metadata/annotations/webhook-secret-sync.io~1source`, value: source }] });
}

describe('paths that delete or rewrite a Secret keep what they must keep', () => {
  const t = useScenario('kd', (e) => { e.on('GET', '/secrets/db', { body: { value: 'cnry-kept' } }); });

  it('prune deletes only orphaned Owner Secrets of its own source: never a current target, another source\'s, an Orphan one or one we did not create', async () => {
    // Prepare
    await t.s.sync(t.s.config(STORE, [one({ name: 'orphan' }), one({ name: 'renamed' }), one({ name: 'orphan-policy', creationPolicy: 'Orphan' })]), { all: true }, X);
    await t.s.sync(t.s.config(STORE, [one({ name: 'other-source' })]), { all: true }, Y);
    await admin().core.createNamespacedSecret({ namespace: t.s.namespace, body: { metadata: { name: 'not-ours' }, stringData: { value: 'cnry-theirs' } } });
    const renamed = t.s.config(STORE, [one({ name: 'renamed' })]);
    const next = { ...renamed, externalSecrets: renamed.externalSecrets.map((e) => ({ ...e, name: 'new-name' })) };
    // Act
    const summary = await t.s.sync(next, { all: true }, X);
    // Assess
    expect(summary.outcomes.filter((o) => o.result === 'deleted').map((o) => o.target)).toEqual([`${t.s.namespace}/orphan`]);
    expect(summary.outcomes).toContainEqual(expect.objectContaining({ externalSecret: `${t.s.namespace}/new-name`, result: 'updated' }));
    for (const name of ['renamed', 'orphan-policy', 'other-source']) expect((await t.s.secret(name))?.data).toEqual({ value: 'cnry-kept' });
    expect((await t.s.secret('not-ours'))?.data).toEqual({ value: 'cnry-theirs' });
  });

  it('prune with a count limit deletes nothing when more would go, and says so once', async () => {
    await t.s.sync(t.s.config(STORE, [one({ name: 'a' }), one({ name: 'b' }), one({ name: 'c' })]), { all: true }, X);
    const summary = await runOnce({ gateway: t.s.gateway, config: t.s.config(STORE, [one({ name: 'a' })]), source: X, selection: {}, maxPrune: { count: 1 } });
    expect(summary.outcomes.filter((o) => o.result !== 'skipped')).toEqual([expect.objectContaining({
      result: 'failed', message: expect.stringContaining(`prune refused: 2 of the 3 Owner Secret(s) of ${X} would be deleted, above the prune limit 1 (1 per run)`),
    })]);
    for (const name of ['b', 'c']) expect((await t.s.secret(name))?.data).toEqual({ value: 'cnry-kept' });
  });

  it('deletionPolicy Delete on a 404 never deletes a Secret recorded by another source or another ExternalSecret', async () => {
    await t.s.sync(t.s.config(STORE, [one({ name: 'theirs' })]), { all: true }, Y);
    await t.s.sync(t.s.config(STORE, [one({ name: 'renamed' })]), { all: true }, X);
    t.endpoint.on('GET', '/secrets/db', { status: 404, body: 'gone' });
    const deleting = t.s.config(STORE, [one({ name: 'theirs', deletionPolicy: 'Delete' }), one({ name: 'renamed', deletionPolicy: 'Delete' })]);
    const next = { ...deleting, externalSecrets: deleting.externalSecrets.map((e, i) => ({ ...e, name: `new-${String(i)}` })) };
    const summary = await t.s.sync(next, { all: true }, X);
    expect(summary.outcomes).toEqual(expect.arrayContaining([
      expect.objectContaining({ target: `${t.s.namespace}/theirs`, result: 'failed', message: expect.stringContaining(`recorded as written by ${t.s.namespace}/es-0 of ${Y}, not by this ExternalSecret; kept`) }),
      expect.objectContaining({ target: `${t.s.namespace}/renamed`, result: 'failed', message: expect.stringContaining(`recorded as written by ${t.s.namespace}/es-0 of ${X}, not by this ExternalSecret; kept`) }),
    ]));
    expect((await t.s.secret('theirs'))?.data).toEqual({ value: 'cnry-kept' });
    expect((await t.s.secret('renamed'))?.data).toEqual({ value: 'cnry-kept' });
  });

  it('a take-over annotation naming a different source takes nothing, and no failure is recorded on the other source\'s Secret', async () => {
    await t.s.sync(t.s.config(STORE, [one({ name: 'theirs' })]), { all: true }, Y);
    const before = await t.s.secret('theirs');
    t.endpoint.on('GET', '/secrets/db', { body: { value: 'cnry-new' } });
    const wrong = t.s.config(STORE, [one({ name: 'theirs' })]);
    const annotated = { ...wrong, externalSecrets: wrong.externalSecrets.map((e) => ({ ...e, annotations: { 'webhook-secret-sync.io/take-over-from': 'configmap:cfg/not-y' } })) };
    const summary = await t.s.sync(annotated, { all: true }, X);
    expect(summary.outcomes).toEqual([expect.objectContaining({ result: 'failed', message: expect.stringContaining(`managed from another source (${Y}`) })]);
    expect(await t.s.secret('theirs')).toEqual(before);
  });

  it('a 409 on apply re-checks ownership: a Secret moved to another source meanwhile is not overwritten', async () => {
    const config = t.s.config(STORE, [one({ name: 'moving' })]);
    await t.s.sync(config, { all: true }, X);
    t.endpoint.on('GET', '/secrets/db', { body: { value: 'cnry-stale' } });
    let moved = false;
    const racing = around(t.s.gateway, {
      async applySecret(secret, options) {
        if (!moved) {
          moved = true;
          await moveToSource(secret.namespace, secret.name, Y); // our resourceVersion is now stale: 409
        }
        return t.s.gateway.applySecret(secret, options);
      },
    });
    const summary = await runOnce({ gateway: racing, config, source: X, selection: { all: true } });
    expect(moved).toBe(true);
    expect(summary.outcomes).toEqual([expect.objectContaining({ result: 'failed', message: expect.stringContaining(`managed from another source (${Y}`) })]);
    expect((await t.s.secret('moving'))?.data).toEqual({ value: 'cnry-kept' });
  });

  it('a 409 on a prune delete re-checks ownership: a Secret moved to another source meanwhile is kept', async () => {
    await t.s.sync(t.s.config(STORE, [one({ name: 'stays' }), one({ name: 'moving' })]), { all: true }, X);
    let moved = false;
    const racing = around(t.s.gateway, {
      async deleteSecret(namespace, name, pre) {
        if (!moved) {
          moved = true;
          await moveToSource(namespace, name, Y);
        }
        return t.s.gateway.deleteSecret(namespace, name, pre);
      },
    });
    const summary = await runOnce({ gateway: racing, config: t.s.config(STORE, [one({ name: 'stays' })]), source: X, selection: {} });
    expect(moved).toBe(true);
    expect(summary.outcomes).toContainEqual(expect.objectContaining({ target: `${t.s.namespace}/moving`, result: 'skipped', message: 'orphaned secret kept: it changed owner or source during the run' }));
    expect((await t.s.secret('moving'))?.data).toEqual({ value: 'cnry-kept' });
  });
});
