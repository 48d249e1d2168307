#!/usr/bin/env bash
# Starts motcua on its embedded default: the demo data folder with the sample catalogue
# (imported on first run). Installs what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
exec cargo run --release --locked --quiet -- "$@"
