#!/usr/bin/env bash
# One command: install Kabar with its test tools and run the whole offline test suite.
# Chromium (Debian package) is installed for the UI browser test when apt is available as root;
# without it that test is skipped.  No test reaches the internet.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null && ! command -v chromium >/dev/null; then
  echo "==> installing chromium (Debian package) for the UI test"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
    || echo "    chromium install failed; the browser test will be skipped"
fi
bash scripts/bootstrap.sh dev
export PREFECT_SERVER_ANALYTICS_ENABLED=false DO_NOT_TRACK=1
exec .venv/bin/python -m pytest "$@"
