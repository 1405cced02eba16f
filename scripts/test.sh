#!/usr/bin/env bash
# One command: install Kabar with its test tools and run the whole offline test suite.
# Chromium and PostgreSQL (Debian packages) are installed for the UI browser test and the
# PostgreSQL-catalog warehouse tests when apt is available as root and they are missing; without them
# those tests are skipped.  No test reaches the internet.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null && ! command -v chromium >/dev/null; then
  echo "==> installing chromium (Debian package) for the UI test"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
    || echo "    chromium install failed; the browser test will be skipped"
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null && ! command -v initdb >/dev/null \
   && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "==> installing postgresql (Debian package) for the PostgreSQL-catalog warehouse tests"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) \
    || echo "    postgresql install failed; the PostgreSQL-catalog tests will be skipped"
fi
bash scripts/bootstrap.sh dev
export PREFECT_SERVER_ANALYTICS_ENABLED=false DO_NOT_TRACK=1
exec .venv/bin/python -m pytest "$@"
