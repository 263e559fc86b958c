// Runs the pack outside CrossGuard, over the resources the offline render captured.
import { allPolicies } from "./all";
import type { ViolationSubject } from "./policy";
import type { PolicyResourceLike } from "./view";

export interface Violation {
  policy: string;
  enforcementLevel: "mandatory" | "advisory";
  message: string;
  resource?: string;
  /** The vertical, rule and field the violation is about, where the policy knows them. */
  subject?: ViolationSubject;
}

/** The policy config for a stack, from its stack config: what `--policy-pack-config` would hold. */
export type PolicyConfig = Record<string, object>;

/** A declared resource as an engine run records it: its type, name, inputs and options. */
export interface DeclaredResourceLike {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  protect?: boolean;
}

export function asPolicyResources(
  resources: readonly DeclaredResourceLike[],
  stack: string,
): PolicyResourceLike[] {
  return resources.map((resource) => ({
    type: resource.type,
    name: resource.name,
    urn: `urn:pulumi:${stack}::agent-alert-routing::${resource.type}::${resource.name}`,
    props: resource.inputs,
    opts: { protect: resource.protect === true },
  }));
}

export function runPolicies(
  resources: readonly PolicyResourceLike[],
  config: PolicyConfig = {},
): Violation[] {
  const violations: Violation[] = [];
  for (const policy of allPolicies) {
    policy.evaluate(resources, config[policy.name], (message, urn, subject) => {
      const resource = urn ? resources.find((candidate) => candidate.urn === urn)?.name : undefined;
      violations.push({
        policy: policy.name,
        enforcementLevel: policy.enforcementLevel,
        message,
        resource,
        ...(subject ? { subject } : {}),
      });
    });
  }
  return violations;
}
