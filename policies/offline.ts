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

/** Writes each violation and a count of both levels; true when no mandatory policy failed. */
export function reportViolations<V extends Violation>(
  violations: readonly V[],
  write: (line: string) => void,
  format: (violation: V) => string = formatViolation,
): boolean {
  for (const violation of violations) write(format(violation));
  const mandatory = violations.filter((violation) => violation.enforcementLevel === "mandatory").length;
  write(`policy: ${mandatory} mandatory and ${violations.length - mandatory} advisory violation(s)`);
  return mandatory === 0;
}
