import { describe, it, expect } from 'vitest';
import { isDefinitePath, queryJsonPath } from '../../../src/providers/webhook/jsonpath.ts';
import { JsonPathError, WebhookError } from '../../../src/providers/webhook/errors.ts';

const doc = {
  result: { thesecret: 'secret-value', nested: { deep: true }, list: ['p', 'q'] },
  secrets: [
    { name: 'thesecret', value: 'secret-value', version: 1, tags: ['a'] },
    { name: 'alsosecret', value: 'another-value', version: 2 },
    { value: 'nameless', version: 3 },
  ],
  'my-key': 'hyphen',
  'quote\'s': 'q',
  empty: null,
  wanted: ['a'],
};

describe('queryJsonPath on definite paths', () => {
  it.each([
    { case: 'returns a string by dot names', args: '$.result.thesecret', want: 'secret-value' },
    { case: 'returns an array value itself, not a list of matches', args: '$.result.list', want: ['p', 'q'] },
    { case: 'returns the root for "$"', args: '$', want: doc },
    { case: 'reads bracket names in double quotes', args: '$["result"]["thesecret"]', want: 'secret-value' },
    { case: 'reads bracket names in single quotes with escapes', args: "$['quote\\'s']", want: 'q' },
    { case: 'reads hyphenated dot names', args: '$.my-key', want: 'hyphen' },
    { case: 'reads an index', args: '$.secrets[1].name', want: 'alsosecret' },
    { case: 'counts a negative index from the end', args: '$.secrets[-1].value', want: 'nameless' },
    { case: 'gives null for an out-of-range index', args: '$.secrets[7]', want: null },
    { case: 'gives null for a present null', args: '$.empty', want: null },
    { case: 'accepts a numeric string key on an array', args: '$.result.list["1"]', want: 'q' },
    { case: 'ignores whitespace between tokens', args: ' $ .result [ "list" ] [ 0 ] ', want: 'p' },
  ])('$case', ({ args, want }) => {
    // Prepare: the shared document. Act
    const got = queryJsonPath(doc, args);
    // Assess
    expect(got).toEqual(want);
  });

  it.each([
    { case: 'a missing key', args: '$.result.missing', want: 'unknown key missing' },
    { case: 'a missing first key', args: '$.nope.deeper', want: 'unknown key nope' },
    { case: 'a name on an array', args: '$.secrets.name', want: 'could not select value, invalid key name for an array' },
    { case: 'a key below a string', args: '$.result.thesecret.x', want: 'unsupported value type string for select' },
    { case: 'a key below null', args: '$.empty.x', want: 'unsupported value type <nil> for select' },
    { case: 'a key below a number', args: '$.secrets[0].version.x', want: 'unsupported value type float64 for select' },
  ])('throws JsonPathError for $case', ({ args, want }) => {
    // Act
    const act = () => queryJsonPath(doc, args);
    // Assess
    expect(act).toThrow(JsonPathError);
    expect(act).toThrow(want);
  });

  it('names only the key, never the values, in an unknown-key error', () => {
    // Prepare
    const secretDoc = { token: 'super-secret-token' };
    // Act
    let message = '';
    try { queryJsonPath(secretDoc, '$.other'); } catch (e) { message = (e as Error).message; }
    // Assess
    expect(message).toBe('unknown key other');
  });
});

describe('queryJsonPath on ambiguous paths', () => {
  it.each([
    { case: 'wildcard over an array keeps order', args: '$.secrets[*].name', want: ['thesecret', 'alsosecret'] },
    { case: 'dot wildcard is the same as bracket wildcard', args: '$.secrets.*.version', want: [1, 2, 3] },
    { case: 'wildcard over an object follows document order', args: '$.result.*', want: ['secret-value', { deep: true }, ['p', 'q']] },
    { case: 'wildcard on a missing key gives no matches', args: '$.missing[*]', want: [] },
    { case: 'wildcard on a scalar gives no matches', args: '$.result.thesecret[*]', want: [] },
    { case: 'recursive descent collects names in pre-order', args: '$..name', want: ['thesecret', 'alsosecret'] },
    { case: 'recursive descent into a deep key', args: '$..deep', want: [true] },
    { case: 'recursive descent with a bracket index', args: '$..tags[0]', want: ['a'] },
    { case: 'recursive descent with a wildcard', args: '$.result..*', want: ['secret-value', { deep: true }, ['p', 'q'], true, 'p', 'q'] },
    { case: 'slice with both bounds', args: '$.secrets[0:2].version', want: [1, 2] },
    { case: 'slice from a negative start', args: '$.secrets[-2:].version', want: [2, 3] },
    { case: 'slice with a step', args: '$.secrets[::2].version', want: [1, 3] },
    { case: 'slice with a negative step walks max-1 down to min', args: '$.secrets[0:2:-1].version', want: [2, 1] },
    { case: 'slice clamps bounds past the end', args: '$.secrets[1:99].version', want: [2, 3] },
    { case: 'slice of an object gives nothing', args: '$.result[0:1]', want: [] },
    { case: 'union of names skips missing keys', args: '$.result["thesecret","missing"]', want: ['secret-value'] },
    { case: 'union of indices keeps null for out-of-range', args: '$.secrets[0,9].version', want: [1] },
    { case: 'union of indices returns null matches', args: '$.result.list[1,9]', want: ['q', null] },
    { case: 'elements failing the rest of the path are skipped', args: '$.secrets[*].tags[0]', want: ['a'] },
    { case: 'out-of-range index after a wildcard gives null', args: '$.secrets[*].tags[3]', want: [null] },
  ])('$case', ({ args, want }) => {
    // Act
    const got = queryJsonPath(doc, args);
    // Assess
    expect(got).toEqual(want);
  });

  it('returns an array whose first element is the object for the seed path $.secrets[*]', () => {
    // Prepare
    const seed = { secrets: [{ username: 'admin', password: 'secure-password-123' }] };
    // Act
    const got = queryJsonPath(seed, '$.secrets[*]');
    // Assess
    expect(got).toEqual([{ username: 'admin', password: 'secure-password-123' }]);
  });
});

describe('queryJsonPath filters', () => {
  it.each([
    { case: 'without parentheses', args: '$.secrets[?@.name=="thesecret"].value', want: ['secret-value'] },
    { case: 'with parentheses', args: '$.secrets[?(@.name=="alsosecret")].value', want: ['another-value'] },
    { case: 'with single-quoted strings and spaces', args: "$.secrets[? @.name == 'alsosecret' ].value", want: ['another-value'] },
    { case: 'matching nothing', args: '$.secrets[?@.name=="thebadsecret"].value', want: [] },
    { case: 'skipping elements missing the key', args: '$.secrets[?@.name!="thesecret"].value', want: ['another-value'] },
    { case: 'comparing numbers with <', args: '$.secrets[?@.version<2].name', want: ['thesecret'] },
    { case: 'comparing numbers with >=', args: '$.secrets[?@.version>=2].value', want: ['another-value', 'nameless'] },
    { case: 'comparing with a negative and a decimal number', args: '$.secrets[?@.version > -1.5e0 && @.version <= 1].value', want: ['secret-value'] },
    { case: 'comparing strings by bytes', args: '$.secrets[?@.name < "b"].name', want: ['alsosecret'] },
    { case: 'using strict equality (no string/number coercion)', args: '$.secrets[?@.version=="1"].name', want: [] },
    { case: 'using ||', args: '$.secrets[?@.version==1 || @.version==3].value', want: ['secret-value', 'nameless'] },
    { case: 'using && with grouping', args: '$.secrets[?(@.version>1 && (@.value=="nameless" || @.value=="x"))].version', want: [3] },
    { case: 'using !', args: '$.secrets[?!(@.version==1)].version', want: [2, 3] },
    { case: 'testing existence with a bare path', args: '$.secrets[?@.name].version', want: [1, 2] },
    { case: 'testing existence of a nested path', args: '$.secrets[?@.tags[0]].version', want: [1] },
    { case: 'comparing with null', args: '$[?@ == null]', want: [null] },
    { case: 'comparing with booleans', args: '$.result[?@.deep == true]', want: [{ deep: true }] },
    { case: 'referring to the root with $', args: '$.secrets[?@.value == $.result.thesecret].name', want: ['thesecret'] },
    { case: 'iterating the values of an object', args: '$.result[?@ == "secret-value"]', want: ['secret-value'] },
    { case: 'comparing arrays deeply', args: '$.secrets[?@.tags == $.wanted].version', want: [1] },
    { case: 'after recursive descent', args: '$..[?@.version==2].name', want: ['alsosecret'] },
  ])('filters $case', ({ args, want }) => {
    // Act
    const got = queryJsonPath(doc, args);
    // Assess
    expect(got).toEqual(want);
  });

  it.each([
    { case: 'bool false excludes', value: false, want: [] },
    { case: 'bool true includes', value: true, want: [{ f: true }] },
    { case: 'null excludes', value: null, want: [] },
    { case: 'zero excludes', value: 0, want: [] },
    { case: 'string "false" excludes (gval bool conversion)', value: 'false', want: [] },
    { case: 'a non-empty name includes', value: 'x', want: [{ f: 'x' }] },
  ])('treats a bare operand like gval: $case', ({ value, want }) => {
    // Prepare
    const items = [{ f: value }];
    // Act
    const got = queryJsonPath(items, '$[?@.f]');
    // Assess
    expect(got).toEqual(want);
  });
});

describe('queryJsonPath rejections', () => {
  it.each([
    { case: 'a script index', args: '$.secrets[(@.length-1)]', want: 'script expressions [(...)] are not supported' },
    { case: 'a dot script', args: '$.secrets.(1)', want: 'script expressions (...) are not supported' },
    { case: 'a path not rooted at $', args: 'secrets', want: 'expected the root "$"' },
    { case: 'an empty path', args: '', want: 'expected the root "$"' },
    { case: 'an unclosed bracket', args: '$.a[', want: 'expected a quoted name or an integer index' },
    { case: 'an unterminated string', args: '$["a]', want: 'unterminated string' },
    { case: 'a trailing dot', args: '$.a.', want: 'expected a name' },
    { case: 'a bare recursive descent', args: '$..', want: 'expected a name' },
    { case: 'a slice after recursive descent', args: '$..[0:1]', want: 'recursive descent cannot be combined with a slice' },
    { case: 'a jsonpath-plus parent operator', args: '$.a^', want: 'unexpected "^"' },
    { case: 'a jsonpath-plus property-name operator', args: '$.*~', want: 'unexpected "~"' },
    { case: 'JavaScript in a filter', args: '$[?(@.a.constructor.constructor("x")())]', want: 'expected ")"' },
    { case: 'an assignment in a filter', args: '$[?@.a = 1]', want: 'expected "]" to close the filter' },
    { case: 'a wildcard inside a filter', args: '$[?@.*]', want: 'only definite paths' },
    { case: 'a filter nested too deeply', args: `$[?${'('.repeat(100)}1${')'.repeat(100)}]`, want: 'nested too deeply' },
    { case: 'an empty filter', args: '$[?]', want: 'expected a value' },
  ])('rejects $case with a JsonPathError naming the path', ({ args, want }) => {
    // Act
    const act = () => queryJsonPath(doc, args);
    // Assess
    expect(act).toThrow(JsonPathError);
    expect(act).toThrow(want);
    expect(act).toThrow(`invalid JSONPath "${args}"`);
  });

  it('makes JsonPathError a WebhookError that keeps its name', () => {
    // Act
    let caught: unknown;
    try { queryJsonPath(doc, '$.['); } catch (e) { caught = e; }
    // Assess
    expect(caught).toBeInstanceOf(WebhookError);
    expect((caught as Error).name).toBe('JsonPathError');
  });
});

describe('isDefinitePath', () => {
  it.each([
    { case: 'root', args: '$', want: true },
    { case: 'dot names', args: '$.a.b', want: true },
    { case: 'bracket names and indices', args: '$["a"][0][-1]', want: true },
    { case: 'wildcard', args: '$.a[*]', want: false },
    { case: 'recursive descent', args: '$..a', want: false },
    { case: 'filter', args: '$.a[?@.b==1]', want: false },
    { case: 'slice', args: '$.a[0:1]', want: false },
    { case: 'union', args: '$.a[0,1]', want: false },
  ])('says $want for $case', ({ args, want }) => {
    // Act
    const got = isDefinitePath(args);
    // Assess
    expect(got).toBe(want);
  });
});
