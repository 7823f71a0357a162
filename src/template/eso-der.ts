/** A minimal DER reader and writer for the PKCS#12 structures ESO's functions read and write. */

/** One decoded TLV: `tag` is the identifier octet, `content` the value, `raw` the whole element. */
export interface Der {
  readonly tag: number;
  readonly content: Buffer;
  readonly raw: Buffer;
}

const MALFORMED = 'asn1: syntax error: data truncated';

/** Reads one element at `offset`; throws Go's asn1 wording on truncated or unsupported input. */
export function readDer(buf: Buffer, offset = 0): Der & { end: number } {
  const tag = buf[offset];
  let lenByte = buf[offset + 1];
  if (tag === undefined || lenByte === undefined) throw new Error(MALFORMED);
  if ((tag & 0x1f) === 0x1f) throw new Error('asn1: structure error: high-tag-number form is not supported');
  let pos = offset + 2;
  let length = lenByte;
  if (lenByte & 0x80) {
    const n = lenByte & 0x7f;
    if (n === 0 || n > 4) throw new Error('asn1: structure error: indefinite or too long length is not supported');
    length = 0;
    for (let i = 0; i < n; i++) {
      lenByte = buf[pos++];
      if (lenByte === undefined) throw new Error(MALFORMED);
      length = length * 256 + lenByte;
    }
  }
  const end = pos + length;
  if (end > buf.length) throw new Error(MALFORMED);
  return { tag, content: buf.subarray(pos, end), raw: buf.subarray(offset, end), end };
}

/** Parses `buf` as exactly one element (Go's `asn1.Unmarshal` plus the trailing-data check). */
export function parseDer(buf: Buffer): Der {
  const d = readDer(buf);
  if (d.end !== buf.length) throw new Error('asn1: syntax error: trailing data');
  return d;
}

/** The elements inside a constructed value. */
export function children(d: Der): Der[] {
  const out: Der[] = [];
  let off = 0;
  while (off < d.content.length) {
    const c = readDer(d.content, off);
    out.push(c);
    off = c.end;
  }
  return out;
}

/** Element `i` of a SEQUENCE, or a structure error. */
export function child(items: readonly Der[], i: number, what: string): Der {
  const c = items[i];
  if (c === undefined) throw new Error(`asn1: structure error: missing ${what}`);
  return c;
}

/** Checks the tag of an element. */
export function expectTag(d: Der, tag: number, what: string): Der {
  if (d.tag !== tag) throw new Error(`asn1: structure error: tags don't match (${what})`);
  return d;
}

/** Decodes an OBJECT IDENTIFIER's content as dotted text. */
export function oidText(d: Der): string {
  expectTag(d, 0x06, 'object identifier');
  const parts: number[] = [];
  let v = 0;
  for (const b of d.content) {
    v = v * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) {
      if (parts.length === 0) parts.push(v < 80 ? Math.floor(v / 40) : 2, v < 80 ? v % 40 : v - 80);
      else parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

/** Decodes a small non-negative INTEGER. */
export function intValue(d: Der): number {
  expectTag(d, 0x02, 'integer');
  let v = 0;
  for (const b of d.content) v = v * 256 + b;
  return v;
}

// --- writer ---

/** Encodes a TLV with DER's minimal length. */
export function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  const n = body.length;
  let len: Buffer;
  if (n < 0x80) len = Buffer.from([n]);
  else {
    const bytes: number[] = [];
    for (let x = n; x > 0; x = Math.floor(x / 256)) bytes.unshift(x % 256);
    len = Buffer.from([0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([Buffer.from([tag]), len, body]);
}

export const seq = (...c: Buffer[]): Buffer => tlv(0x30, ...c);
export const set = (...c: Buffer[]): Buffer => tlv(0x31, ...c);
export const octets = (b: Buffer): Buffer => tlv(0x04, b);
/** `[0] EXPLICIT`. */
export const explicit0 = (...c: Buffer[]): Buffer => tlv(0xa0, ...c);

/** Encodes a non-negative INTEGER. */
export function int(n: number): Buffer {
  const bytes: number[] = [];
  for (let x = n; x > 0; x = Math.floor(x / 256)) bytes.unshift(x % 256);
  if (bytes.length === 0 || (bytes[0] ?? 0) & 0x80) bytes.unshift(0);
  return tlv(0x02, Buffer.from(bytes));
}

/** Encodes a dotted OBJECT IDENTIFIER. */
export function oid(dotted: string): Buffer {
  const [a = 0, b = 0, ...rest] = dotted.split('.').map(Number);
  const out: number[] = [];
  for (const v of [a * 40 + b, ...rest]) {
    const groups: number[] = [v & 0x7f];
    for (let x = Math.floor(v / 128); x > 0; x = Math.floor(x / 128)) groups.unshift((x & 0x7f) | 0x80);
    out.push(...groups);
  }
  return tlv(0x06, Buffer.from(out));
}
