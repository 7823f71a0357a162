/**
 * ESO's Sprig `encryptAES`, `decryptAES`, `bcrypt` and `htpasswd` (ESO's fork takes the hash
 * algorithm as a third argument). Go panics become errors with Go's runtime wording.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import bcryptjs from 'bcryptjs';
import { fixed, type FuncMap } from './func-spec.ts';
import { goStringFromBytes, goStringToBytes } from './go-bytes.ts';

/** Sprig's AES key: the password's bytes, zero-padded or cut to 32 (AES-256). */
function aesKey(password: string): Buffer {
  const key = Buffer.alloc(32);
  goStringToBytes(password).copy(key, 0, 0, 32);
  return key;
}

/**
 * `encryptAES PASSWORD TEXT`: base64 of a random IV and AES-256-CBC ciphertext (PKCS#7 padding).
 *
 * @example
 * ```ts
 * encryptAES('key', 'text'); // base64, different every call
 * ```
 */
export function encryptAES(password: string, plaintext: string): string {
  if (plaintext === '') return '';
  const iv = randomBytes(16);
  const c = createCipheriv('aes-256-cbc', aesKey(password), iv);
  return Buffer.concat([iv, c.update(goStringToBytes(plaintext)), c.final()]).toString('base64');
}

/** Go's `base64.StdEncoding.DecodeString` error position for invalid input, or -1. */
function badBase64At(s: string): number {
  const body = s.replace(/[\r\n]/g, '');
  const stripped = body.replace(/=+$/, '');
  const bad = Array.from(stripped).findIndex((c) => !/[A-Za-z0-9+/]/.test(c));
  if (bad >= 0) return bad;
  if (body.length % 4 !== 0 || body.length - stripped.length > 2 || stripped.length % 4 === 1) return Math.min(stripped.length, Math.floor(body.length / 4) * 4);
  return -1;
}

/**
 * `decryptAES PASSWORD BASE64`: the inverse of {@link encryptAES}. Like Sprig, the padding is
 * removed without checking it.
 *
 * @example
 * ```ts
 * decryptAES('key', encryptAES('key', 'text')); // 'text'
 * ```
 */
export function decryptAES(password: string, crypt64: string): string {
  if (crypt64 === '') return '';
  const bad = badBase64At(crypt64);
  if (bad >= 0) throw new Error(`illegal base64 data at input byte ${bad}`);
  const crypt = Buffer.from(crypt64.replace(/[\r\n]/g, ''), 'base64');
  if (crypt.length < 16) throw new Error(`runtime error: slice bounds out of range [:16] with capacity ${crypt.length}`);
  const body = crypt.subarray(16);
  if (body.length % 16 !== 0) throw new Error('crypto/cipher: input not full blocks');
  if (body.length === 0) throw new Error('runtime error: index out of range [-1]');
  const d = createDecipheriv('aes-256-cbc', aesKey(password), crypt.subarray(0, 16)).setAutoPadding(false);
  const plain = Buffer.concat([d.update(body), d.final()]);
  const end = plain.length - (plain[plain.length - 1] ?? 0);
  if (end < 0) throw new Error(`runtime error: slice bounds out of range [:${end}]`);
  return goStringFromBytes(plain.subarray(0, end));
}

/** Go's bcrypt.GenerateFromPassword at DefaultCost 10, in Go's `$2a$` form. */
function bcrypt(input: string): string {
  const bytes = goStringToBytes(input);
  if (bytes.length > 72) return 'failed to encrypt string with bcrypt: bcrypt: password length exceeds 72 bytes';
  const salt = bcryptjs.genSaltSync(10).replace(/^\$2b\$/, '$2a$');
  // bcryptjs hashes the UTF-8 of the string; invalid bytes (rare in a password) become U+FFFD.
  return bcryptjs.hashSync(bytes.toString('utf8'), salt);
}

/**
 * `htpasswd USER PASSWORD ALGORITHM`: an htpasswd line; `sha` gives `{SHA}` + base64 SHA-1, any
 * other algorithm bcrypt.
 *
 * @example
 * ```ts
 * htpasswd('admin', 'pw', 'sha'); // 'admin:{SHA}...'
 * ```
 */
export function htpasswd(username: string, password: string, algorithm: string): string {
  if (username.includes(':')) return `invalid username: ${username}`;
  if (algorithm === 'sha') return `${username}:{SHA}${createHash('sha1').update(goStringToBytes(password)).digest('base64')}`;
  return `${username}:${bcrypt(password)}`;
}

/** The functions above, keyed by their template names. */
export const ESO_SPRIG_CRYPTO: FuncMap = {
  encryptAES: fixed(['string', 'string'], encryptAES),
  decryptAES: fixed(['string', 'string'], decryptAES),
  bcrypt: fixed(['string'], bcrypt),
  htpasswd: fixed(['string', 'string', 'string'], htpasswd),
};
