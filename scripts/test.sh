#!/usr/bin/env bash
# Runs the whole test suite. Installs what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh --test
export CI="${CI:-true}"
# The card test reads a virtual card through a real pcscd (vpcd's virtual reader).
trap 'bash scripts/pcscd.sh stop' EXIT
bash scripts/pcscd.sh start
export MOTCUA_PCSC_E2E=1
cargo test --locked "$@"
