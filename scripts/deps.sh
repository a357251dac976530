#!/bin/sh
# deps.sh - install the build and test dependencies when they are missing
# (Debian/Ubuntu). Does nothing when everything is already there.
set -e
need=""
pkgconf() { pkg-config --exists "$1" 2>/dev/null; }
command -v pkg-config >/dev/null 2>&1 || need="$need pkg-config"
pkgconf libsodium || need="$need libsodium-dev"
pkgconf libzmq || need="$need libzmq3-dev"
pkgconf libczmq || need="$need libczmq-dev"
pkgconf lmdb || need="$need liblmdb-dev"
pkgconf jansson || need="$need libjansson-dev"
# sd_notify(3) and the journal's priorities (daemon/server.c, daemon/log.c)
pkgconf libsystemd || need="$need libsystemd-dev"
[ -f /usr/include/zxcvbn.h ] || need="$need libzxcvbn-dev"
command -v msgfmt >/dev/null 2>&1 || need="$need gettext"
command -v clang >/dev/null 2>&1 || need="$need clang"
command -v prove >/dev/null 2>&1 || need="$need perl"
command -v mdb_dump >/dev/null 2>&1 || need="$need lmdb-utils"
command -v cc >/dev/null 2>&1 || need="$need build-essential"
command -v jq >/dev/null 2>&1 || need="$need jq"
# tests/t83-json.sh validates every --json output against docs/schema
python3 -c 'import jsonschema' >/dev/null 2>&1 || need="$need python3-jsonschema"
# tests/t89-fhir.sh validates the FHIR export with FHIR.js, run by node
command -v node >/dev/null 2>&1 || need="$need nodejs"
command -v npm >/dev/null 2>&1 || need="$need npm"
# cahier export --pdf renders with headless chromium; tests/t89-booklet.sh
# reads the PDFs back with pdfinfo and pdftotext (poppler-utils); the pages
# ask for DejaVu Sans, which has Latin with accents, Arabic and Hebrew
command -v chromium >/dev/null 2>&1 || need="$need chromium"
command -v pdftotext >/dev/null 2>&1 && command -v pdfinfo >/dev/null 2>&1 || need="$need poppler-utils"
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need="$need fonts-dejavu-core"
# tests/t92-install.sh: systemd-analyze verify and security on the unit, the
# man pages rendered by man, and systemd's notify socket played by python3
command -v systemd-analyze >/dev/null 2>&1 || need="$need systemd"
command -v man >/dev/null 2>&1 || need="$need man-db"
command -v python3 >/dev/null 2>&1 || need="$need python3"
if [ -n "$need" ]; then
	echo "deps: installing$need"
	if [ "$(id -u)" != 0 ]; then SUDO=sudo; else SUDO=; fi
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $need >/dev/null
fi
# FHIR.js itself, from the npm registry, the version tests/fhir/package.json
# and package-lock.json pin, into tests/fhir/node_modules (not in git)
fhir=$(cd "$(dirname "$0")/../tests/fhir" && pwd)
want=$(sed -n 's/^ *"fhir": "\([^"]*\)".*/\1/p' "$fhir/package.json")
have=$(sed -n 's/^  "version": "\([^"]*\)".*/\1/p' "$fhir/node_modules/fhir/package.json" 2>/dev/null || true)
if [ "$want" != "$have" ]; then
	echo "deps: installing FHIR.js $want into tests/fhir/node_modules (npm ci)"
	(cd "$fhir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
