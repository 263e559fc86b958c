#!/usr/bin/env bash
# Runs every test suite. promtool and amtool are required: a missing tool fails, it never skips.
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in promtool amtool; do
  if ! command -v "$tool" >/dev/null; then
    echo "error: $tool is not installed; run scripts/setup-and-test.sh, which installs Debian's prometheus and prometheus-alertmanager" >&2
    exit 1
  fi
done

node --import tsx --test --test-reporter=spec \
  tests/unit/*.test.ts \
  tests/component/*.test.ts \
  tests/cli/*.test.ts \
  tests/slack/*.test.ts \
  tests/tools/*.test.ts \
  tests/golden/*.test.ts
