#!/usr/bin/env bash
# Runs every test suite. promtool and amtool are required: a missing tool fails, it never skips.
set -euo pipefail
cd "$(dirname "$0")/.."

# openssl makes the certificate of the Kubernetes API stand-in that the preflight tests talk TLS to;
# The CI workflows' shell steps are checked with shellcheck; git makes the routing diff's worktrees.
for tool in promtool amtool prometheus prometheus-alertmanager openssl shellcheck git; do
  if ! command -v "$tool" >/dev/null; then
    echo "error: $tool is not installed; run scripts/setup-and-test.sh, which installs Debian's prometheus, prometheus-alertmanager, openssl, shellcheck and git" >&2
    exit 1
  fi
done

node scripts/build.mjs

node --import tsx --test --test-reporter=spec \
  tests/unit/*.test.ts \
  tests/component/*.test.ts \
  tests/cli/*.test.ts \
  tests/policy/*.test.ts \
  tests/slack/*.test.ts \
  tests/tools/*.test.ts \
  tests/golden/*.test.ts

# End-to-end: real Prometheus and Alertmanager against local stand-ins (tests/e2e). Each file runs
# its own harness, so the files run side by side; every test has its own deadline, and `timeout`
# bounds the whole suite (its SIGTERM reaches the test processes, which stop their binaries).
timeout --kill-after=30s 15m node --import tsx --test --test-reporter=spec \
  --test-concurrency=6 tests/e2e/*.test.ts

# High availability, on its own: three Alertmanagers and a Prometheus pair (tests/e2e-ha) are five
# binaries on two cores, and beside the other end-to-end files their timing bounds would measure the
# machine's load. One file of about seven steps, each with its own deadline; `timeout` bounds it.
timeout --kill-after=30s 15m node --import tsx --test --test-reporter=spec tests/e2e-ha/*.test.ts

# Last, alone: every command the docs show, in a scratch copy (tests/docs). It runs the full
# benchmark, which would disturb the timing bounds of the end-to-end suite if they ran together.
timeout --kill-after=30s 30m node --import tsx --test --test-reporter=spec tests/docs/*.test.ts
