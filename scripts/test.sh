#!/usr/bin/env bash
# Runs the whole test suite. Installs what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh --test
export CI="${CI:-true}"
cargo test --locked "$@"
