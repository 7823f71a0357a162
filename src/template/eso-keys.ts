/** ESO's key functions: `jwkPublicKeyPem`, `jwkPrivateKeyPem`, `rsaDecrypt`, and Go's key parsing. */
import { constants, createPrivateKey, createPublicKey, privateDecrypt, type KeyObject } from 'node:crypto';
import { goStringFromBytes, goStringToBytes } from './go-bytes.ts';
import { pemDecode, pemEncode } from './eso-pem-codec.ts';

/** ESO's `parsePrivateKey`: PKCS#1, then PKCS#8, then SEC 1 DER. */
export function parsePrivateKey(der: Buffer): KeyObject {
  for (const type of ['pkcs1', 'pkcs8', 'sec1'] as const) {
    try {
      return createPrivateKey({ key: der, format: 'der', type });
    } catch {
      // try the next form, as ESO does
    }
  }
  throw new Error('unable to parse private key type');
}

/** Go's `%T` of what jwx's `Raw` gives for a key (named in x509's marshal errors). */
function goKeyType(jwk: Record<string, unknown>, isPrivate: boolean): string {
  if (jwk.kty === 'RSA') return isPrivate ? '*rsa.PrivateKey' : '*rsa.PublicKey';
  if (jwk.kty === 'EC') return isPrivate ? '*ecdsa.PrivateKey' : '*ecdsa.PublicKey';
  if (jwk.kty === 'OKP') {
    const ed = jwk.crv === 'Ed25519';
    return isPrivate ? (ed ? 'ed25519.PrivateKey' : '*ecdh.PrivateKey') : (ed ? 'ed25519.PublicKey' : '*ecdh.PublicKey');
  }
  return '[]uint8';
}

function parseJwk(json: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    // The parser's message quotes the input, which may be a private key.
    throw new Error('failed to unmarshal JSON into key hint: invalid JSON');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('failed to unmarshal JSON into key hint: expected a JSON object');
  const kty = (v as Record<string, unknown>).kty;
  if (typeof kty !== 'string') throw new Error('invalid key type from JSON (<nil>)');
  if (!['RSA', 'EC', 'OKP', 'oct'].includes(kty)) throw new Error(`invalid key type from JSON (${kty})`);
  return v as Record<string, unknown>;
}

function keyFromJwk(jwk: Record<string, unknown>, isPrivate: boolean): KeyObject {
  try {
    const key = { key: jwk as never, format: 'jwk' as const };
    return isPrivate ? createPrivateKey(key) : createPublicKey(key);
  } catch (err) {
    throw new Error(`failed to parse key: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * `jwkPublicKeyPem JWK`: the public key of a public JWK as a PKIX `PUBLIC KEY` PEM. A private JWK
 * fails, as in ESO (Go's x509 refuses to marshal a private key as a public one).
 *
 * @example
 * ```ts
 * jwkPublicKeyPem('{"kty":"EC","crv":"P-256","x":"...","y":"..."}'); // '-----BEGIN PUBLIC KEY-----\n...'
 * ```
 */
export function jwkPublicKeyPem(json: string): string {
  const jwk = parseJwk(goStringToBytes(json).toString('utf8'));
  const isPrivate = typeof jwk.d === 'string';
  if (isPrivate || jwk.kty === 'oct') throw new Error(`x509: unsupported public key type: ${goKeyType(jwk, isPrivate)}`);
  return pemEncode('PUBLIC KEY', keyFromJwk(jwk, false).export({ format: 'der', type: 'spki' }));
}

/**
 * `jwkPrivateKeyPem JWK`: a private JWK as a PKCS#8 `PRIVATE KEY` PEM.
 *
 * @example
 * ```ts
 * jwkPrivateKeyPem('{"kty":"OKP","crv":"Ed25519","x":"...","d":"..."}'); // '-----BEGIN PRIVATE KEY-----\n...'
 * ```
 */
export function jwkPrivateKeyPem(json: string): string {
  const jwk = parseJwk(goStringToBytes(json).toString('utf8'));
  const isPrivate = typeof jwk.d === 'string';
  if (!isPrivate || jwk.kty === 'oct') throw new Error(`x509: unknown key type while marshaling PKCS#8: ${goKeyType(jwk, isPrivate)}`);
  return pemEncode('PRIVATE KEY', keyFromJwk(jwk, true).export({ format: 'der', type: 'pkcs8' }));
}

const OAEP_HASH: Readonly<Record<string, string>> = { None: 'sha256', SHA1: 'sha1', SHA256: 'sha256', SHA512: 'sha512' };

/**
 * `rsaDecrypt SCHEME HASH CIPHERTEXT PRIVATEKEY`: `None` returns the input, `RSA-OAEP` decrypts
 * with the PEM key (an unknown hash name means SHA-256, as in ESO). The input is raw bytes
 * (decode base64 first, e.g. with `b64dec` or `decodingStrategy: Base64`).
 *
 * @example
 * ```ts
 * rsaDecrypt('RSA-OAEP', 'SHA256', cipherBytes, privateKeyPem); // the plaintext
 * ```
 */
export function rsaDecrypt(scheme: string, hash: string, input: string, privateKey: string): string {
  if (scheme === 'None') return input;
  if (scheme !== 'RSA-OAEP') throw new Error(`decryption scheme ${scheme} is not supported`);
  const [block] = pemDecode(goStringToBytes(privateKey));
  if (!block) throw new Error('failed to decode PEM block');
  let key: KeyObject;
  try {
    key = parsePrivateKey(block.bytes);
  } catch (err) {
    throw new Error(`could not parse private key: ${(err as Error).message}`, { cause: err });
  }
  if (key.asymmetricKeyType !== 'rsa') throw new Error('could not parse RSA private key');
  try {
    const out = privateDecrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: OAEP_HASH[hash] ?? 'sha256' }, goStringToBytes(input));
    return goStringFromBytes(out);
  } catch (err) {
    throw new Error('error decrypting data with RSA: crypto/rsa: decryption error', { cause: err });
  }
}
