import { describe, it, expect } from 'vitest';
import { goJsonMarshal, goTypeName, mapValue, singleValue, toSecretMap } from '../../../src/providers/webhook/values.ts';
import { ValueError } from '../../../src/providers/webhook/errors.ts';

describe('singleValue (ESO extractSecretData)', () => {
  it.each([
    { case: 'keeps a string as-is', args: 'secret-value', want: 'secret-value' },
    { case: 'keeps an empty string', args: '', want: '' },
    { case: 'prints true', args: true, want: 'true' },
    { case: 'prints false', args: false, want: 'false' },
    { case: 'turns null into an empty value', args: null, want: '' },
    { case: 'prints an integer without decimals', args: 123, want: '123' },
    { case: 'rounds 1.5 up to 2', args: 1.5, want: '2' },
    { case: 'rounds the half 2.5 to even 2', args: 2.5, want: '2' },
    { case: 'rounds the half 3.5 to even 4', args: 3.5, want: '4' },
    { case: 'rounds 2.51 up to 3', args: 2.51, want: '3' },
    { case: 'rounds 0.4 down to 0', args: 0.4, want: '0' },
    { case: 'keeps the sign of a negative number rounded to zero, like Go', args: -0.4, want: '-0' },
    { case: 'rounds -2.5 to even -2', args: -2.5, want: '-2' },
    { case: 'prints 1e21 in full without exponent', args: 1e21, want: '1000000000000000000000' },
    { case: 'prints the exact integer of a large double', args: 2 ** 70, want: '1180591620717411303424' },
    { case: 'prints a tiny number as 0', args: 1e-7, want: '0' },
    { case: 'takes the first element of an array', args: ['p', 'q'], want: 'p' },
    { case: 'takes the first element recursively', args: [[[7.5]], 'x'], want: '8' },
    { case: 'marshals an object like Go json.Marshal', args: { one: 'secret-value' }, want: '{"one":"secret-value"}' },
    { case: 'marshals the first object of an array', args: [{ username: 'admin', password: 'secure-password-123' }], want: '{"password":"secure-password-123","username":"admin"}' },
  ])('$case', ({ args, want }) => {
    // Act
    const got = singleValue(args);
    // Assess
    expect(got).toBe(want);
  });

  it.each([
    { case: 'an empty array', args: [], want: "filter worked but didn't get any result" },
    { case: 'an array whose first element is empty', args: [[], 'x'], want: "filter worked but didn't get any result" },
    { case: 'a function', args: () => 1, want: 'failed to get response (wrong type: function)' },
  ])('throws ValueError for $case', ({ args, want }) => {
    // Act
    const act = () => singleValue(args);
    // Assess
    expect(act).toThrow(ValueError);
    expect(act).toThrow(want);
  });
});

describe('mapValue (ESO esutils.GetByteValue)', () => {
  it.each([
    { case: 'keeps a string as-is', args: 'v', want: 'v' },
    { case: 'prints 1.5 in shortest form', args: 1.5, want: '1.5' },
    { case: 'prints 1234 without decimals', args: 1234, want: '1234' },
    { case: 'prints 1e21 without exponent', args: 1e21, want: '1000000000000000000000' },
    { case: 'prints 1e-7 without exponent', args: 1e-7, want: '0.0000001' },
    { case: 'prints 0.1 as 0.1', args: 0.1, want: '0.1' },
    { case: 'prints -0 with its sign, like Go', args: -0, want: '-0' },
    { case: 'prints 123456.789e3 in full', args: 123456.789e3, want: '123456789' },
    { case: 'prints a negative fraction', args: -0.000123, want: '-0.000123' },
    { case: 'prints true', args: true, want: 'true' },
    { case: 'turns null into an empty value', args: null, want: '' },
    { case: 'marshals an array', args: [1, 'a', null], want: '[1,"a",null]' },
    { case: 'marshals an object with sorted keys', args: { b: 1, a: { d: 1, c: 2 } }, want: '{"a":{"c":2,"d":1},"b":1}' },
  ])('$case', ({ args, want }) => {
    // Act
    const got = mapValue(args);
    // Assess
    expect(got).toBe(want);
  });
});

describe('goJsonMarshal', () => {
  it.each([
    { case: 'escapes HTML characters', args: '<a href="x">&</a>', want: '"\\u003ca href=\\"x\\"\\u003e\\u0026\\u003c/a\\u003e"' },
    { case: 'escapes U+2028 and U+2029', args: '\u2028\u2029', want: '"\\u2028\\u2029"' },
    { case: 'uses short escapes for \\n \\r \\t \\b \\f', args: '\n\r\t\b\f', want: '"\\n\\r\\t\\b\\f"' },
    { case: 'uses lowercase \\u00XX for other control characters', args: '\u0001\u001f', want: '"\\u0001\\u001f"' },
    { case: 'keeps DEL and non-ASCII characters', args: '\u007fé😀', want: '"\u007fé😀"' },
    { case: 'replaces a lone surrogate with U+FFFD', args: 'a\ud800b', want: '"a\ufffdb"' },
    { case: 'escapes backslash and slash-free', args: 'a\\b/c', want: '"a\\\\b/c"' },
    { case: 'prints integers without decimals', args: [1, -2, 0], want: '[1,-2,0]' },
    { case: 'prints negative zero as -0', args: -0, want: '-0' },
    { case: 'uses exponent form below 1e-6', args: [1e-7, 1.5e-10, 0.000001], want: '[1e-7,1.5e-10,0.000001]' },
    { case: 'uses exponent form from 1e21', args: [1e21, 1.5e300, 999999999999999900000], want: '[1e+21,1.5e+300,999999999999999900000]' },
    { case: 'sorts keys by UTF-8 bytes (code points)', args: { '\uffff': 1, '😀': 2, é: 3, Z: 4, a: 5 }, want: '{"Z":4,"a":5,"é":3,"\uffff":1,"😀":2}' },
    { case: 'escapes keys too', args: { '<k>': true }, want: '{"\\u003ck\\u003e":true}' },
    { case: 'prints null', args: null, want: 'null' },
    { case: 'prints empty containers', args: { a: [], b: {} }, want: '{"a":[],"b":{}}' },
  ])('$case', ({ args, want }) => {
    // Act
    const got = goJsonMarshal(args);
    // Assess
    expect(got).toBe(want);
  });

  it('throws ValueError for NaN, which Go json cannot encode', () => {
    // Act
    const act = () => goJsonMarshal({ x: Number.NaN });
    // Assess
    expect(act).toThrow(ValueError);
    expect(act).toThrow('json: unsupported value: NaN');
  });
});

describe('goTypeName', () => {
  it.each([
    { case: 'string', args: 's', want: 'string' },
    { case: 'number', args: 1, want: 'float64' },
    { case: 'boolean', args: false, want: 'bool' },
    { case: 'array', args: [], want: '[]interface {}' },
    { case: 'object', args: {}, want: 'map[string]interface {}' },
    { case: 'null', args: null, want: '<nil>' },
  ])('names a $case as $want', ({ args, want }) => {
    // Act
    const got = goTypeName(args);
    // Assess
    expect(got).toBe(want);
  });
});

describe('toSecretMap (ESO GetSecretMap after the jsonPath)', () => {
  it.each([
    { case: 'converts each value of an object', args: { thesecret: 'secret-value', id: 1234, weight: 1.5, ok: true, none: null }, want: { thesecret: 'secret-value', id: '1234', weight: '1.5', ok: 'true', none: '' } },
    { case: 'marshals nested values as Go JSON', args: { obj: { b: '<', a: 1 }, list: [1, 2] }, want: { obj: '{"a":1,"b":"\\u003c"}', list: '[1,2]' } },
    { case: 'parses a string result as JSON again', args: '{"token":"t","n":2}', want: { token: 't', n: '2' } },
    { case: 'accepts an empty object', args: {}, want: {} },
    { case: 'keeps a __proto__ key as a plain key', args: JSON.parse('{"__proto__":"x"}') as unknown, want: JSON.parse('{"__proto__":"x"}') as unknown },
  ])('$case', ({ args, want }) => {
    // Act
    const got = toSecretMap(args);
    // Assess
    expect(got).toStrictEqual(want);
  });

  it.each([
    { case: 'an array (not unwrapped)', args: [{ a: 1 }], want: 'failed to get response (wrong type: []interface {})' },
    { case: 'a number', args: 5, want: 'failed to get response (wrong type: float64)' },
    { case: 'null', args: null, want: 'failed to get response (wrong type: <nil>)' },
    { case: 'a string holding a JSON array', args: '["a"]', want: 'failed to get response (wrong type: []interface {})' },
    { case: 'a string that is not JSON', args: 'secret-value', want: 'failed to parse response json from jsonpath: invalid character' },
    { case: 'a truncated JSON string', args: '{"a":', want: 'failed to parse response json from jsonpath: unexpected end of JSON input' },
  ])('throws ValueError for $case', ({ args, want }) => {
    // Act
    const act = () => toSecretMap(args);
    // Assess
    expect(act).toThrow(ValueError);
    expect(act).toThrow(want);
  });

  it('never echoes the unparsable string in the error', () => {
    // Prepare
    const secret = 'super-secret-token-value';
    // Act
    let caught: unknown;
    try { toSecretMap(secret); } catch (e) { caught = e; }
    // Assess
    expect((caught as Error).message).not.toContain('super-secret');
    expect((caught as Error).cause).toBeUndefined();
  });
});
