#!/usr/bin/env bash
# One command: install Kabar with its test tools and run the whole offline test suite.
# Chromium and PostgreSQL (Debian packages) are installed for the UI browser test and the
# PostgreSQL-catalog warehouse tests when apt is available as root and they are missing; without them
# those tests are skipped.  KABAR_NO_APT=1 installs no system package (those tests are then skipped,
# and pytest's summary says so).  No test reaches the internet.
set -euo pipefail
cd "$(dirname "$0")/.."
apt_ok() { [ "${KABAR_NO_APT:-0}" != 1 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; }
if [ "${KABAR_NO_APT:-0}" = 1 ]; then
  echo "==> KABAR_NO_APT=1: no system package is installed (browser and PostgreSQL tests may be skipped)"
fi
if apt_ok && ! command -v chromium >/dev/null; then
  echo "==> installing the Debian package chromium (apt-get, as root) for the UI browser test; KABAR_NO_APT=1 skips this"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
    || echo "    chromium install failed; the browser test will be skipped"
fi
if apt_ok && ! command -v initdb >/dev/null \
   && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "==> installing the Debian package postgresql (apt-get, as root) for the PostgreSQL-catalog tests; KABAR_NO_APT=1 skips this"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) \
    || echo "    postgresql install failed; the PostgreSQL-catalog tests will be skipped"
fi
bash scripts/bootstrap.sh dev
export PREFECT_SERVER_ANALYTICS_ENABLED=false DO_NOT_TRACK=1
if [ $# -gt 0 ]; then  # a selection of tests: run just that, in one process
  exec .venv/bin/python -m pytest "$@"
fi
# The whole suite in two phases, to keep CI under 15 minutes on 2 cores: first every test that
# neither times nor races anything, two at a time (pytest-xdist: most of them wait on servers and
# subprocesses); then the tests marked `serial` (elapsed-time bounds, throughput comparisons, the
# Prefect scheduler) one at a time, on a machine nothing else of the suite is using.
status=0
echo "==> phase 1 of 2: tests not marked serial, two workers"
.venv/bin/python -m pytest -n 2 --dist worksteal -m "not network and not serial" || status=$?
echo "==> phase 2 of 2: tests marked serial, one at a time"
.venv/bin/python -m pytest -m "not network and serial" || { s=$?; [ "$status" -ne 0 ] || status=$s; }
exit "$status"
