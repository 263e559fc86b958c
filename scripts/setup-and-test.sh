#!/usr/bin/env bash
# On a fresh Debian machine: install the real tools and the npm dependencies, then lint and test.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=""
for tool in promtool amtool openssl shellcheck git; do
  command -v "$tool" >/dev/null || missing="$missing $tool"
done
if [ -n "$missing" ]; then
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq prometheus prometheus-alertmanager openssl shellcheck git >/dev/null
fi
promtool --version | head -n 1
amtool --version | head -n 1
shellcheck --version | sed -n 2p

npm ci --no-audit --no-fund
npm run lint
npm test
