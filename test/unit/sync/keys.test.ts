import { describe, expect, it } from 'vitest';
import { convertKeys, decodeValue, isValidSecretKey, rewriteKeys, validateKeys } from '../../../src/sync/keys.ts';

describe('dataFrom key handling (ESO semantics)', () => {
  it.each([
    ['regexp with Go ${1} groups', [{ regexp: { source: '^db-(.*)$', target: 'database_${1}' } }], { 'db-user': 1, other: 2 }, { database_user: 1, other: 2 }],
    ['regexp with a Go named group', [{ regexp: { source: '^(?P<k>[a-z]+)-x$', target: '${k}' } }], { 'abc-x': 1 }, { abc: 1 }],
    ['transform with a template over .value', [{ transform: { template: '{{ .value | upper }}' } }], { key: 1 }, { KEY: 1 }],
    ['rewrites in order', [{ regexp: { source: 'a', target: 'b' } }, { regexp: { source: 'b', target: 'c' } }], { a: 1 }, { c: 1 }],
  ])('%s', (_name, rewrites, input, want) => {
    expect(rewriteKeys(input, rewrites)).toEqual(want);
  });

  it.each([
    ['Default', { 'a/b c': 1 }, { 'a_b_c': 1 }],
    ['Unicode', { 'a/b': 1 }, { 'a_U002f_b': 1 }],
    [undefined, { 'é': 1 }, { _: 1 }],
  ] as const)('conversionStrategy %s', (strategy, input, want) => {
    expect(convertKeys({ ...input }, strategy)).toEqual(want);
  });

  it('drops empty keys and rejects invalid ones with ESO\'s tip', () => {
    expect(validateKeys({ '': 1, ok: 2 })).toEqual({ ok: 2 });
    expect(() => validateKeys({ 'bad key': 1 })).toThrow('invalid secret keys (TIP: use rewrite or conversionStrategy to change keys): "bad key"');
  });

  it('knows the Kubernetes key rule', () => {
    expect(isValidSecretKey('tls.crt')).toBe(true);
    expect(isValidSecretKey('a'.repeat(254))).toBe(false);
    expect(isValidSecretKey('a:b')).toBe(false);
  });

  it.each([
    ['None', 'aGVsbG8=', 'aGVsbG8='],
    ['Base64', 'aGVsbG8=', 'hello'],
    // Was 'aGk_Pz8' (unpadded): Go's URLEncoding requires padding, as ESO, so the case is now padded.
    ['Base64URL', 'aGk_Pz8=', 'hi???'],
    ['Auto', 'aGVsbG8=', 'hello'],
    ['Auto', 'not base64!', 'not base64!'],
  ] as const)('decodingStrategy %s of %s', (strategy, input, want) => {
    expect(decodeValue(Buffer.from(input), strategy).toString()).toBe(want);
  });

  it('names the strategy when a value is not base64', () => {
    // The message changed from 'the value is not valid base64' to Go's own text, with its offset.
    expect(() => decodeValue(Buffer.from('%%%'), 'Base64')).toThrow('decodingStrategy Base64: illegal base64 data at input byte 0');
  });
});
