/**
 * ESO's own template functions (runtime/template/v2, ESO v2.9.0).
 *
 * Expected values: test/fixtures/eso-functions.json was written by tools/eso-vectors (Go 1.26,
 * software.sslmate.com/src/go-pkcs12 v0.7.0 and lestrrat-go/jwx v2.1.6, the versions ESO v2.9.0
 * pins): its archives come from go-pkcs12's Modern, LegacyRC2 and LegacyDES encoders, and its
 * outputs are what ESO's function bodies produce with those libraries (x509.MarshalPKCS8PrivateKey,
 * pem.Encode, x509.MarshalPKIXPublicKey). Other inputs are made at test time with @peculiar/x509.
 */
import { readFileSync } from 'node:fs';
import { createPrivateKey } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderTemplate } from '../../../src/template/index.ts';
import { goStringFromBytes, goStringToBytes } from '../../../src/template/go-bytes.ts';
import { children, parseDer, oidText, type Der } from '../../../src/template/eso-der.ts';
import { decodeChain } from '../../../src/template/eso-pkcs12-decode.ts';
import { filterCertChain, filterPEM } from '../../../src/template/eso-pem.ts';
import { jwkPrivateKeyPem, rsaDecrypt } from '../../../src/template/eso-keys.ts';
import { pkcs12certPass, pkcs12keyPass } from '../../../src/template/eso-pkcs12.ts';
import { rc2Decrypt } from '../../../src/template/eso-rc2.ts';
import { MAX_ITERATIONS, pkcs12Kdf } from '../../../src/template/eso-pkcs12-crypto.ts';
import { loadConfig } from '../../../src/config/load.ts';
import { generateTestCa, type TestCa } from '../../../src/local/test-ca.ts';

interface Vectors {
  chainShuffled: string; chainOrdered: string; leafPem: string; interPem: string; rootPem: string;
  leafKeySec1: string; leafKeyPkcs8: string; rsaKeyPkcs1: string; rsaKeyPkcs8: string; leafSANs: string[];
  archives: Record<string, { p12: string; password: string }>;
  rsaOaepSha256: { cipherB64: string; plainB64: string };
  jwk: { jwk: string; public?: string; private?: string; publicError?: string; privateError?: string }[];
}

const V = JSON.parse(readFileSync(new URL('../../fixtures/eso-functions.json', import.meta.url), 'utf8')) as Vectors;
/** An archive as a template value: raw bytes, as `decodingStrategy: Base64` hands them over. */
const bytesOf = (b64: string): string => goStringFromBytes(Buffer.from(b64, 'base64'));
const render = (t: string, data: unknown): string => renderTemplate(t, data);
const renderError = (t: string, data: unknown): string => {
  try {
    renderTemplate(t, data);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected the template to fail');
};

/** Every OBJECT IDENTIFIER of a DER tree, in order (the archive's plaintext skeleton). */
function oids(d: Der): string[] {
  if (d.tag === 0x06) return [oidText(d)];
  if ((d.tag & 0x20) === 0) return d.tag === 0x04 && d.content[0] === 0x30 ? tryNested(d.content) : [];
  return children(d).flatMap(oids);
}
function tryNested(b: Buffer): string[] {
  try {
    return oids(parseDer(b));
  } catch {
    return [];
  }
}

describe('pkcs12key / pkcs12cert read archives as go-pkcs12 does', () => {
  const rows = Object.entries(V.archives).filter(([name]) => name !== 'modernRsa');
  it.each(rows)('%s: the key as PKCS#8 PEM and the chain ordered leaf to root', (_name, { p12, password }) => {
    // Prepare
    const data = { p12: bytesOf(p12), pw: password };
    // Act
    const key = render('{{ pkcs12keyPass .pw .p12 }}', data);
    const certs = render('{{ pkcs12certPass .pw .p12 }}', data);
    // Assess: go-pkcs12 + ESO's pkcs12keyPass / pkcs12certPass output (fixture)
    expect(key).toBe(V.leafKeyPkcs8);
    expect(certs).toBe(V.chainOrdered);
  });

  it('reads a passwordless archive with the one-argument forms', () => {
    const data = { p12: bytesOf(V.archives['legacyRC2/""']?.p12 ?? '') };
    expect(render('{{ pkcs12key .p12 }}', data)).toBe(V.leafKeyPkcs8);
    expect(render('{{ pkcs12cert .p12 }}', data)).toBe(V.chainOrdered);
  });

  it('gives an RSA key as PKCS#8, the form ESO writes', () => {
    const { p12, password } = V.archives.modernRsa ?? { p12: '', password: '' };
    expect(pkcs12keyPass(password, bytesOf(p12))).toBe(V.rsaKeyPkcs8);
  });

  it('fails with ESO wording on a wrong password, never echoing it', () => {
    const { p12 } = V.archives['modern/"s3cr3t-pässword"'] ?? { p12: '' };
    const msg = renderError('{{ pkcs12keyPass "guess-Xyz" .p12 }}', { p12: bytesOf(p12) });
    expect(msg).toContain('error calling pkcs12keyPass: unable to decode pkcs12 with password: pkcs12: decryption password incorrect');
    expect(msg).not.toContain('guess-Xyz');
    expect(() => pkcs12certPass('', bytesOf(p12))).toThrow('unable to decode pkcs12 certificate with password: pkcs12: decryption password incorrect');
  });

  it('refuses bytes that are not an archive', () => {
    expect(() => pkcs12keyPass('', 'not a pfx')).toThrow(/^unable to decode pkcs12 with password: pkcs12: error reading P12 data: asn1: /);
  });
});

describe('pemToPkcs12 and friends write what go-pkcs12 Modern writes', () => {
  let ca: TestCa;
  beforeAll(async () => {
    ca = await generateTestCa({ commonName: 'eso test CA' });
  });

  it('round-trips a test-time certificate and key through pemToPkcs12 and pkcs12key/pkcs12cert', () => {
    // Prepare: certificate and key made now with @peculiar/x509
    // Act: ESO returns base64 DER; b64dec-free decoding keeps the bytes exact
    const b64 = render('{{ pemToPkcs12 .cert .key }}', { cert: ca.certPem, key: ca.keyPem });
    const p12 = bytesOf(b64);
    // Assess
    expect(b64).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(pkcs12keyPass('', p12)).toBe(createPrivateKey(ca.keyPem).export({ format: 'pem', type: 'pkcs8' }));
    expect(pkcs12certPass('', p12)).toBe(ca.certPem.replace(/\r\n/g, '\n').trimEnd() + '\n');
  });

  it('has the same plaintext skeleton as a go-pkcs12 Modern archive of the same inputs', () => {
    // Prepare: the fixture's Go Modern archive holds the leaf with CA certs [root, intermediate]
    const go = V.archives['modern/"s3cr3t-pässword"'] ?? { p12: '', password: '' };
    // Act
    const ours = render('{{ fullPemToPkcs12Pass .cert .key .pw }}', { cert: V.leafPem + V.rootPem + V.interPem, key: V.leafKeySec1, pw: go.password });
    // Assess: same OIDs in the same places (PBES2, PBKDF2 hmacWithSHA256, AES-256-CBC, SHA-256 MAC, ...)
    expect(oids(parseDer(Buffer.from(ours, 'base64')))).toEqual(oids(parseDer(Buffer.from(go.p12, 'base64'))));
    const mac = children(parseDer(Buffer.from(ours, 'base64')))[2] as Der;
    const [, salt, iterations] = children(mac);
    expect(salt?.content.length).toBe(16);
    expect(iterations?.content.readUInt16BE(0)).toBe(2048);
    const chain = decodeChain(Buffer.from(ours, 'base64'), go.password);
    expect(chain.caCerts.map((c) => c.raw.toString('base64'))).toEqual(
      [V.rootPem, V.interPem].map((p) => p.replace(/-----[^-]+-----|\s/g, '')),
    );
  });

  it('encrypts with fresh salts: two archives of the same input differ', () => {
    const data = { cert: ca.certPem, key: ca.keyPem };
    expect(render('{{ pemToPkcs12Pass .cert .key "pw" }}', data)).not.toBe(render('{{ pemToPkcs12Pass .cert .key "pw" }}', data));
  });

  it('writes a Java trust store: trusted-certificate and friendly-name attributes, no key', () => {
    // Act
    const b64 = render('{{ pemTruststoreToPKCS12Pass .certs "changeit" }}', { certs: V.interPem + V.rootPem });
    // Assess: plaintext has the Java trust OID, anyExtendedKeyUsage and friendlyName per cert bag
    const skeleton = oids(parseDer(Buffer.from(b64, 'base64')));
    expect(skeleton).toContain('1.2.840.113549.1.5.13');
    expect(() => decodeChain(Buffer.from(b64, 'base64'), 'changeit')).toThrow('pkcs12: private key missing');
    expect(render('{{ pemTruststoreToPKCS12 .c | len | lt 100 }}', { c: V.rootPem })).toBe('true');
  });

  it.each([
    ['a certificate that is not PEM', '{{ pemToPkcs12 "nope" .key }}', 'error calling pemToPkcs12: runtime error: invalid memory address or nil pointer dereference'],
    ['a key that is not PEM', '{{ pemToPkcs12 .cert "nope" }}', 'error calling pemToPkcs12: runtime error: invalid memory address or nil pointer dereference'],
    ['a key block that is no key', '{{ pemToPkcs12 .cert .cert }}', 'error calling pemToPkcs12: unable to parse private key type'],
    ['junk after the chain', '{{ fullPemToPkcs12 (print .cert "junk") .key }}', 'error calling fullPemToPkcs12: runtime error: invalid memory address or nil pointer dereference'],
  ])('fails like ESO on %s', (_case, template, want) => {
    expect(renderError(template, { cert: V.leafPem, key: V.leafKeySec1 })).toContain(want);
  });
});

describe('filterPEM', () => {
  const key = V.leafKeySec1;
  it.each([
    ['keeps the blocks of one type, in order', 'CERTIFICATE', key + V.leafPem + V.rootPem, V.leafPem + V.rootPem],
    ['matches the type case-insensitively', 'ec private key', V.leafPem + key, key],
    ['skips text before the first block', 'CERTIFICATE', 'subject=CN=x\n' + V.rootPem, V.rootPem],
    ['gives nothing when no block has the type', 'PUBLIC KEY', V.leafPem, ''],
    // Go's pem.Encode writes Proc-Type first, then the other headers sorted.
    ['re-encodes headers as Go does', 'RSA PRIVATE KEY', '-----BEGIN RSA PRIVATE KEY-----\nDEK-Info: AES-128-CBC,00\nProc-Type: 4,ENCRYPTED\n\nAAAA\n-----END RSA PRIVATE KEY-----\n', '-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n'],
  ])('%s', (_case, type, input, want) => {
    expect(render('{{ filterPEM .t .in }}', { t: type, in: input })).toBe(want);
  });

  // Go 1.26 + ESO v2.9.0's pem.go run by a throwaway Go program on the same templates (outputs verbatim).
  it.each([
    ["{{ filterPEM \"CERTIFICATE\" \"junk\\n-----BEGIN CERTIFICATE-----\\nAAAA\\n-----END CERTIFICATE-----\\nmid junk\\n-----BEGIN X-----\\nAA==\\n-----END X-----\\n-----BEGIN CERTIFICATE-----\\nAQID\\n-----END CERTIFICATE-----\\ntrailing\" }}", {"out": "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\nAQID\n-----END CERTIFICATE-----\n"}],
    ["{{ filterPEM \"X\" \"-----BEGIN X-----\\n-----END X-----\\n\" }}|{{ filterPEM \"X\" \"-----BEGIN X-----\\n-----BEGIN X-----\\nAA==\\n-----END X-----\\n\" }}", {"out": "-----BEGIN X-----\n-----END X-----\n|-----BEGIN X-----\nAA==\n-----END X-----\n"}],
    ["{{ filterPEM \"X\" \"-----BEGIN X-----\\nA: b\\n\\nAA==\\n-----END X-----\\n\" }}", {"out": "-----BEGIN X-----\nA: b\n\nAA==\n-----END X-----\n"}],
    ["{{ filterPEM \"Y\" \"-----BEGIN X-----\\nAA==\\n-----END X-----\\n\" }}", {"out": ""}],
    ["{{ filterPEM \"X\" \"-----BEGIN X-----\\nA!==\\n-----END X-----\\n\" }}", {"error": "error filtering pem: found junk"}],
  ] as [string, { out?: string; error?: string }][])('Go edge case %#', (template, want) => {
    let got: { out?: string; error?: string };
    try {
      got = { out: render(template, {}) };
    } catch (err) {
      got = { error: (err as Error).message.split('error calling filterPEM: ')[1] ?? '' };
    }
    expect(got).toEqual(want);
  });

  it('fails on input with no PEM block at all', () => {
    expect(() => filterPEM('CERTIFICATE', 'just text')).toThrow('error filtering pem: found junk');
  });
});

describe('filterCertChain', () => {
  it.each([
    ['leaf', V.leafPem],
    ['intermediate', V.interPem],
    ['root', V.rootPem],
    ['other', ''],
  ])('%s of a shuffled chain (Go-derived order)', (type, want) => {
    expect(render('{{ filterCertChain .t .c }}', { t: type, c: V.chainShuffled })).toBe(want);
  });

  it('finds no leaf in a test-time CA + leaf that lack the opposite key ids, as ESO', async () => {
    // Prepare: @peculiar/x509 CA + leaf; the CA has no authority key id and the leaf no subject key
    // id, and Go's bytes.Equal(nil, nil) is true, so ESO links them both ways and finds no leaf.
    const ca = await generateTestCa();
    // Act / Assess
    expect(() => filterCertChain('leaf', ca.certPem + ca.caPem)).toThrow('no leaf certificate found');
    expect(render('{{ filterCertChain "root" .c }}', { c: ca.caPem })).toBe(ca.caPem.trimEnd() + '\n');
  });

  it('a self-signed certificate alone is a root, not a leaf', () => {
    expect(filterCertChain('leaf', V.rootPem)).toBe('');
    expect(filterCertChain('root', V.rootPem)).toBe(V.rootPem);
  });

  it.each([
    ['two unrelated leaves', () => V.leafPem + V.leafPem.replace('-----BEGIN', 'x\n-----BEGIN'), 'found multiple leaf or disjunct certificates'],
    ['no certificate', () => '', 'no leaf certificate found'],
  ])('fails like ESO on %s', (_case, input, want) => {
    expect(() => filterCertChain('leaf', input())).toThrow(want);
  });
});

describe('certSANs', () => {
  it('lists DNS names, IPs, emails and URIs in Go order', () => {
    expect(render('{{ certSANs .c | join "|" }}', { c: V.leafPem })).toBe(V.leafSANs.join('|'));
  });

  it('fails on input without a PEM block', () => {
    expect(renderError('{{ certSANs "x" }}', {})).toContain('error calling certSANs: failed to decode PEM block');
  });
});

describe('jwkPublicKeyPem / jwkPrivateKeyPem (Go-derived PEMs and errors)', () => {
  it.each(V.jwk.map((row) => [`${(JSON.parse(row.jwk) as { kty: string }).kty} ${row.publicError === undefined ? 'public' : 'private'}`, row] as const))('%s JWK', (_case, row) => {
    const data = { j: row.jwk };
    if (row.public) expect(render('{{ jwkPublicKeyPem .j }}', data)).toBe(row.public);
    else expect(renderError('{{ jwkPublicKeyPem .j }}', data)).toContain(`error calling jwkPublicKeyPem: ${row.publicError ?? '?'}`);
    if (row.private) expect(render('{{ jwkPrivateKeyPem .j }}', data)).toBe(row.private);
    else expect(renderError('{{ jwkPrivateKeyPem .j }}', data)).toContain(`error calling jwkPrivateKeyPem: ${row.privateError ?? '?'}`);
  });

  it('refuses text that is not a JWK without echoing it', () => {
    expect(() => jwkPrivateKeyPem('{"kty":"nope","d":"c2VjcmV0"}')).toThrow('invalid key type from JSON (nope)');
    expect(() => jwkPrivateKeyPem('s3cret-not-json')).toThrow('failed to unmarshal JSON into key hint: invalid JSON');
  });
});

describe('rsaDecrypt', () => {
  const cipher = bytesOf(V.rsaOaepSha256.cipherB64);

  it.each([
    ['a PKCS#1 key', V.rsaKeyPkcs1],
    ['a PKCS#8 key', V.rsaKeyPkcs8],
  ])('decrypts Go RSA-OAEP-SHA256 ciphertext with %s, bytes intact', (_case, key) => {
    const out = render('{{ rsaDecrypt "RSA-OAEP" "SHA256" .c .k }}', { c: cipher, k: key });
    expect(goStringToBytes(out).toString('base64')).toBe(V.rsaOaepSha256.plainB64);
  });

  it.each([
    ['None passes the input through', () => rsaDecrypt('None', 'SHA1', 'plain', ''), 'plain'],
  ])('%s', (_case, act, want) => {
    expect(act()).toBe(want);
  });

  it.each([
    ['an unknown scheme', ['RSA-PSS', 'SHA256', cipher, V.rsaKeyPkcs1], 'decryption scheme RSA-PSS is not supported'],
    ['a key that is not PEM', ['RSA-OAEP', 'SHA256', cipher, 'nope'], 'failed to decode PEM block'],
    ['an EC key', ['RSA-OAEP', 'SHA256', cipher, V.leafKeySec1], 'could not parse RSA private key'],
    ['the wrong hash', ['RSA-OAEP', 'SHA1', cipher, V.rsaKeyPkcs1], 'error decrypting data with RSA: crypto/rsa: decryption error'],
  ] as const)('fails like ESO on %s', (_case, args, want) => {
    expect(() => rsaDecrypt(args[0], args[1], args[2], args[3])).toThrow(want);
  });
});

describe('RC2 (legacy PKCS#12 certificates)', () => {
  // RFC 2268 section 5 test vectors: effective bits, key, plaintext, ciphertext.
  it.each([
    [63, '0000000000000000', '0000000000000000', 'ebb773f993278eff'],
    [64, 'ffffffffffffffff', 'ffffffffffffffff', '278b27e42e2f0d49'],
    [64, '3000000000000000', '1000000000000001', '30649edf9be7d2c2'],
    [64, '88', '0000000000000000', '61a8a244adacccf0'],
  ])('decrypts the RFC 2268 vector with %i effective bits, key %s', (bits, key, plain, cipher) => {
    const out = rc2Decrypt(Buffer.from(key, 'hex'), bits, Buffer.alloc(8), Buffer.from(cipher, 'hex'));
    expect(out.toString('hex')).toBe(plain);
  });
});

describe('PKCS#12 key derivation', () => {
  it('refuses an archive iteration count that would stall the run', () => {
    expect(() => pkcs12Kdf('sha1', 20, 64, Buffer.alloc(8), Buffer.alloc(2), MAX_ITERATIONS + 1, 1, 24)).toThrow(
      `pkcs12: iteration count ${MAX_ITERATIONS + 1} exceeds the limit ${MAX_ITERATIONS}`,
    );
  });
});

describe('configuration loading', () => {
  it('accepts every ESO function in an ExternalSecret template (refused at load time before)', () => {
    // Prepare: one key per function of ESO v2.9.0's tplFuncs
    const calls = ['pkcs12key .ks', 'pkcs12keyPass "p" .ks', 'pkcs12cert .ks', 'pkcs12certPass "p" .ks', 'pemToPkcs12 .c .k',
      'pemToPkcs12Pass .c .k "p"', 'fullPemToPkcs12 .c .k', 'fullPemToPkcs12Pass .c .k "p"', 'pemTruststoreToPKCS12 .c',
      'pemTruststoreToPKCS12Pass .c "p"', 'filterPEM "CERTIFICATE" .c', 'filterCertChain "leaf" .c', 'certSANs .c',
      'jwkPublicKeyPem .j', 'jwkPrivateKeyPem .j', 'rsaDecrypt "None" "SHA256" .c .k', 'toYaml .c', 'fromYaml .c'];
    const data = calls.map((c, i) => `        k${i}: '{{ ${c} }}'`).join('\n');
    const text = `apiVersion: external-secrets.io/v1
kind: SecretStore
metadata: { name: store, namespace: apps }
spec:
  provider:
    webhook:
      url: "https://example.test/{{ .remoteRef.key }}"
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: { name: app, namespace: apps }
spec:
  secretStoreRef: { name: store }
  data:
    - secretKey: ks
      remoteRef: { key: ks, decodingStrategy: Base64 }
  target:
    template:
      data:
${data}
`;
    // Act / Assess
    expect(() => loadConfig([{ source: 'm.yaml', text }])).not.toThrow();
  });
});

describe('numbers from fromJson / fromYaml (a deliberate difference, README "Where we differ")', () => {
  it.each([
    // Go text/template prints the float64 12345678 as 1.2345678e+07 (fmt %v, shortest %g); we print the integer.
    ['fromJson prints integers whole', '{{ (fromJson .j).n }}', '12345678'],
    ['fromYaml prints integers whole', '{{ (fromYaml .y).n }}', '12345678'],
    // Same as Go: encoding/json writes float64 12345678 without an exponent.
    ['toJson agrees with Go', '{{ toJson (fromJson .j) }}', '{"n":12345678}'],
  ])('%s', (_case, template, want) => {
    expect(render(template, { j: '{"n":12345678}', y: 'n: 12345678' })).toBe(want);
  });
});
