/**
 * ESO's providers/v1/webhook/webhook_test.go cases that exercise the response → value path,
 * replayed through the same steps ESO runs after the HTTP call.
 */
import { describe, it, expect } from 'vitest';
import { queryJsonPath } from '../../../src/providers/webhook/jsonpath.ts';
import { singleValue, toSecretMap } from '../../../src/providers/webhook/values.ts';

/** ESO GetSecret after the response arrived: raw body without a jsonPath, else parse → path → value. */
function getSecret(body: string, jsonPath: string): string {
  if (jsonPath === '') return body;
  const json: unknown = JSON.parse(body);
  let result: unknown;
  try {
    result = queryJsonPath(json, jsonPath);
  } catch (e) {
    throw new Error(`failed to get response path ${jsonPath}: ${(e as Error).message}`, { cause: e });
  }
  return singleValue(result);
}

/** ESO GetSecretMap after the response arrived: always parse, optional path, then the map. */
function getSecretMap(body: string, jsonPath: string): Record<string, string> {
  const json: unknown = JSON.parse(body);
  return toSecretMap(jsonPath === '' ? json : queryJsonPath(json, jsonPath));
}

const twoSecrets = '{"secrets": [{"name": "thesecret", "value": "secret-value"}, {"name": "alsosecret", "value": "another-value"}]}';
const seed = '{"secrets":[{"username":"admin","password":"secure-password-123"}]}';

describe('ESO webhook GetSecret cases', () => {
  it.each([
    { case: 'good plaintext', args: { response: 'secret-value', jsonpath: '' }, want: 'secret-value' },
    { case: 'good json', args: { response: '{"result":{"thesecret":"secret-value"}}', jsonpath: '$.result.thesecret' }, want: 'secret-value' },
    { case: 'pull data out of map', args: { response: '{"result":{"thesecret":{"one":"secret-value"}}}', jsonpath: '$.result.thesecret' }, want: '{"one":"secret-value"}' },
    { case: 'good json with jsonpath filter', args: { response: twoSecrets, jsonpath: '$.secrets[?@.name=="thesecret"].value' }, want: 'secret-value' },
    { case: 'success with jsonpath filter and result array', args: { response: twoSecrets, jsonpath: '$..name' }, want: 'thesecret' },
    { case: 'success with jsonpath filter and result array of ints', args: { response: '{"secrets": [{"name": 123, "value": "secret-value"}, {"name": 456, "value": "another-value"}]}', jsonpath: '$..name' }, want: '123' },
    { case: 'support backslash', args: { response: '{"access_token":"REDACTED","refresh_token":"RE\\/DACTED=="}', jsonpath: '$.refresh_token' }, want: 'RE/DACTED==' },
    { case: 'good json with mixed fields and jsonpath filter', args: { response: '{"result":{"thesecret":"secret-value","alsosecret":"another-value", "id": 1234, "weight": 1.5}}', jsonpath: '$.result.thesecret' }, want: 'secret-value' },
    { case: 'number rounded to an integer', args: { response: '{"result":{"weight": 1.5}}', jsonpath: '$.result.weight' }, want: '2' },
    { case: 'boolean', args: { response: '{"enabled": false}', jsonpath: '$.enabled' }, want: 'false' },
    { case: 'null', args: { response: '{"v": null}', jsonpath: '$.v' }, want: '' },
    { case: 'array value takes its first element', args: { response: '{"list": ["p", "q"]}', jsonpath: '$.list' }, want: 'p' },
    { case: 'seed example $.secrets[*] gives the first object as Go JSON', args: { response: seed, jsonpath: '$.secrets[*]' }, want: '{"password":"secure-password-123","username":"admin"}' },
  ])('$case', ({ args, want }) => {
    // Act
    const got = getSecret(args.response, args.jsonpath);
    // Assess
    expect(got).toBe(want);
  });

  it.each([
    { case: 'error bad jsonpath', args: { response: '{"result":{"nosecret":"secret-value"}}', jsonpath: '$.result.thesecret' }, want: 'failed to get response path $.result.thesecret: unknown key thesecret' },
    { case: 'error with jsonpath filter empty results', args: { response: twoSecrets, jsonpath: '$.secrets[?@.name=="thebadsecret"].value' }, want: "filter worked but didn't get any result" },
    { case: 'error when jsonpath result is empty', args: { response: '{"list": []}', jsonpath: '$.list' }, want: "filter worked but didn't get any result" },
  ])('$case', ({ args, want }) => {
    // Act
    const act = () => getSecret(args.response, args.jsonpath);
    // Assess
    expect(act).toThrow(want);
  });
});

describe('ESO webhook GetSecretMap cases', () => {
  it.each([
    { case: 'good json map', args: { response: '{"result":{"thesecret":"secret-value","alsosecret":"another-value"}}', jsonpath: '$.result' }, want: { thesecret: 'secret-value', alsosecret: 'another-value' } },
    { case: 'good json map string', args: { response: '{"thesecret":"secret-value","alsosecret":"another-value"}', jsonpath: '' }, want: { thesecret: 'secret-value', alsosecret: 'another-value' } },
    { case: 'good json with mixed fields to map', args: { response: '{"result":{"thesecret":"secret-value","alsosecret":"another-value", "id": 1234, "weight": 1.5}}', jsonpath: '$.result' }, want: { thesecret: 'secret-value', alsosecret: 'another-value', id: '1234', weight: '1.5' } },
    { case: 'json string inside the response is parsed again', args: { response: '{"payload":"{\\"a\\":\\"b\\"}"}', jsonpath: '$.payload' }, want: { a: 'b' } },
  ])('$case', ({ args, want }) => {
    // Act
    const got = getSecretMap(args.response, args.jsonpath);
    // Assess
    expect(got).toStrictEqual(want);
  });

  it.each([
    { case: 'error json map', args: { response: '{"result":{"thesecret":"secret-value","alsosecret":"another-value"}}', jsonpath: '$.result.thesecret' }, want: 'failed to parse response json from jsonpath' },
    { case: 'seed example $.secrets[*] is an array, which GetSecretMap rejects', args: { response: seed, jsonpath: '$.secrets[*]' }, want: 'wrong type: []interface {}' },
    { case: 'response path not json', args: { response: '{"a":[1]}', jsonpath: '$.a' }, want: 'wrong type:' },
  ])('$case', ({ args, want }) => {
    // Act
    const act = () => getSecretMap(args.response, args.jsonpath);
    // Assess
    expect(act).toThrow(want);
  });
});
