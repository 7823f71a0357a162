/**
 * The password-based cryptography of PKCS#12 (RFC 7292 appendix B, RFC 8018 PBES2) as
 * `software.sslmate.com/src/go-pkcs12` v0.7.0 (ESO's library) reads and writes it.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { child, children, int, intValue, oid, oidText, octets, seq, expectTag, type Der } from './eso-der.ts';
import { rc2Decrypt } from './eso-rc2.ts';

export const OID = {
  pbeSha3Des: '1.2.840.113549.1.12.1.3',
  pbeSha128Rc2: '1.2.840.113549.1.12.1.5',
  pbeSha40Rc2: '1.2.840.113549.1.12.1.6',
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  hmacSha1: '1.2.840.113549.2.7',
  hmacSha256: '1.2.840.113549.2.9',
  hmacSha512: '1.2.840.113549.2.11',
  aes128: '2.16.840.1.101.3.4.1.2',
  aes192: '2.16.840.1.101.3.4.1.22',
  aes256: '2.16.840.1.101.3.4.1.42',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha512: '2.16.840.1.101.3.4.2.3',
} as const;

/** go-pkcs12's `NotImplementedError` wording. */
export const notImplemented = (what: string): Error => new Error(`pkcs12: ${what}`);

/** The password as a zero-terminated BMPString (UCS-2 big-endian), as PKCS#12 wants it. */
export function bmpPassword(password: string): Buffer {
  const out: number[] = [];
  for (const ch of password) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp > 0xffff) throw new Error('pkcs12: string contains characters that cannot be encoded in UCS-2');
    out.push(cp >> 8, cp & 0xff);
  }
  return Buffer.from([...out, 0, 0]);
}

/** PBES2 takes the password as UTF-8: the BMP form without its terminator, decoded back. */
function utf8Password(bmp: Buffer): Buffer {
  let s = '';
  for (let i = 0; i + 1 < bmp.length - 2; i += 2) s += String.fromCharCode(((bmp[i] ?? 0) << 8) | (bmp[i + 1] ?? 0));
  return Buffer.from(s, 'utf8');
}

/**
 * Largest KDF/MAC iteration count read from an archive. go-pkcs12 has no limit; a crafted archive
 * must not stall a sync run (common values: 2048 OpenSSL, 10000 Java, 600000 OWASP's advice).
 */
export const MAX_ITERATIONS = 1_000_000;

function checkIterations(n: number): number {
  if (n > MAX_ITERATIONS) throw new Error(`pkcs12: iteration count ${n} exceeds the limit ${MAX_ITERATIONS}`);
  return n;
}

/** RFC 7292 B.2 key derivation (`id` 1: key, 2: IV, 3: MAC key). */
export function pkcs12Kdf(hash: string, u: number, v: number, salt: Buffer, password: Buffer, iterations: number, id: number, size: number): Buffer {
  checkIterations(iterations);
  const fill = (b: Buffer): Buffer => {
    const n = v * Math.ceil(b.length / v);
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) out[i] = b[i % b.length] ?? 0;
    return out;
  };
  const D = Buffer.alloc(v, id);
  const I = Buffer.concat([salt.length ? fill(salt) : Buffer.alloc(0), password.length ? fill(password) : Buffer.alloc(0)]);
  const out: Buffer[] = [];
  for (let produced = 0; produced < size; produced += u) {
    let A = createHash(hash).update(D).update(I).digest();
    for (let r = 1; r < iterations; r++) A = createHash(hash).update(A).digest();
    out.push(A);
    const B = fill(A);
    for (let j = 0; j < I.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = (I[j + k] ?? 0) + (B[k] ?? 0) + carry;
        I[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return Buffer.concat(out).subarray(0, size);
}

function required(d: Der | undefined, what: string): Der {
  if (!d) throw new Error(`asn1: structure error: missing ${what}`);
  return d;
}

function pbeParams(params: Der | undefined): { salt: Buffer; iterations: number } {
  const items = children(expectTag(required(params, 'pbe parameters'), 0x30, 'pbe parameters'));
  return { salt: expectTag(child(items, 0, 'salt'), 0x04, 'salt').content, iterations: intValue(child(items, 1, 'iterations')) };
}

function unpad(data: Buffer): Buffer {
  if (data.length === 0) throw new Error('pkcs12: decryption error, incorrect padding');
  const n = data[data.length - 1] ?? 0;
  if (n === 0 || n > 16 || n > data.length) throw new Error('pkcs12: decryption error, incorrect padding');
  for (let i = data.length - n; i < data.length; i++) if (data[i] !== n) throw new Error('pkcs12: decryption error, incorrect padding');
  return data.subarray(0, data.length - n);
}

function blockDecrypt(cipher: string, key: Buffer, iv: Buffer, data: Buffer, blockSize: number): Buffer {
  if (data.length === 0) throw new Error('pkcs12: empty encrypted data');
  if (data.length % blockSize !== 0) throw new Error('pkcs12: input is not a multiple of the block size');
  const d = createDecipheriv(cipher, key, iv).setAutoPadding(false);
  return unpad(Buffer.concat([d.update(data), d.final()]));
}

const PRF: Readonly<Record<string, string>> = { [OID.hmacSha1]: 'sha1', [OID.hmacSha256]: 'sha256', [OID.hmacSha512]: 'sha512' };
const AES: Readonly<Record<string, [string, number]>> = { [OID.aes128]: ['aes-128-cbc', 16], [OID.aes192]: ['aes-192-cbc', 24], [OID.aes256]: ['aes-256-cbc', 32] };

function pbes2Decrypt(params: Der | undefined, password: Buffer, data: Buffer): Buffer {
  const [kdf, scheme] = children(expectTag(required(params, 'pbes2 parameters'), 0x30, 'pbes2 parameters')).map((d) => children(d));
  const kdfOid = oidText(child(kdf ?? [], 0, 'kdf'));
  if (kdfOid !== OID.pbkdf2) throw notImplemented(`pbes2 kdf algorithm ${kdfOid} is not supported`);
  const kp = children(child(kdf ?? [], 1, 'kdf parameters'));
  const salt = child(kp, 0, 'salt');
  if (salt.tag !== 0x04) throw notImplemented('only octet string salts are supported for pbes2/pbkdf2');
  const iterations = intValue(child(kp, 1, 'iterations'));
  // Optional keyLength (INTEGER) may precede the prf.
  const prfItem = kp.slice(2).find((d) => d.tag === 0x30);
  const prfOid = prfItem ? oidText(child(children(prfItem), 0, 'prf')) : OID.hmacSha1;
  const prf = PRF[prfOid];
  if (!prf) throw notImplemented(`pbes2 prf ${prfOid} is not supported`);
  const encOid = oidText(child(scheme ?? [], 0, 'encryption scheme'));
  const aes = AES[encOid];
  if (!aes) throw notImplemented(`pbes2 algorithm ${encOid} is not supported`);
  const iv = expectTag(child(scheme ?? [], 1, 'iv'), 0x04, 'iv').content;
  const key = pbkdf2Sync(utf8Password(password), salt.content, checkIterations(iterations), aes[1], prf);
  return blockDecrypt(aes[0], key, iv, data, 16);
}

/** Decrypts `data` encrypted under `algorithm` (an AlgorithmIdentifier) with the BMP password. */
export function pbDecrypt(algorithm: Der, password: Buffer, data: Buffer): Buffer {
  const items = children(algorithm);
  const alg = oidText(child(items, 0, 'algorithm'));
  const params = items[1];
  if (alg === OID.pbes2) return pbes2Decrypt(params, password, data);
  const { salt, iterations } = pbeParams(params);
  const derive = (id: number, size: number): Buffer => pkcs12Kdf('sha1', 20, 64, salt, password, iterations, id, size);
  if (alg === OID.pbeSha3Des) return blockDecrypt('des-ede3-cbc', derive(1, 24), derive(2, 8), data, 8);
  if (alg === OID.pbeSha128Rc2 || alg === OID.pbeSha40Rc2) {
    if (data.length === 0) throw new Error('pkcs12: empty encrypted data');
    if (data.length % 8 !== 0) throw new Error('pkcs12: input is not a multiple of the block size');
    const bits = alg === OID.pbeSha40Rc2 ? 40 : 128;
    return unpad(rc2Decrypt(derive(1, bits / 8), bits, derive(2, 8), data));
  }
  throw notImplemented(`pbe algorithm ${alg} is not supported`);
}

const MAC: Readonly<Record<string, [string, number, number]>> = {
  [OID.sha1]: ['sha1', 20, 64],
  [OID.sha256]: ['sha256', 32, 64],
  [OID.sha512]: ['sha512', 64, 128],
};

/** The PFX MAC over `message` (HMAC with a PKCS#12-derived key), or a not-supported error. */
export function pfxMac(digestOid: string, salt: Buffer, iterations: number, password: Buffer, message: Buffer): Buffer {
  const m = MAC[digestOid];
  if (!m) throw notImplemented(`MAC digest algorithm not supported: ${digestOid}`);
  const key = pkcs12Kdf(m[0], m[1], m[2], salt, password, iterations, 3, m[1]);
  return createHmac(m[0], key).update(message).digest();
}

/** go-pkcs12 Modern2023: PBES2, PBKDF2-HMAC-SHA-256 (2048 iterations, 16-byte salt), AES-256-CBC. */
export function modernEncrypt(password: Buffer, data: Buffer): { algorithm: Buffer; encrypted: Buffer } {
  const salt = randomBytes(16);
  const iv = randomBytes(16);
  const key = pbkdf2Sync(utf8Password(password), salt, MODERN_ITERATIONS, 32, 'sha256');
  const c = createCipheriv('aes-256-cbc', key, iv);
  const encrypted = Buffer.concat([c.update(data), c.final()]);
  const kdfParams = seq(octets(salt), int(MODERN_ITERATIONS), seq(oid(OID.hmacSha256)));
  const algorithm = seq(oid(OID.pbes2), seq(seq(oid(OID.pbkdf2), kdfParams), seq(oid(OID.aes256), octets(iv))));
  return { algorithm, encrypted };
}

/** Iterations of go-pkcs12's Modern encoder (KDF and MAC). */
export const MODERN_ITERATIONS = 2048;

/** Encodes MacData with HMAC-SHA-256 as Modern2023 does. */
export function modernMacData(password: Buffer, message: Buffer): Buffer {
  const salt = randomBytes(16);
  const digest = pfxMac(OID.sha256, salt, MODERN_ITERATIONS, password, message);
  return seq(seq(seq(oid(OID.sha256)), octets(digest)), octets(salt), int(MODERN_ITERATIONS));
}

