#!/bin/sh
# One-shot set-up of the distribution stack: a self-signed TLS certificate for
# localhost and a bcrypt htpasswd file, each made only when missing, so the
# second and every later "up" keeps the ones users have already trusted.
#
#   REGISTRY_USER, REGISTRY_PASSWORD  the account written on the first run
#   CERT_DIR  (default /certs)  tls.crt, tls.key
#   AUTH_DIR  (default /auth)   htpasswd
#   CERT_DAYS (default 825)
set -eu

CERT_DIR=${CERT_DIR:-/certs}
AUTH_DIR=${AUTH_DIR:-/auth}
CERT_DAYS=${CERT_DAYS:-825}

if [ -s "$CERT_DIR/tls.crt" ] && [ -s "$CERT_DIR/tls.key" ]; then
	echo "init: $CERT_DIR/tls.crt exists, keeping it"
else
	umask 077
	openssl req -x509 -newkey rsa:2048 -sha256 -nodes -days "$CERT_DAYS" \
		-subj "/CN=localhost" \
		-addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
		-addext "extendedKeyUsage=serverAuth" \
		-keyout "$CERT_DIR/tls.key.new" -out "$CERT_DIR/tls.crt.new" 2>/dev/null
	chmod 600 "$CERT_DIR/tls.key.new"
	chmod 644 "$CERT_DIR/tls.crt.new"
	# Key first, certificate last: a run cut short leaves no certificate
	# without its key, and the next run starts over.
	mv -f "$CERT_DIR/tls.key.new" "$CERT_DIR/tls.key"
	mv -f "$CERT_DIR/tls.crt.new" "$CERT_DIR/tls.crt"
	echo "init: made a self-signed certificate for localhost, 127.0.0.1 ($CERT_DAYS days)"
	openssl x509 -in "$CERT_DIR/tls.crt" -noout -fingerprint -sha256
fi

if [ -s "$AUTH_DIR/htpasswd" ]; then
	echo "init: $AUTH_DIR/htpasswd exists, keeping it (remove the auth volume to change the account)"
else
	: "${REGISTRY_USER:?REGISTRY_USER must be set (see .env.example)}"
	: "${REGISTRY_PASSWORD:?REGISTRY_PASSWORD must be set (see .env.example)}"
	umask 022
	# Hashes only, no secret: nginx workers and the registry both read it.
	htpasswd -Bbn "$REGISTRY_USER" "$REGISTRY_PASSWORD" >"$AUTH_DIR/htpasswd.new"
	chmod 644 "$AUTH_DIR/htpasswd.new"
	mv -f "$AUTH_DIR/htpasswd.new" "$AUTH_DIR/htpasswd"
	echo "init: wrote $AUTH_DIR/htpasswd for user $REGISTRY_USER"
fi
