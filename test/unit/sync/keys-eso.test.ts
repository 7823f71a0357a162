import { describe, expect, it } from 'vitest';
import { convertKeys, decodeValue, rewriteKeys, RewriteError } from '../../../src/sync/keys.ts';
import { goBase64Decode } from '../../../src/template/go-base64.ts';
import { renderTemplate } from '../../../src/template/index.ts';

// Expected values printed by real Go 1.26.8 (a throwaway program under /tmp calling
// base64.StdEncoding.DecodeString and base64.URLEncoding.DecodeString; hex of the bytes or err.Error()).
const WRAPPED = 'TG9yZW0gaXBzdW0gZG9sb3Igc2l0IGFtZXQsIGNvbnNlY3RldHVyIGFkaXBpc2NpbmcgZWxpdC4g\nU2VkIGRvIGVpdXNtb2Qu\n';
const GO_BASE64: readonly (readonly [string, string, string])[] = [
  // input, StdEncoding, URLEncoding ('!' + Go's error offset when Go fails)
  ['aGVsbG8=', '68656c6c6f', '68656c6c6f'],
  ['YWJj', '616263', '616263'],
  ['YWI=', '6162', '6162'],
  ['YWI', '!0', '!0'],
  ['YWJj ', '!4', '!4'],
  [' YWJj', '!0', '!0'],
  ['YWJj\n', '616263', '616263'],
  ['YW\r\nJj', '616263', '616263'],
  ['hunter2', '!4', '!4'],
  ['secret', '!4', '!4'],
  ['YQ==', '61', '61'],
  ['YR==', '61', '61'],
  ['YQ=', '!3', '!3'],
  ['YQ', '!0', '!0'],
  ['Y===', '!1', '!1'],
  ['====', '!0', '!0'],
  ['', '', ''],
  ['YWJj====', '!4', '!4'],
  ['YQ==YQ==', '!4', '!4'],
  ['YQ==\n', '61', '61'],
  ['YQ=\n=', '61', '61'],
  ['-_-_', '!0', 'fbffbf'],
  ['+/+/', 'fbffbf', '!0'],
  ['PDw/Pz8+Pg==', '3c3c3f3f3f3e3e', '!3'],
  ['PDw_Pz8-Pg==', '!3', '3c3c3f3f3f3e3e'],
  ['PDw_Pz8-Pg', '!3', '!8'],
  ['aGVsbG8=x', '!8', '!8'],
  ['aé==', '!1', '!1'],
  [WRAPPED, Buffer.from('Lorem ipsum dolor sit amet, consectetur adipiscing elit. Sed do eiusmod.').toString('hex'), Buffer.from('Lorem ipsum dolor sit amet, consectetur adipiscing elit. Sed do eiusmod.').toString('hex')],
];

const goResult = (input: string, alphabet: 'std' | 'url'): string => {
  try {
    return goBase64Decode(Buffer.from(input), alphabet).toString('hex');
  } catch (e) {
    return `!${/byte (\d+)$/.exec((e as Error).message)?.[1] ?? '?'}`;
  }
};

describe('decodingStrategy is Go\'s base64, as ESO', () => {
  it.each(GO_BASE64)('StdEncoding and URLEncoding of %j', (input, std, url) => {
    expect(goResult(input, 'std')).toBe(std);
    expect(goResult(input, 'url')).toBe(url);
  });

  it.each(GO_BASE64)('Base64, Base64URL and Auto follow them for %j', (input, std, url) => {
    const run = (s: 'Base64' | 'Base64URL' | 'Auto'): string => {
      try {
        return decodeValue(Buffer.from(input), s).toString('hex');
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(run('Base64')).toBe(std.startsWith('!') ? `decodingStrategy Base64: illegal base64 data at input byte ${std.slice(1)}` : std);
    expect(run('Base64URL')).toBe(url.startsWith('!') ? `decodingStrategy Base64URL: illegal base64 data at input byte ${url.slice(1)}` : url);
    // ESO's Auto: Base64, else Base64URL, else the raw value.
    const auto = !std.startsWith('!') ? std : !url.startsWith('!') ? url : Buffer.from(input).toString('hex');
    expect(run('Auto')).toBe(auto);
  });

  it('b64dec uses the same decoder (Go\'s error text)', () => {
    expect(renderTemplate('{{ b64dec "YWJj " }}', {})).toBe('illegal base64 data at input byte 4');
    expect(renderTemplate('{{ b64dec "YWI" }}', {})).toBe('illegal base64 data at input byte 0');
  });
});

describe('conversionStrategy never drops a value silently', () => {
  it.each([
    // ESO (runtime/esutils ConvertKeys/transformKeys): the converted key already exists -> this error.
    ['Default', { 'db password': 1, db_password: 2 }, 'secret name collision during conversion: db_password'],
    ['Default', { 'a/b': 1, 'a:b': 2 }, 'secret name collision during conversion: a_b'],
    ['Unicode', { 'a/b': 1, a_U002f_b: 2 }, 'secret name collision during conversion: a_U002f_b'],
  ] as const)('%s: %j fails with ESO\'s error', (strategy, input, want) => {
    expect(() => convertKeys({ ...input }, strategy)).toThrow(want);
  });

  it('keeps distinct keys distinct', () => {
    expect(convertKeys({ 'db password': 1, 'db-password': 2 }, 'Default')).toEqual({ db_password: 1, 'db-password': 2 });
  });
});

describe('rewrite diagnostics name the rewrite and the keys it emptied', () => {
  const run = (rewrites: Parameters<typeof rewriteKeys>[1], input: Record<string, number>): string => {
    try {
      return JSON.stringify(rewriteKeys(input, rewrites));
    } catch (e) {
      return e instanceof RewriteError ? `rewrite[${String(e.index)}]: ${e.message}` : `other: ${(e as Error).message}`;
    }
  };

  it.each([
    [
      '$1_MONITOR empties every key (Go: the group named 1_MONITOR, absent -> "")',
      [{ regexp: { source: '(.*)', target: '$1_MONITOR' } }],
      { db: 1, api: 2 },
      'rewrite[0]: the rewrite turned every key into "": "db", "api"; in Go\'s replacement syntax $1_MONITOR is the group named "1_MONITOR", which the regexp does not have: write ${1}_MONITOR for group 1',
    ],
    [
      'the trap on some keys only is still named, at its index',
      [{ regexp: { source: 'x', target: 'x' } }, { regexp: { source: '^db-(.*)$', target: '$1_user' } }],
      { 'db-a': 1, other: 2 },
      'rewrite[1]: the rewrite turned these keys into "": "db-a"; in Go\'s replacement syntax $1_user is the group named "1_user", which the regexp does not have: write ${1}_user for group 1',
    ],
    [
      'a transform that empties every key',
      [{ transform: { template: '{{ "" }}' } }],
      { a: 1 },
      'rewrite[0]: the rewrite turned every key into "": "a"',
    ],
    [
      'an unknown group name that is not digit-led',
      [{ regexp: { source: '(?P<k>.*)', target: '${key}' } }],
      { a: 1 },
      'rewrite[0]: the rewrite turned every key into "": "a"; the regexp has no group named "key"',
    ],
    [
      'a bad regexp names the rewrite with Go\'s error',
      [{ regexp: { source: '(?<=a)', target: '' } }],
      { a: 1 },
      'rewrite[0]: error parsing regexp: invalid named capture: `(?<=a)`',
    ],
    [
      'emptying some keys on purpose drops them, as ESO does',
      [{ regexp: { source: '^drop-.*', target: '' } }],
      { 'drop-me': 1, keep: 2 },
      '{"":1,"keep":2}',
    ],
    [
      '${1}_MONITOR is group 1',
      [{ regexp: { source: '(.*)', target: '${1}_MONITOR' } }],
      { db: 1 },
      '{"db_MONITOR":1}',
    ],
  ] as const)('%s', (_name, rewrites, input, want) => {
    expect(run(rewrites, input)).toBe(want);
  });
});
