/** The parts of an X.509 certificate ESO's template functions look at, read as Go's x509 does. */
import { X509Certificate } from 'node:crypto';
import { children, parseDer, oidText, type Der } from './eso-der.ts';

/** A parsed certificate: DER, key identifiers (empty when absent, as Go's nil) and SANs. */
export interface ParsedCert {
  readonly raw: Buffer;
  readonly subjectKeyId: Buffer;
  readonly authorityKeyId: Buffer;
  readonly hasAuthorityKeyId: boolean;
  readonly dnsNames: string[];
  readonly ipAddresses: string[];
  readonly emailAddresses: string[];
  readonly uris: string[];
  /** Go's `pkix.Name.String()` of the subject (RFC 2253 order, reversed). */
  readonly subject: string;
}

const NO_BYTES = Buffer.alloc(0);

/** Parses DER like Go's `x509.ParseCertificate`; a malformed certificate gives Go's message. */
export function parseCertificate(der: Buffer): ParsedCert {
  try {
    new X509Certificate(der);
    const tbs = children(children(parseDer(der))[0] as Der);
    const off = tbs[0]?.tag === 0xa0 ? 1 : 0;
    const subject = tbs[off + 4] as Der;
    const extsWrapper = tbs.find((d) => d.tag === 0xa3);
    const exts = extsWrapper ? children(children(extsWrapper)[0] as Der) : [];
    const cert = { raw: Buffer.from(der), subjectKeyId: NO_BYTES, authorityKeyId: NO_BYTES, hasAuthorityKeyId: false, dnsNames: [] as string[], ipAddresses: [] as string[], emailAddresses: [] as string[], uris: [] as string[], subject: nameString(subject) };
    for (const ext of exts) {
      const parts = children(ext);
      const id = oidText(parts[0] as Der);
      const value = parseDer((parts[parts.length - 1] as Der).content);
      if (id === '2.5.29.14') cert.subjectKeyId = Buffer.from(value.content);
      if (id === '2.5.29.35') {
        const keyId = children(value).find((d) => d.tag === 0x80);
        if (keyId) cert.authorityKeyId = Buffer.from(keyId.content);
        cert.hasAuthorityKeyId = keyId !== undefined;
      }
      if (id === '2.5.29.17') readSans(value, cert);
    }
    return cert;
  } catch {
    throw new Error('x509: malformed certificate');
  }
}

function readSans(value: Der, cert: { dnsNames: string[]; ipAddresses: string[]; emailAddresses: string[]; uris: string[] }): void {
  for (const name of children(value)) {
    const text = name.content.toString('latin1');
    if (name.tag === 0x81) cert.emailAddresses.push(text);
    else if (name.tag === 0x82) cert.dnsNames.push(text);
    else if (name.tag === 0x86) cert.uris.push(text);
    else if (name.tag === 0x87) cert.ipAddresses.push(ipString(name.content));
  }
}

/** Go's `net.IP.String()` for 4- and 16-byte addresses. */
function ipString(b: Buffer): string {
  if (b.length === 4) return [...b].join('.');
  if (b.length !== 16) return `?${b.toString('hex')}`;
  if (b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff) return [...b.subarray(12)].join('.');
  // The WHATWG serialiser compresses the longest zero run like RFC 5952, as Go does.
  const groups = Array.from({ length: 8 }, (_, i) => b.readUInt16BE(2 * i).toString(16));
  return new URL(`http://[${groups.join(':')}]`).hostname.slice(1, -1);
}

const ATTR_NAMES: Readonly<Record<string, string>> = {
  '2.5.4.6': 'C', '2.5.4.10': 'O', '2.5.4.11': 'OU', '2.5.4.3': 'CN', '2.5.4.5': 'SERIALNUMBER',
  '2.5.4.7': 'L', '2.5.4.8': 'ST', '2.5.4.9': 'STREET', '2.5.4.17': 'POSTALCODE',
};

/** Go's `pkix.RDNSequence.String()`: last RDN first, `+` inside an RDN, RFC 2253 escaping. */
function nameString(name: Der): string {
  const rdns = children(name).map((set) =>
    children(set)
      .map((atv) => {
        const [type, value] = children(atv) as [Der, Der];
        const id = oidText(type);
        const label = ATTR_NAMES[id];
        if (!label) return `${id}=#${value.raw.toString('hex')}`;
        return `${label}=${escapeValue(value.tag === 0x1e ? Buffer.from(value.content).swap16().toString('utf16le') : value.content.toString('utf8'))}`;
      })
      .join('+'),
  );
  return rdns.reverse().join(',');
}

function escapeValue(s: string): string {
  let out = '';
  const chars = Array.from(s);
  chars.forEach((c, i) => {
    const edge = (i === 0 && (c === ' ' || c === '#')) || (i === chars.length - 1 && c === ' ');
    out += edge || ',+"\\<>;'.includes(c) ? `\\${c}` : c;
  });
  return out;
}
