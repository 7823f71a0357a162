/**
 * RC2-CBC decryption (RFC 2268), needed only to read legacy PKCS#12 files: OpenSSL 1.x wrote their
 * certificates with pbeWithSHAAnd40BitRC2-CBC, and OpenSSL 3 no longer offers RC2 to Node.
 */

/** RFC 2268's PITABLE (a permutation of 0..255 from the digits of pi). */
const PITABLE = Buffer.from(
  'd978f9c419ddb5ed28e9fd794aa0d89dc67e37832b76538e624c6488448bfba2' +
    '179a59f587b34f1361456d8d09817d32bd8f40eb86b77b0bf09521225c6b4e82' +
    '54d66593ce60b21c7356c014a78cf1dc1275ca1f3bbee4d1423dd430a33cb626' +
    '6fbf0eda4669075727f21d9bbc944303f811c7f690ef3ee706c3d52fc8661ed7' +
    '08e8eade8052eef784aa72ac354d6a2a961ad2715a1549744b9fd05e0418a4ec' +
    'c2e0416e0f51cbcc2491af50a1f47039997c3a8523b8b47afc02365b25559731' +
    '2d5dfa98e38a92ae05df2910676cbac9d300e6cfe19ea82c6316013f58e289a9' +
    '0d38341bab33ffb0bb480c5fb9b1cd2ec5f3db47e5a59c770aa62068fe7fc1ad',
  'hex',
);

const pi = (i: number): number => PITABLE[i & 0xff] ?? 0;

/** RFC 2268 section 2: the 64 round keys for `key` with `bits` effective key bits. */
function expandKey(key: Buffer, bits: number): Uint16Array {
  const L = new Uint8Array(128);
  L.set(key);
  const T = key.length;
  for (let i = T; i < 128; i++) L[i] = pi((L[i - 1] ?? 0) + (L[i - T] ?? 0));
  const T8 = (bits + 7) >> 3;
  const TM = 0xff >> (8 * T8 - bits);
  L[128 - T8] = pi((L[128 - T8] ?? 0) & TM);
  for (let i = 127 - T8; i >= 0; i--) L[i] = pi((L[i + 1] ?? 0) ^ (L[i + T8] ?? 0));
  const K = new Uint16Array(64);
  for (let i = 0; i < 64; i++) K[i] = (L[2 * i] ?? 0) | ((L[2 * i + 1] ?? 0) << 8);
  return K;
}

const SHIFT = [1, 2, 3, 5] as const;

function decryptBlock(K: Uint16Array, R: number[]): void {
  let j = 63;
  const r = (i: number): number => R[i & 3] ?? 0;
  const mix = (): void => {
    for (let i = 3; i >= 0; i--) {
      const s = SHIFT[i] ?? 0;
      const x = r(i);
      const rot = ((x >>> s) | (x << (16 - s))) & 0xffff;
      R[i] = (rot - (K[j--] ?? 0) - (r(i - 1) & r(i - 2)) - (~r(i - 1) & 0xffff & r(i - 3))) & 0xffff;
    }
  };
  const mash = (): void => {
    for (let i = 3; i >= 0; i--) R[i] = (r(i) - (K[r(i - 1) & 63] ?? 0)) & 0xffff;
  };
  for (let n = 0; n < 5; n++) mix();
  mash();
  for (let n = 0; n < 6; n++) mix();
  mash();
  for (let n = 0; n < 5; n++) mix();
}

/** RC2-CBC decryption without unpadding; `data` is a multiple of 8 bytes. */
export function rc2Decrypt(key: Buffer, bits: number, iv: Buffer, data: Buffer): Buffer {
  const K = expandKey(key, bits);
  const out = Buffer.alloc(data.length);
  let prev = iv;
  for (let off = 0; off < data.length; off += 8) {
    const block = data.subarray(off, off + 8);
    const R = [0, 1, 2, 3].map((i) => block.readUInt16LE(2 * i));
    decryptBlock(K, R);
    for (let i = 0; i < 4; i++) out.writeUInt16LE((R[i] ?? 0) ^ prev.readUInt16LE(2 * i), off + 2 * i);
    prev = block;
  }
  return out;
}
