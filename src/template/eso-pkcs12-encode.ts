/**
 * Writes PKCS#12 archives as go-pkcs12 v0.7.0's `Modern` encoder (what ESO uses): certificates in
 * an encrypted SafeContents, the key in a shrouded key bag, both PBES2 / PBKDF2-HMAC-SHA-256 /
 * AES-256-CBC with 2048 iterations, and an HMAC-SHA-256 MAC. Salts and IVs are random, so two
 * archives of the same input differ, as in ESO.
 */
import { createHash, type KeyObject } from 'node:crypto';
import { explicit0, octets, oid, seq, tlv, int } from './eso-der.ts';
import { bmpPassword, modernEncrypt, modernMacData } from './eso-pkcs12-crypto.ts';
import type { ParsedCert } from './eso-x509.ts';
import { OID_DATA, OID_ENCRYPTED_DATA, OID_SHROUDED_KEY_BAG, OID_CERT_BAG, OID_X509_CERT } from './eso-pkcs12-oids.ts';

const OID_LOCAL_KEY_ID = '1.2.840.113549.1.9.21';
const OID_FRIENDLY_NAME = '1.2.840.113549.1.9.20';
const OID_JAVA_TRUST_STORE = '2.16.840.1.113894.746875.1.1';
const OID_ANY_EKU = '2.5.29.37.0';

/** DER `SET OF`: elements sorted by their encoding, as Go's encoding/asn1 writes them. */
function setOf(items: Buffer[]): Buffer {
  return tlv(0x31, ...[...items].sort((a, b) => Buffer.compare(a, b)));
}

const attribute = (id: string, value: Buffer): Buffer => seq(oid(id), setOf([value]));

function certBag(cert: ParsedCert, attributes: Buffer[]): Buffer {
  const value = seq(oid(OID_X509_CERT), explicit0(octets(cert.raw)));
  return seq(oid(OID_CERT_BAG), explicit0(value), setOf(attributes));
}

function encryptedContentInfo(bags: Buffer[], password: Buffer): Buffer {
  const { algorithm, encrypted } = modernEncrypt(password, seq(...bags));
  const eci = seq(oid(OID_DATA), algorithm, tlv(0x80, encrypted));
  return seq(oid(OID_ENCRYPTED_DATA), explicit0(seq(int(0), eci)));
}

const dataContentInfo = (content: Buffer): Buffer => seq(oid(OID_DATA), explicit0(octets(content)));

function pfx(authenticatedSafe: Buffer[], password: Buffer): Buffer {
  const safe = seq(...authenticatedSafe);
  return seq(int(3), dataContentInfo(safe), modernMacData(password, safe));
}

/** `Modern.Encode(key, cert, caCerts, password)`: the DER archive. */
export function encodeKeyStore(key: KeyObject, cert: ParsedCert, caCerts: readonly ParsedCert[], password: string): Buffer {
  const pw = bmpPassword(password);
  const localKeyId = attribute(OID_LOCAL_KEY_ID, octets(createHash('sha1').update(cert.raw).digest()));
  const certBags = [certBag(cert, [localKeyId]), ...caCerts.map((c) => certBag(c, []))];
  const pkcs8 = key.export({ format: 'der', type: 'pkcs8' });
  const { algorithm, encrypted } = modernEncrypt(pw, pkcs8);
  const keyBag = seq(oid(OID_SHROUDED_KEY_BAG), explicit0(seq(algorithm, octets(encrypted))), setOf([localKeyId]));
  return pfx([encryptedContentInfo(certBags, pw), dataContentInfo(seq(keyBag))], pw);
}

/** UCS-2 big-endian, as a BMPString (go-pkcs12 refuses characters beyond U+FFFF). */
function bmpString(s: string): Buffer {
  const b = bmpPassword(s);
  return tlv(0x1e, b.subarray(0, b.length - 2));
}

/** `Modern.EncodeTrustStore(certs, password)`: trusted certificate bags named by their subject. */
export function encodeTrustStore(certs: readonly ParsedCert[], password: string): Buffer {
  const pw = bmpPassword(password);
  const trusted = attribute(OID_JAVA_TRUST_STORE, oid(OID_ANY_EKU));
  const bags = certs.map((c) => certBag(c, [trusted, attribute(OID_FRIENDLY_NAME, bmpString(c.subject))]));
  return pfx([encryptedContentInfo(bags, pw)], pw);
}
