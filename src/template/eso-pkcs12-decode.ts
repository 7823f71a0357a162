/** Reads a PKCS#12 archive as go-pkcs12 v0.7.0's `DecodeChain` does (ESO's `pkcs12key`/`pkcs12cert`). */
import { createPrivateKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { child, children, expectTag, intValue, oidText, parseDer, readDer, type Der } from './eso-der.ts';
import { bmpPassword, notImplemented, pbDecrypt, pfxMac } from './eso-pkcs12-crypto.ts';
import { parseCertificate, type ParsedCert } from './eso-x509.ts';
import { OID_DATA, OID_ENCRYPTED_DATA, OID_KEY_BAG, OID_SHROUDED_KEY_BAG, OID_CERT_BAG, OID_X509_CERT } from './eso-pkcs12-oids.ts';


/** What an archive holds: the key, the first certificate and the others. */
export interface DecodedChain {
  readonly key: KeyObject;
  readonly certificate: ParsedCert;
  readonly caCerts: ParsedCert[];
}

/** The value inside `[0] EXPLICIT`. */
function explicit0(d: Der): Der {
  const inner = children(expectTag(d, 0xa0, 'explicit [0]'));
  return child(inner, 0, 'explicit [0] content');
}

function octetContent(d: Der): Buffer {
  return expectTag(d, 0x04, 'octet string').content;
}

/** Verifies the MAC; an empty password also tries the empty byte string, as go-pkcs12 does. */
function checkMac(macData: Der | undefined, message: Buffer, password: Buffer): Buffer {
  const isEmpty = password.length === 2 && password[0] === 0 && password[1] === 0;
  if (!macData) {
    if (!isEmpty) throw new Error('pkcs12: no MAC in data');
    return password;
  }
  const [digestInfo, salt, iterations] = children(macData);
  const [alg, digest] = children(digestInfo as Der);
  const digestOid = oidText(child(children(alg as Der), 0, 'mac algorithm'));
  const rounds = iterations ? intValue(iterations) : 1;
  const saltBytes = octetContent(salt as Der);
  const expected = octetContent(digest as Der);
  const matches = (pw: Buffer): boolean => {
    const got = pfxMac(digestOid, saltBytes, rounds, pw, message);
    return got.length === expected.length && timingSafeEqual(got, expected);
  };
  if (matches(password)) return password;
  if (isEmpty && matches(Buffer.alloc(0))) return Buffer.alloc(0);
  throw new Error('pkcs12: decryption password incorrect');
}

function safeBags(p12: Buffer, password: Buffer): { bags: Der[]; password: Buffer } {
  let pfx: Der[];
  let authSafe: Der;
  try {
    pfx = children(parseDer(p12));
    authSafe = child(pfx, 1, 'authSafe');
    intValue(child(pfx, 0, 'version'));
  } catch (err) {
    throw new Error(`pkcs12: error reading P12 data: ${(err as Error).message}`, { cause: err });
  }
  if (intValue(child(pfx, 0, 'version')) !== 3) throw notImplemented("can only decode v3 PFX PDU's");
  const [type, content] = children(authSafe);
  if (oidText(type as Der) !== OID_DATA) throw notImplemented('only password-protected PFX is implemented');
  const authSafeBytes = octetContent(explicit0(content as Der));
  const pw = checkMac(pfx[2], authSafeBytes, password);
  const infos = children(parseDer(authSafeBytes));
  if (infos.length < 1 || infos.length > 2) throw notImplemented(`expected between 1 and 2 items in the authenticated safe, but this file has ${infos.length}`);
  const bags: Der[] = [];
  for (const ci of infos) {
    const [ciType, ciContent] = children(ci);
    const id = oidText(ciType as Der);
    let data: Buffer;
    if (id === OID_DATA) data = octetContent(explicit0(ciContent as Der));
    else if (id === OID_ENCRYPTED_DATA) {
      const [version, eci] = children(explicit0(ciContent as Der));
      if (intValue(version as Der) !== 0) throw notImplemented('only version 0 of EncryptedData is supported');
      const [, alg, encrypted] = children(eci as Der);
      data = pbDecrypt(alg as Der, pw, encrypted?.content ?? Buffer.alloc(0));
    } else throw notImplemented('only data and encryptedData content types are supported in authenticated safe');
    bags.push(...children(parseDer(data)));
  }
  return { bags, password: pw };
}

function pkcs8Key(der: Buffer): KeyObject {
  try {
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } catch (err) {
    throw new Error(`x509: failed to parse private key: ${(err as Error).message}`, { cause: err });
  }
}

function shroudedKey(value: Der, password: Buffer): KeyObject {
  const [alg, encrypted] = children(value);
  let plain: Buffer;
  try {
    plain = pbDecrypt(alg as Der, password, octetContent(encrypted as Der));
  } catch (err) {
    throw new Error(`pkcs12: error decrypting PKCS#8 shrouded key bag: ${(err as Error).message}`, { cause: err });
  }
  return pkcs8Key(plain);
}

function certFromBag(value: Der): ParsedCert {
  const [certId, data] = children(value);
  if (oidText(certId as Der) !== OID_X509_CERT) throw notImplemented('only X509 certificates are supported in cert bags');
  const der = octetContent(explicit0(data as Der));
  if (readDer(der).end !== der.length) throw new Error('pkcs12: expected exactly one certificate in the certBag');
  return parseCertificate(der);
}

/**
 * go-pkcs12's `DecodeChain`: the one private key, the first certificate and the other certificates.
 * Reads modern (PBES2/AES, HMAC-SHA-256) and legacy (3DES, RC2, HMAC-SHA-1) archives.
 */
export function decodeChain(p12: Buffer, password: string): DecodedChain {
  const { bags, password: pw } = safeBags(p12, bmpPassword(password));
  let key: KeyObject | undefined;
  let certificate: ParsedCert | undefined;
  const caCerts: ParsedCert[] = [];
  for (const bag of bags) {
    const [bagId, bagValue] = children(bag);
    const id = oidText(bagId as Der);
    if (id === OID_CERT_BAG) {
      const cert = certFromBag(explicit0(bagValue as Der));
      if (certificate) caCerts.push(cert);
      else certificate = cert;
    } else if (id === OID_KEY_BAG || id === OID_SHROUDED_KEY_BAG) {
      if (key) throw new Error('pkcs12: expected exactly one key bag');
      const value = explicit0(bagValue as Der);
      key = id === OID_KEY_BAG ? pkcs8Key(value.raw) : shroudedKey(value, pw);
    }
  }
  if (!certificate) throw new Error('pkcs12: certificate missing');
  if (!key) throw new Error('pkcs12: private key missing');
  return { key, certificate, caCerts };
}
