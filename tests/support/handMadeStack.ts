// Small hand-made stacks for the policies: resources as CrossGuard hands them over, and the messages
// one policy reports over them.
import type { AlertRoutingPolicy } from "../../policies/policy";
import type { PolicyResourceLike } from "../../policies/view";

export function resource(type: string, name: string, props: Record<string, unknown>): PolicyResourceLike {
  return { type, name, urn: `urn:test::${name}`, props, opts: { protect: false } };
}

export function policyMessages(
  policy: AlertRoutingPolicy,
  resources: readonly PolicyResourceLike[],
  config?: object,
): string[] {
  const found: string[] = [];
  policy.evaluate(resources, config, (message) => found.push(message));
  return found;
}
