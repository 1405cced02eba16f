#!/usr/bin/env bash
# One command: install Kabar and run the main job on embedded defaults (offline demo).
# Serves the bundled demo news site on 127.0.0.1, starts (or reuses) a local Prefect server with its
# data beside the warehouse, runs the real `ingest` flow into the lake ./kabar.ducklake, and prints the run's UI link.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec .venv/bin/kabar demo "$@"
