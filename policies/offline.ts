// The pack outside CrossGuard: over the resources the mock engine captured, with the policy config
// the pipeline derived from the stack's own config. `npm run policy` and `npm run render` both use it,
// and both print a violation where its offending value was written, as validation prints a problem.
import { formatIssue, type Issue } from "../core/errors";
import type { AlertingModel } from "../input/model";
import {
  asPolicyResources,
  type DeclaredResourceLike,
  type PolicyConfig,
  runPolicies,
  type Violation,
} from "./run";
import { violationIssue } from "./sources";

/** A violation, and the file, path and field of the input it came from. */
export type LocatedViolation = Violation & { issue: Issue };

/** Runs the pack over declared resources and locates each violation in the stack's input. */
export function checkStackPolicies(
  stack: string,
  resources: readonly DeclaredResourceLike[],
  config: PolicyConfig,
  model: AlertingModel,
): LocatedViolation[] {
  return runPolicies(asPolicyResources(resources, stack), config).map((violation) => ({
    ...violation,
    issue: violationIssue(violation, model),
  }));
}

/**
 * Writes each violation as `<file>: <path>: <message> (<level> policy <name>)`, then a count of both
 * levels; true when no mandatory policy failed.
 */
export function reportViolations(
  violations: readonly LocatedViolation[],
  write: (line: string) => void,
): { ok: boolean; count: string } {
  for (const violation of violations) write(formatIssue(violation.issue));
  const mandatory = violations.filter((violation) => violation.enforcementLevel === "mandatory").length;
  return {
    ok: mandatory === 0,
    count: `policy: ${mandatory} mandatory and ${violations.length - mandatory} advisory violation(s)`,
  };
}
