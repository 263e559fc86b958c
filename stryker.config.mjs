// Mutation testing of the Alertmanager semantics library, the plan and the policy pack
// (`npm run mutation`, docs/testing.md#mutation-testing). One scope (a folder) per run, named by
// MUTATION_SCOPE, each with its own incremental file, so a run that stops keeps what the scopes
// before it measured. The tap runner starts one node process
// per test file, and `perTest` coverage runs only the files that reach a mutant, first the ones
// that killed it before; the incremental file keeps results for code and tests that did not
// change, so a second run re-tests only what moved.
import { readdirSync } from "node:fs";

const unitTests = readdirSync("tests/unit")
  .filter((file) => file.endsWith(".test.ts"))
  .sort()
  .map((file) => `tests/unit/${file}`);

const scope = process.env.MUTATION_SCOPE ?? "alertmanager";
if (!["alertmanager", "plan", "policies"].includes(scope))
  throw new Error(`MUTATION_SCOPE must be alertmanager, plan or policies, not "${scope}"`);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: "tap",
  plugins: ["@stryker-mutator/tap-runner"],
  mutate: [`${scope}/*.ts`],
  tap: {
    // Fastest first: a mutant's covering files run in this order and stop at the first that fails,
    // so the files that take seconds come before those that start promtool or amtool many times.
    // The tap runner keeps the order of literal paths (a glob's matches come in no fixed order).
    testFiles: [
      ...unitTests,
      "tests/policy/view.test.ts",
      "tests/policy/sources.test.ts",
      "tests/policy/packContract.test.ts",
      "tests/policy/located.test.ts",
      "tests/policy/viewModes.test.ts",
      "tests/policy/objects.test.ts",
      "tests/policy/tierCoverage.test.ts",
      "tests/policy/pagerduty.test.ts",
      "tests/policy/routingPolicies.test.ts",
      "tests/policy/edges.test.ts",
      "tests/policy/policies.test.ts",
      "tests/golden/golden.test.ts",
      "tests/tools/checkers.test.ts",
      "tests/tools/routes.test.ts",
      "tests/tools/sloRoutes.test.ts",
      "tests/tools/realTools.test.ts",
    ],
    nodeArgs: ["--import", "tsx", "--test-reporter=tap", "-r", "{{hookFile}}", "{{testFile}}"],
  },
  coverageAnalysis: "perTest",
  incremental: true,
  incrementalFile: `reports/mutation/${scope}.incremental.json`,
  concurrency: 2,
  timeoutMS: 15000,
  thresholds: { high: 90, low: 80, break: 80 },
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: `reports/mutation/${scope}.html` },
  jsonReporter: { fileName: `reports/mutation/${scope}.json` },
  tempDirName: ".stryker-tmp",
};
