/**
 * The functions ESO adds to Sprig in `runtime/template/v2` (`template.go` `tplFuncs`), with ESO's
 * names, argument order and error wording. `toYaml`/`fromYaml` are in sprig-encoding.ts.
 */
import { fixed, type FuncMap } from './func-spec.ts';
import { certSANs, filterCertChain, filterPEM } from './eso-pem.ts';
import { jwkPrivateKeyPem, jwkPublicKeyPem, rsaDecrypt } from './eso-keys.ts';
import { fullPemToPkcs12Pass, pemToPkcs12Pass, pemTruststoreToPKCS12Pass, pkcs12certPass, pkcs12keyPass } from './eso-pkcs12.ts';

const S = 'string';

/** ESO's own template functions, keyed by their template names. */
export const ESO_FUNCS: FuncMap = {
  pkcs12key: fixed([S], (input: string) => pkcs12keyPass('', input)),
  pkcs12keyPass: fixed([S, S], pkcs12keyPass),
  pkcs12cert: fixed([S], (input: string) => pkcs12certPass('', input)),
  pkcs12certPass: fixed([S, S], pkcs12certPass),
  pemToPkcs12: fixed([S, S], (cert: string, key: string) => pemToPkcs12Pass(cert, key, '')),
  pemToPkcs12Pass: fixed([S, S, S], pemToPkcs12Pass),
  fullPemToPkcs12: fixed([S, S], (cert: string, key: string) => fullPemToPkcs12Pass(cert, key, '')),
  fullPemToPkcs12Pass: fixed([S, S, S], fullPemToPkcs12Pass),
  pemTruststoreToPKCS12: fixed([S], (cert: string) => pemTruststoreToPKCS12Pass(cert, '')),
  pemTruststoreToPKCS12Pass: fixed([S, S], pemTruststoreToPKCS12Pass),
  filterPEM: fixed([S, S], filterPEM),
  filterCertChain: fixed([S, S], filterCertChain),
  certSANs: fixed([S], certSANs),
  jwkPublicKeyPem: fixed([S], jwkPublicKeyPem),
  jwkPrivateKeyPem: fixed([S], jwkPrivateKeyPem),
  rsaDecrypt: fixed([S, S, S, S], rsaDecrypt),
};
