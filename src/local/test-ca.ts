import { webcrypto } from 'node:crypto';
import { loadX509 } from './x509-loader.ts';

/** A throwaway certificate authority plus one serving certificate, all PEM. */
export interface TestCa {
  /** PEM of the CA certificate: what a client must trust. */
  caPem: string;
  /** PEM of the serving (leaf) certificate, signed by the CA. */
  certPem: string;
  /** PKCS#8 PEM of the leaf's private key. */
  keyPem: string;
}

export interface GenerateTestCaOptions {
  /** Subject CN of the CA; default `webhook-secret-sync test CA`. */
  commonName?: string;
  /** DNS SANs of the leaf; default `['localhost']`. */
  dnsNames?: string[];
  /** IP SANs of the leaf; default `['127.0.0.1']`. */
  ipAddresses?: string[];
}

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/**
 * Generates a CA and a leaf certificate (SAN IP 127.0.0.1 and DNS localhost by default) for local
 * HTTPS servers in tests. Uses node:crypto webcrypto, so no openssl is needed.
 *
 * @example
 * ```ts
 * const { caPem, certPem, keyPem } = await generateTestCa();
 * https.createServer({ cert: certPem, key: keyPem }, handler);
 * ```
 */
export async function generateTestCa(options: GenerateTestCaOptions = {}): Promise<TestCa> {
  const x509 = await loadX509();
  // x509's types name the DOM `Crypto`, which this project's lib lacks; node's webcrypto is that API.
  const crypto = webcrypto;
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(Date.now() + 24 * 3600_000);
  const caKeys = await crypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const caCert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      name: `CN=${options.commonName ?? 'webhook-secret-sync test CA'}`,
      keys: caKeys,
      notBefore,
      notAfter,
      signingAlgorithm: ALGORITHM,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey, false, crypto),
      ],
    },
    crypto,
  );

  const leafKeys = await crypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const sans = [
    ...(options.dnsNames ?? ['localhost']).map((value) => ({ type: 'dns' as const, value })),
    ...(options.ipAddresses ?? ['127.0.0.1']).map((value) => ({ type: 'ip' as const, value })),
  ];
  const leafCert = await x509.X509CertificateGenerator.create(
    {
      subject: 'CN=localhost',
      issuer: caCert.subject,
      publicKey: leafKeys.publicKey,
      signingKey: caKeys.privateKey,
      notBefore,
      notAfter,
      signingAlgorithm: ALGORITHM,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension(sans),
        await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey, false, crypto),
      ],
    },
    crypto,
  );

  const pkcs8 = await crypto.subtle.exportKey('pkcs8', leafKeys.privateKey);
  return {
    caPem: caCert.toString('pem'),
    certPem: leafCert.toString('pem'),
    keyPem: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY'),
  };
}
