#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages motcua needs to build and test, and says which.
# Usage: scripts/deps.sh            (build and run)
#        scripts/deps.sh --test     (build, run and the whole test suite)
set -euo pipefail

# libpcsclite-dev: the card service links libpcsclite (PC/SC).
# libssl-dev: the built-in SQLCipher (the encrypted local store) uses OpenSSL's libcrypto.
packages=(build-essential pkg-config libpcsclite-dev libssl-dev)
if [ "${1:-}" = "--test" ]; then
  # pcscd with vsmartcard's virtual reader driver, for the end-to-end card test;
  # faketime (libfaketime), for the sync test with a client clock off by days.
  # openssl: the TLS test makes a CA and runs a TLS server with the openssl command.
  packages+=(pcscd vsmartcard-vpcd faketime openssl)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "motcua: system packages already present: ${packages[*]}"
  exit 0
fi

echo "motcua: installing system packages: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "motcua: please install as root: apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi
$sudo apt-get update
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
