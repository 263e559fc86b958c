// The pack outside CrossGuard: over the resources the mock engine captured, with the policy config
// the pipeline derived from the stack's own config. `npm run policy` and `npm run render` both use it.
import {
  asPolicyResources,
  type DeclaredResourceLike,
  formatViolation,
  type PolicyConfig,
  runPolicies,
  type Violation,
} from "./run";

/** Runs the pack over declared resources; the render and `npm run policy` share it. */
export function checkStackPolicies(
  stack: string,
  resources: readonly DeclaredResourceLike[],
  config: PolicyConfig,
): Violation[] {
  return runPolicies(asPolicyResources(resources, stack), config);
}

export function reportViolations(violations: readonly Violation[], write: (line: string) => void): boolean {
  for (const violation of violations) write(formatViolation(violation));
  const mandatory = violations.filter((violation) => violation.enforcementLevel === "mandatory").length;
  write(`policy: ${mandatory} mandatory and ${violations.length - mandatory} advisory violation(s)`);
  return mandatory === 0;
}
