#!/usr/bin/env bash
# On a fresh Debian machine: install the real tools and the npm dependencies, then lint and test.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v promtool >/dev/null || ! command -v amtool >/dev/null || ! command -v openssl >/dev/null; then
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq prometheus prometheus-alertmanager openssl >/dev/null
fi
promtool --version | head -n 1
amtool --version | head -n 1

npm ci --no-audit --no-fund
npm run lint
npm test
