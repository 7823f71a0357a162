/** ESO's PKCS#12 template functions (`runtime/template/v2/pkcs12.go` semantics). */
import { goStringToBytes } from './go-bytes.ts';
import { CERTIFICATE, orderChain } from './eso-pem.ts';
import { pemDecode, pemEncode } from './eso-pem-codec.ts';
import { decodeChain } from './eso-pkcs12-decode.ts';
import { encodeKeyStore, encodeTrustStore } from './eso-pkcs12-encode.ts';
import { parsePrivateKey } from './eso-keys.ts';
import { parseCertificate, type ParsedCert } from './eso-x509.ts';

/** What Go reports when ESO dereferences the missing block of input that is not PEM. */
const NIL_DEREFERENCE = 'runtime error: invalid memory address or nil pointer dereference';

function firstBlockBytes(pem: string): Buffer {
  const [block] = pemDecode(goStringToBytes(pem));
  if (!block) throw new Error(NIL_DEREFERENCE);
  return block.bytes;
}

/**
 * `pkcs12keyPass PASSWORD ARCHIVE`: the archive's private key as PKCS#8 `PRIVATE KEY` PEM. The
 * archive is raw bytes (after `decodingStrategy: Base64` or `b64dec`).
 *
 * @example
 * ```ts
 * pkcs12keyPass('changeit', p12Bytes); // '-----BEGIN PRIVATE KEY-----\n...'
 * ```
 */
export function pkcs12keyPass(pass: string, input: string): string {
  let der: Buffer;
  try {
    der = decodeChain(goStringToBytes(input), pass).key.export({ format: 'der', type: 'pkcs8' });
  } catch (err) {
    throw new Error(`unable to decode pkcs12 with password: ${(err as Error).message}`, { cause: err });
  }
  return pemEncode('PRIVATE KEY', der);
}

/**
 * `pkcs12certPass PASSWORD ARCHIVE`: the archive's certificates as PEM, ordered leaf to root when
 * they form one chain, else in archive order (as ESO).
 *
 * @example
 * ```ts
 * pkcs12certPass('changeit', p12Bytes); // '-----BEGIN CERTIFICATE-----\n...'
 * ```
 */
export function pkcs12certPass(pass: string, input: string): string {
  let certs: ParsedCert[];
  try {
    const chain = decodeChain(goStringToBytes(input), pass);
    certs = [chain.certificate, ...chain.caCerts];
  } catch (err) {
    throw new Error(`unable to decode pkcs12 certificate with password: ${(err as Error).message}`, { cause: err });
  }
  let ordered = certs;
  try {
    ordered = orderChain(certs);
  } catch {
    // ESO keeps the archive order when the certificates are not one chain.
  }
  return ordered.map((c) => pemEncode(CERTIFICATE, c.raw)).join('');
}

function certsKeyToPkcs12(cert: ParsedCert, key: string, caCerts: ParsedCert[], pass: string): string {
  const parsedKey = parsePrivateKey(firstBlockBytes(key));
  return encodeKeyStore(parsedKey, cert, caCerts, pass).toString('base64');
}

/**
 * `pemToPkcs12Pass CERT KEY PASSWORD`: a base64 PKCS#12 keystore of the first certificate and the key.
 *
 * @example
 * ```ts
 * pemToPkcs12Pass(certPem, keyPem, 'changeit'); // 'MIIK...' (base64 DER)
 * ```
 */
export function pemToPkcs12Pass(cert: string, key: string, pass: string): string {
  return certsKeyToPkcs12(parseCertificate(firstBlockBytes(cert)), key, [], pass);
}

/**
 * `fullPemToPkcs12Pass CERT KEY PASSWORD`: like {@link pemToPkcs12Pass}, with every further
 * certificate of CERT as a CA certificate.
 *
 * @example
 * ```ts
 * fullPemToPkcs12Pass(leafAndChainPem, keyPem, ''); // base64 DER
 * ```
 */
export function fullPemToPkcs12Pass(cert: string, key: string, pass: string): string {
  const [block, rest] = pemDecode(goStringToBytes(cert));
  if (!block) throw new Error(NIL_DEREFERENCE);
  const leaf = parseCertificate(block.bytes);
  return certsKeyToPkcs12(leaf, key, parseCaCerts(rest), pass);
}

/** ESO's `parseCaCerts`: every remaining byte must be a certificate block. */
function parseCaCerts(input: Buffer): ParsedCert[] {
  const certs: ParsedCert[] = [];
  let rest = input;
  while (rest.length > 0) {
    const [block, next] = pemDecode(rest);
    if (!block) throw new Error(NIL_DEREFERENCE);
    rest = next;
    certs.push(parseCertificate(block.bytes));
  }
  return certs;
}

/**
 * `pemTruststoreToPKCS12Pass CERTS PASSWORD`: a base64 PKCS#12 trust store (Java's trusted-cert
 * attribute, friendly name = subject) of every certificate.
 *
 * @example
 * ```ts
 * pemTruststoreToPKCS12Pass(caBundlePem, 'changeit'); // base64 DER
 * ```
 */
export function pemTruststoreToPKCS12Pass(cert: string, pass: string): string {
  return encodeTrustStore(parseCaCerts(goStringToBytes(cert)), pass).toString('base64');
}

