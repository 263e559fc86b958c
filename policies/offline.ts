// The pack outside CrossGuard: over the resources the mock engine captured, with the policy config
// derived from the stack's own config. `npm run policy` and `npm run render` both use it.
import * as fs from "node:fs";
import * as path from "node:path";
import type { DeclaredResource } from "../cli/mockEngine";
import type { StackFile } from "../cli/stackFile";
import { buildModel } from "../model/index";
import { withoutSecretKeys } from "../model/secrets";
import { policyConfigFor } from "./config";
import { asPolicyResources, formatViolation, type PolicyConfig, runPolicies, type Violation } from "./run";

const PROJECT_DIR = path.resolve(__dirname, "..");

export function policyConfigForStack(stack: string, stackFile: StackFile): PolicyConfig {
  const model = buildModel({
    stack,
    stackFile: stackFile.file,
    config: withoutSecretKeys(stackFile.values),
    readFile: (file) => {
      const full = path.resolve(PROJECT_DIR, file);
      return fs.existsSync(full) ? fs.readFileSync(full, "utf8") : undefined;
    },
  });
  return policyConfigFor(model);
}

/** Runs the pack over declared resources; the render and `npm run policy` share it. */
export function checkStackPolicies(
  stack: string,
  stackFile: StackFile,
  resources: readonly DeclaredResource[],
  config: PolicyConfig = policyConfigForStack(stack, stackFile),
): Violation[] {
  return runPolicies(asPolicyResources(resources, stack), config);
}

export function reportViolations(violations: readonly Violation[], write: (line: string) => void): boolean {
  for (const violation of violations) write(formatViolation(violation));
  const mandatory = violations.filter((violation) => violation.enforcementLevel === "mandatory").length;
  write(`policy: ${mandatory} mandatory and ${violations.length - mandatory} advisory violation(s)`);
  return mandatory === 0;
}
