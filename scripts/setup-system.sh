#!/usr/bin/env bash
# Installs the Debian packages the test suite uses for real-world checks: newsboat (a real feed
# reader), sqlite3 (to read what it stored) and strace (the fault tests kill, slow or signal the
# real CLI at the n-th system call). Run as root; CI (.ci/run) runs it first. Without them those
# tests are skipped, never faked.
set -euo pipefail
if command -v newsboat >/dev/null 2>&1 && command -v sqlite3 >/dev/null 2>&1 && command -v strace >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" != "0" ]; then
  echo "setup-system: not root; install newsboat, sqlite3 and strace yourself to run the feed-reader and fault tests" >&2
  exit 0
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends newsboat sqlite3 strace >/dev/null
