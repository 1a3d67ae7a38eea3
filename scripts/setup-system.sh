#!/usr/bin/env bash
# Installs the Debian packages the test suite uses for real-world checks: newsboat (a real feed
# reader) and sqlite3 (to read what it stored). Run as root; CI (.ci/run) runs it first. Without
# them the newsboat tests are skipped, never faked.
set -euo pipefail
if command -v newsboat >/dev/null 2>&1 && command -v sqlite3 >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" != "0" ]; then
  echo "setup-system: not root; install newsboat and sqlite3 yourself to run the feed-reader tests" >&2
  exit 0
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends newsboat sqlite3 >/dev/null
