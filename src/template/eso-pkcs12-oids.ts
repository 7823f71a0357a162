/** The PKCS#12 / PKCS#7 / PKCS#9 object identifiers the archive reader and writer share (RFC 7292). */
export const OID_DATA = '1.2.840.113549.1.7.1';
export const OID_ENCRYPTED_DATA = '1.2.840.113549.1.7.6';
export const OID_KEY_BAG = '1.2.840.113549.1.12.10.1.1';
export const OID_SHROUDED_KEY_BAG = '1.2.840.113549.1.12.10.1.2';
export const OID_CERT_BAG = '1.2.840.113549.1.12.10.1.3';
export const OID_X509_CERT = '1.2.840.113549.1.9.22.1';
