#!/usr/bin/env bash
# The test command (README.md): checks formatting, vets, and runs every test.
# It installs what the tests need from Debian's packages when it runs as root
# on a machine that lacks them, and uses PostgreSQL when one is reachable
# (KYSO_TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres).
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests use: OpenSSL checks what the CA, OCSP responder
# and TSA produce; SoftHSM2 is the PKCS#11 token; poppler (pdfsig, pdftoppm),
# MuPDF, qpdf and NSS's certutil check signed PDFs that Ghostscript and LibreOffice make;
# xmlsec1 checks edXML packages' XML signatures; Chromium runs the browser tests;
# aiosmtpd is the SMTP server that e-mail notifications are delivered to.
need=()
for pkg in ca-certificates openssl softhsm2 poppler-utils mupdf-tools qpdf ghostscript libnss3-tools libreoffice-writer-nogui xmlsec1 chromium python3-aiosmtpd; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if ((${#need[@]})); then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "== installing ${need[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
  else
    echo "warning: missing packages ${need[*]}; some tests may skip" >&2
  fi
fi

# PostgreSQL runs on this project's machines; start it if it is installed
# but stopped, so the store tests cover both engines.
if command -v pg_ctlcluster >/dev/null && [ "$(id -u)" = 0 ] && ! pg_isready -q -h 127.0.0.1 2>/dev/null; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start 2>/dev/null || true
fi

echo "== gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then echo "gofmt would change:"; echo "$unformatted"; exit 1; fi

echo "== go vet"
go vet ./...

echo "== pure-Go build (CGO_ENABLED=0)"
CGO_ENABLED=0 go build -o /dev/null ./cmd/kyso

echo "== go test"
go test -count=1 -timeout 20m "$@" ./...

# Keys in PKCS#11 tokens need cgo; they are tested against SoftHSM2.
if [ -e /usr/lib/softhsm/libsofthsm2.so ] && command -v gcc >/dev/null; then
  echo "== go test -tags pkcs11 (SoftHSM2)"
  CGO_ENABLED=1 go test -count=1 -tags pkcs11 -run "PKCS11|Token|SoftHSM|pkcs11" "$@" ./internal/keys/ ./internal/pki/ ./internal/pades/
else
  echo "== skipping PKCS#11 tests: SoftHSM2 or gcc missing (apt-get install softhsm2 gcc)"
fi
