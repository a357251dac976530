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
command -v clang >/dev/null 2>&1 || need="$need clang"
command -v prove >/dev/null 2>&1 || need="$need perl"
command -v mdb_dump >/dev/null 2>&1 || need="$need lmdb-utils"
command -v cc >/dev/null 2>&1 || need="$need build-essential"
command -v jq >/dev/null 2>&1 || need="$need jq"
# tests/t83-json.sh validates every --json output against docs/schema
python3 -c 'import jsonschema' >/dev/null 2>&1 || need="$need python3-jsonschema"
# tests/t92-install.sh: systemd-analyze verify and security on the unit, the
# man pages rendered by man, and systemd's notify socket played by python3
command -v systemd-analyze >/dev/null 2>&1 || need="$need systemd"
command -v man >/dev/null 2>&1 || need="$need man-db"
command -v python3 >/dev/null 2>&1 || need="$need python3"
[ -z "$need" ] && exit 0
echo "deps: installing$need"
if [ "$(id -u)" != 0 ]; then SUDO=sudo; else SUDO=; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $need >/dev/null
