// Command eso-vectors writes test/fixtures/eso-functions.json: inputs made with Go's crypto and
// software.sslmate.com/src/go-pkcs12 v0.7.0 (ESO's PKCS#12 library), and the outputs ESO v2.9's
// runtime/template/v2 functions give for them (reproduced from their documented behaviour with the
// same libraries: x509.MarshalPKCS8PrivateKey, pem.Encode, jwx v2.1.6 jwk.ParseKey + Raw).
// With -verify it reads {"p12": base64, "password": s} lines on stdin and prints what go-pkcs12
// decodes, to check archives our encoder wrote.
//
//	cd tools/eso-vectors && go run . > ../../test/fixtures/eso-functions.json
package main

import (
	"bufio"
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"flag"
	"fmt"
	"math/big"
	"net"
	"net/url"
	"os"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"
	pkcs12 "software.sslmate.com/src/go-pkcs12"
)

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func pemOf(typ string, der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}))
}

func makeCert(cn string, serial int64, pub, signerKey crypto.Signer, parent *x509.Certificate, ski []byte, isCA bool, leaf bool) *x509.Certificate {
	tpl := &x509.Certificate{
		SerialNumber:          big.NewInt(serial),
		Subject:               pkix.Name{CommonName: cn, Organization: []string{"Example, Inc."}},
		NotBefore:             time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:              time.Date(2036, 1, 1, 0, 0, 0, 0, time.UTC),
		SubjectKeyId:          ski,
		IsCA:                  isCA,
		BasicConstraintsValid: true,
	}
	if leaf {
		tpl.DNSNames = []string{"db.example.com", "*.db.example.com"}
		tpl.IPAddresses = []net.IP{net.ParseIP("10.0.0.1"), net.ParseIP("2001:db8::1")}
		tpl.EmailAddresses = []string{"ops@example.com"}
		tpl.URIs = []*url.URL{must(url.Parse("spiffe://example.com/db"))}
	}
	if parent == nil {
		parent = tpl
	}
	der := must(x509.CreateCertificate(rand.Reader, tpl, parent, pub.Public(), signerKey))
	return must(x509.ParseCertificate(der))
}

func orderChain(certs []*x509.Certificate) []*x509.Certificate {
	parent := map[int]int{}
	isParent := map[int]bool{}
	for i := range certs {
		for j := range certs {
			if i != j && bytes.Equal(certs[i].AuthorityKeyId, certs[j].SubjectKeyId) {
				parent[i], isParent[j] = j, true
				break
			}
		}
	}
	leaf := -1
	for i := range certs {
		if !isParent[i] {
			leaf = i
		}
	}
	var out []*x509.Certificate
	for at, ok := leaf, true; ok; at, ok = parent[at] {
		out = append(out, certs[at])
	}
	return out
}

func jwkPem(js string, private bool) map[string]string {
	k := must(jwk.ParseKey([]byte(js)))
	var raw any
	if err := k.Raw(&raw); err != nil {
		panic(err)
	}
	res := map[string]string{"jwk": js}
	if private {
		if der, err := x509.MarshalPKCS8PrivateKey(raw); err == nil {
			res["private"] = pemOf("PRIVATE KEY", der)
		}
		_, err := x509.MarshalPKIXPublicKey(raw)
		res["publicError"] = err.Error()
	} else {
		res["public"] = pemOf("PUBLIC KEY", must(x509.MarshalPKIXPublicKey(raw)))
		_, err := x509.MarshalPKCS8PrivateKey(raw)
		res["privateError"] = err.Error()
	}
	return res
}

func verify() {
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 1<<22)
	for sc.Scan() {
		var in struct{ P12, Password string }
		must(0, json.Unmarshal(sc.Bytes(), &in))
		key, cert, cas, err := pkcs12.DecodeChain(must(base64.StdEncoding.DecodeString(in.P12)), in.Password)
		if err != nil {
			trust, terr := pkcs12.DecodeTrustStore(must(base64.StdEncoding.DecodeString(in.P12)), in.Password)
			fmt.Println("chain error:", err, "| truststore:", len(trust), terr)
			continue
		}
		fmt.Printf("ok key=%T cert=%s cas=%d keyMatches=%v\n", key, cert.Subject, len(cas), fmt.Sprint(cert.PublicKey) == fmt.Sprint(key.(crypto.Signer).Public()))
	}
}

func main() {
	doVerify := flag.Bool("verify", false, "decode archives from stdin")
	flag.Parse()
	if *doVerify {
		verify()
		return
	}
	rootKey := must(ecdsa.GenerateKey(elliptic.P256(), rand.Reader))
	interKey := must(ecdsa.GenerateKey(elliptic.P256(), rand.Reader))
	leafKey := must(ecdsa.GenerateKey(elliptic.P256(), rand.Reader))
	rsaKey := must(rsa.GenerateKey(rand.Reader, 2048))
	root := makeCert("Example Root", 1, rootKey, rootKey, nil, []byte{1, 1, 1, 1}, true, false)
	inter := makeCert("Example Intermediate", 2, interKey, rootKey, root, []byte{2, 2, 2, 2}, true, false)
	leaf := makeCert("db.example.com", 3, leafKey, interKey, inter, []byte{3, 3, 3, 3}, false, true)

	out := map[string]any{}
	out["chainShuffled"] = pemOf("CERTIFICATE", root.Raw) + pemOf("CERTIFICATE", leaf.Raw) + pemOf("CERTIFICATE", inter.Raw)
	out["leafPem"], out["interPem"], out["rootPem"] = pemOf("CERTIFICATE", leaf.Raw), pemOf("CERTIFICATE", inter.Raw), pemOf("CERTIFICATE", root.Raw)
	out["leafKeySec1"] = pemOf("EC PRIVATE KEY", must(x509.MarshalECPrivateKey(leafKey)))
	out["leafKeyPkcs8"] = pemOf("PRIVATE KEY", must(x509.MarshalPKCS8PrivateKey(leafKey)))
	out["rsaKeyPkcs1"] = pemOf("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rsaKey))
	out["rsaKeyPkcs8"] = pemOf("PRIVATE KEY", must(x509.MarshalPKCS8PrivateKey(rsaKey)))
	out["leafSANs"] = []string{"db.example.com", "*.db.example.com", "10.0.0.1", "2001:db8::1", "ops@example.com", "spiffe://example.com/db"}
	ordered := ""
	for _, c := range orderChain([]*x509.Certificate{leaf, root, inter}) {
		ordered += pemOf("CERTIFICATE", c.Raw)
	}
	out["chainOrdered"] = ordered

	archives := map[string]map[string]string{}
	for name, enc := range map[string]*pkcs12.Encoder{"modern": pkcs12.Modern, "legacyRC2": pkcs12.LegacyRC2, "legacyDES": pkcs12.LegacyDES} {
		for _, pw := range []string{"", "s3cr3t-pässword"} {
			p12 := must(enc.Encode(leafKey, leaf, []*x509.Certificate{root, inter}, pw))
			archives[fmt.Sprintf("%s/%q", name, pw)] = map[string]string{"p12": base64.StdEncoding.EncodeToString(p12), "password": pw}
		}
	}
	rsaP12 := must(pkcs12.Modern.Encode(rsaKey, leaf, nil, "x"))
	archives["modernRsa"] = map[string]string{"p12": base64.StdEncoding.EncodeToString(rsaP12), "password": "x"}
	out["archives"] = archives

	cipher := must(rsa.EncryptOAEP(sha256.New(), rand.Reader, &rsaKey.PublicKey, []byte("db-password\xff\x00"), nil))
	out["rsaOaepSha256"] = map[string]string{"cipherB64": base64.StdEncoding.EncodeToString(cipher), "plainB64": base64.StdEncoding.EncodeToString([]byte("db-password\xff\x00"))}

	edPub, edPriv := must2(ed25519.GenerateKey(rand.Reader))
	ecJwkPriv := string(must(json.Marshal(must(jwk.FromRaw(leafKey)))))
	ecJwkPub := string(must(json.Marshal(must(jwk.FromRaw(&leafKey.PublicKey)))))
	rsaJwkPriv := string(must(json.Marshal(must(jwk.FromRaw(rsaKey)))))
	rsaJwkPub := string(must(json.Marshal(must(jwk.FromRaw(&rsaKey.PublicKey)))))
	edJwkPriv := string(must(json.Marshal(must(jwk.FromRaw(edPriv)))))
	edJwkPub := string(must(json.Marshal(must(jwk.FromRaw(edPub)))))
	out["jwk"] = []map[string]string{jwkPem(ecJwkPriv, true), jwkPem(ecJwkPub, false), jwkPem(rsaJwkPriv, true), jwkPem(rsaJwkPub, false), jwkPem(edJwkPriv, true), jwkPem(edJwkPub, false)}

	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	must(0, enc.Encode(out))
}

func must2[A, B any](a A, b B, err error) (A, B) {
	if err != nil {
		panic(err)
	}
	return a, b
}
