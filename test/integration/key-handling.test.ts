/**
 * ESO's key and value handling against the real apiserver: a conversion collision or a rewrite that
 * empties every key fails only its ExternalSecret, names the cause and writes nothing; Go's base64
 * decodes what `base64` prints (wrapped at 76 columns) and leaves plain words alone under Auto.
 */
import { describe, expect, it } from 'vitest';
import { useScenario } from '../support/scenario.ts';

const STORE = { url: '/kv/{{ .remoteRef.key }}', result: { jsonPath: '{{ if .remoteRef.property }}$.{{ .remoteRef.property }}{{ end }}' } };
// Wrapped at 76 columns, as GNU coreutils' `base64` prints it.
const TEXT = 'cnry-'.repeat(20);
const WRAPPED = Buffer.from(TEXT).toString('base64').replace(/.{76}/gu, '$&\n');

describe('key handling (ESO semantics, real apiserver)', () => {
  const t = useScenario('kh');

  it.each([
    [
      'a conversion collision',
      { dataFrom: [{ extract: { key: 'clash', conversionStrategy: 'Default' } }] },
      'spec.dataFrom[0].extract: secret name collision during conversion: db_password',
    ],
    [
      'a rewrite that empties every key',
      { dataFrom: [{ extract: { key: 'clash' }, rewrite: [{ regexp: { source: '(.*)', target: '$1_MONITOR' } }] }] },
      'spec.dataFrom[0].rewrite[0]: the rewrite turned every key into "": "db password", "db_password"; in Go\'s replacement syntax $1_MONITOR is the group named "1_MONITOR", which the regexp does not have: write ${1}_MONITOR for group 1',
    ],
  ])('%s fails only its ExternalSecret, names the cause and writes nothing', async (_name, spec, message) => {
    t.endpoint.on('GET', '/kv/clash', { body: { 'db password': 'cnry-one', db_password: 'cnry-two' } });
    t.endpoint.on('GET', '/kv/fine', { body: { user: 'cnry-user' } });
    const summary = await t.s.sync(t.s.config(STORE, [spec, { dataFrom: [{ extract: { key: 'fine' } }] }]));
    const outcome = (i: number) => summary.outcomes.find((o) => o.externalSecret.endsWith(`/es-${String(i)}`));
    expect(outcome(0)).toMatchObject({ result: 'failed', message: expect.stringContaining(message) });
    expect(outcome(0)?.message).not.toContain('cnry-');
    expect(await t.s.secret('es-0')).toBeUndefined();
    expect(outcome(1)?.result).toBe('created');
    expect((await t.s.secret('es-1'))?.data).toEqual({ user: 'cnry-user' });
  });

  it('decodes wrapped base64 and keeps plain words under Auto, as Go', async () => {
    t.endpoint.on('GET', '/kv/app', { body: { wrapped: WRAPPED, word: 'hunter2', plain: 'secret' } });
    const summary = await t.s.sync(t.s.config(STORE, [{
      data: [
        { secretKey: 'b64', remoteRef: { key: 'app', property: 'wrapped', decodingStrategy: 'Base64' } },
        { secretKey: 'auto', remoteRef: { key: 'app', property: 'wrapped', decodingStrategy: 'Auto' } },
        { secretKey: 'word', remoteRef: { key: 'app', property: 'word', decodingStrategy: 'Auto' } },
        { secretKey: 'plain', remoteRef: { key: 'app', property: 'plain', decodingStrategy: 'Auto' } },
      ],
    }]));
    expect(summary.outcomes[0]?.result).toBe('created');
    expect((await t.s.secret('es-0'))?.data).toEqual({ b64: TEXT, auto: TEXT, word: 'hunter2', plain: 'secret' });
  });
});
