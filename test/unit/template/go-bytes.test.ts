import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { goByteLength, goStringAsText, goStringFromBytes, goStringToBytes, hasInvalidUtf8 } from '../../../src/template/go-bytes.ts';

describe('Go byte strings in template values', () => {
  // Expected values: Go's utf8.DecodeRune consumes one byte per invalid sequence; len() counts bytes.
  it.each([
    ['DER header with invalid bytes', [0x30, 0x82, 0xff, 0x00, 0x80, 0xc3], 6],
    ['overlong NUL', [0xc0, 0x80], 2],
    ['UTF-16 surrogate encoded in UTF-8', [0xed, 0xa0, 0x80], 3],
    ['truncated 4-byte sequence then text', [0xf0, 0x9f, 0x98, 0x61], 4],
    ['valid emoji', [0xf0, 0x9f, 0x98, 0x80], 4],
  ])('round-trips %s byte for byte', (_name, bytes, len) => {
    const s = goStringFromBytes(Uint8Array.from(bytes));
    expect([...goStringToBytes(s)]).toEqual(bytes);
    expect(goByteLength(s)).toBe(len);
  });

  it('keeps valid text as ordinary text and marks only invalid bytes', () => {
    expect(goStringFromBytes(Buffer.from('héllo'))).toBe('héllo');
    expect(hasInvalidUtf8(goStringFromBytes(Buffer.from('héllo')))).toBe(false);
    expect(hasInvalidUtf8(goStringFromBytes(Uint8Array.from([0x61, 0xff])))).toBe(true);
    expect(goStringAsText(goStringFromBytes(Uint8Array.from([0x61, 0xff])))).toBe('a\ufffd');
  });

  it('round-trips any byte sequence (property)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      expect(Buffer.compare(goStringToBytes(goStringFromBytes(bytes)), Buffer.from(bytes))).toBe(0);
    }));
  });

  it('joins text and escapes without forming a different character', () => {
    const joined = goStringFromBytes(Buffer.from('😀')) + goStringFromBytes(Uint8Array.from([0x80]));
    expect([...goStringToBytes(joined)]).toEqual([0xf0, 0x9f, 0x98, 0x80, 0x80]);
  });
});
