#!/usr/bin/env bash
# Mutation testing (StrykerJS) of the Alertmanager semantics library, the plan and the policy pack,
# one folder at a time; `npm run mutation -- plan` runs one. Each run is incremental: it re-tests
# only the mutants whose code or covering tests changed since the results in reports/mutation/.
# It fails when a folder's score falls below 80% (stryker.config.mjs `thresholds.break`).
set -euo pipefail
cd "$(dirname "$0")/.."
scopes=("$@")
[ ${#scopes[@]} -eq 0 ] && scopes=(alertmanager plan policies)
for scope in "${scopes[@]}"; do
  echo "== mutation testing of $scope/"
  MUTATION_SCOPE="$scope" npx stryker run
done
