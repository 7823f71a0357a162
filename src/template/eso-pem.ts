/** ESO's PEM functions: `filterPEM`, `filterCertChain`, `certSANs`, and the chain ordering they share. */
import { goStringFromBytes, goStringToBytes } from './go-bytes.ts';
import { pemDecode, pemEncode } from './eso-pem-codec.ts';
import { parseCertificate, type ParsedCert } from './eso-x509.ts';

export const CERTIFICATE = 'CERTIFICATE';

/** ESO drops anything before the first `-----BEGIN` (what `pem.Decode` did before Go 1.26). */
function trimJunk(input: Buffer): Buffer {
  const i = input.indexOf('-----BEGIN');
  return i < 0 ? input : input.subarray(i);
}

/**
 * `filterPEM TYPE INPUT`: the blocks of that type (case-insensitive), re-encoded, in order.
 *
 * @example
 * ```ts
 * filterPEM('CERTIFICATE', keyAndCertPem); // '-----BEGIN CERTIFICATE-----\n...'
 * ```
 */
export function filterPEM(pemType: string, input: string): string {
  let data = trimJunk(goStringToBytes(input));
  let out = '';
  for (;;) {
    const [block, next] = pemDecode(data);
    if (!block) break;
    data = next;
    if (block.type.toLowerCase() === pemType.toLowerCase()) out += pemEncode(block.type, block.bytes, block.headers);
  }
  // With no block found, `data` is what pem.Decode returned as the rest.
  if (out === '' && data.length !== 0) throw new Error('error filtering pem: found junk');
  return out;
}

/** Every PEM block of the input parsed as a certificate (ESO's `pemToNodes`). */
export function pemCertificates(input: Buffer): ParsedCert[] {
  const certs: ParsedCert[] = [];
  let data = input;
  for (;;) {
    const [block, rest] = pemDecode(data);
    data = rest;
    if (!block) return certs;
    certs.push(parseCertificate(block.bytes));
  }
}

/**
 * ESO's `fetchX509CertChains`: orders certificates leaf -> intermediates -> root by matching each
 * authority key id to another certificate's subject key id (no signature check, as in ESO).
 */
export function orderChain(certs: readonly ParsedCert[]): ParsedCert[] {
  const parent = new Map<number, number>();
  const isParent = new Set<number>();
  certs.forEach((c, i) => {
    // Go's bytes.Equal treats two absent ids as equal: ESO links such certificates too.
    const j = certs.findIndex((o, k) => k !== i && c.authorityKeyId.equals(o.subjectKeyId));
    if (j >= 0) {
      parent.set(i, j);
      isParent.add(j);
    }
  });
  let leaf: number | undefined;
  for (let i = 0; i < certs.length; i++) {
    if (isParent.has(i)) continue;
    if (leaf !== undefined) throw new Error('found multiple leaf or disjunct certificates');
    leaf = i;
  }
  if (leaf === undefined) throw new Error('no leaf certificate found');
  const chain: ParsedCert[] = [];
  for (let at: number | undefined = leaf; at !== undefined; at = parent.get(at)) {
    if (chain.length >= certs.length) throw new Error('constructing chain resulted in cycle');
    chain.push(certs[at] as ParsedCert);
  }
  return chain;
}

function isRoot(c: ParsedCert): boolean {
  return !c.hasAuthorityKeyId || c.authorityKeyId.equals(c.subjectKeyId);
}

const encodeCert = (c: ParsedCert): string => pemEncode(CERTIFICATE, c.raw);

/**
 * `filterCertChain leaf|intermediate|root INPUT`: that part of the ordered chain as PEM, or `""`.
 *
 * @example
 * ```ts
 * filterCertChain('root', chainPem); // the self-signed root's PEM
 * ```
 */
export function filterCertChain(certType: string, input: string): string {
  const ordered = orderChain(pemCertificates(goStringToBytes(input)));
  const first = ordered[0] as ParsedCert;
  switch (certType) {
    case 'leaf':
      return first.hasAuthorityKeyId && !first.authorityKeyId.equals(first.subjectKeyId) ? encodeCert(first) : '';
    case 'intermediate': {
      let out = '';
      for (const c of ordered.slice(1)) {
        if (isRoot(c)) break;
        out += encodeCert(c);
      }
      return out;
    }
    case 'root': {
      const last = ordered[ordered.length - 1] as ParsedCert;
      return isRoot(last) ? encodeCert(last) : '';
    }
    default:
      return '';
  }
}

/**
 * `certSANs INPUT`: the first certificate's DNS names, IP addresses, emails, then URIs.
 *
 * @example
 * ```ts
 * certSANs(certPem); // ['example.com', '10.0.0.1']
 * ```
 */
export function certSANs(input: string): string[] {
  const [block] = pemDecode(trimJunk(goStringToBytes(input)));
  if (!block) throw new Error('failed to decode PEM block');
  let cert: ParsedCert;
  try {
    cert = parseCertificate(block.bytes);
  } catch (err) {
    throw new Error(`failed to parse certificate: ${(err as Error).message}`, { cause: err });
  }
  return [...cert.dnsNames, ...cert.ipAddresses, ...cert.emailAddresses, ...cert.uris].map((s) => goStringFromBytes(Buffer.from(s, 'latin1')));
}
