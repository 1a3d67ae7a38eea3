#!/usr/bin/env bash
# Installs the Debian packages the test suite uses for real-world checks: the feed readers of the
# reader matrix (test/reader-matrix.test.ts): newsboat, with sqlite3 to read what it stored and
# tmux to open its article view, python3-feedparser (Universal Feed Parser) and rss2email (feeds
# delivered as e-mail); strace (the fault tests kill, slow or signal the real CLI at the n-th
# system call); and chromium (a real browser for the preview pages, driven by playwright-core).
# Run as root; CI (.ci/run) runs it first. In CI a missing reader fails the suite; elsewhere
# those tests are skipped with a notice, never faked.
set -euo pipefail
packages=(newsboat sqlite3 tmux python3-feedparser rss2email strace chromium)
if dpkg -s "${packages[@]}" >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" != "0" ]; then
  echo "setup-system: not root; install ${packages[*]} yourself to run the feed-reader, fault and browser tests" >&2
  exit 0
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
