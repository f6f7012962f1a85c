#!/bin/sh
# Regenerates the TLS test fixtures in this directory. Run once; the output is
# committed (the tests never call openssl). Needs OpenSSL 3.
# All certificates are self-signed, CN=localhost, for 127.0.0.1 and ::1, valid
# for 100 years: test-only keys, never to be trusted by anything real.
set -eu
cd "$(dirname "$0")"
days=36500
san="subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1"

# RSA 2048: PKCS#8 key ("BEGIN PRIVATE KEY") and the same key as PKCS#1 ("BEGIN RSA PRIVATE KEY").
openssl req -x509 -newkey rsa:2048 -sha256 -days "$days" -noenc \
    -subj /CN=localhost -addext "$san" -keyout rsa-key.pem -out rsa-cert.pem
openssl rsa -in rsa-key.pem -traditional -out rsa-key-pkcs1.pem

# EC P-256: SEC1 key ("BEGIN EC PRIVATE KEY") and its certificate.
openssl ecparam -name prime256v1 -genkey -noout -out ec-key-sec1.pem
openssl req -x509 -key ec-key-sec1.pem -sha256 -days "$days" \
    -subj /CN=localhost -addext "$san" -out ec-cert.pem

# PKCS#12 of the RSA pair, password "changeit" (OpenSSL 3 defaults: AES-256-CBC, PBKDF2, HMAC-SHA256).
openssl pkcs12 -export -inkey rsa-key.pem -in rsa-cert.pem -name nioftpd \
    -passout pass:changeit -out server.p12

# The RSA key with a certificate that expired the day it was made (a reload must refuse it).
openssl req -new -key rsa-key.pem -subj /CN=localhost -out expired.csr
openssl x509 -req -in expired.csr -signkey rsa-key.pem -days -1 -out rsa-expired-cert.pem
rm expired.csr

# A second RSA pair for another host name (SNI): CN=other.test, *.other.test.
openssl req -x509 -newkey rsa:2048 -sha256 -days "$days" -noenc \
    -subj /CN=other.test -addext "subjectAltName=DNS:other.test,DNS:*.other.test" \
    -keyout other-key.pem -out other-cert.pem
