// Every policy of the pack is a stack policy over the view of the declared resources. This factory
// keeps each one to its name, its one-sentence message, its config and its check.
import type { PolicyConfigSchema, StackValidationPolicy } from "@pulumi/policy";
import { buildView, type DeclaredAlert, type PolicyResourceLike, type StackView } from "./view";

/**
 * What a violation is about, beyond the resource: the vertical, and the rule and its field when one
 * rule holds the offending value. The offline runner traces it back to the file it was written in;
 * CrossGuard is told the message and the resource only.
 */
export interface ViolationSubject {
  vertical: string;
  /** The rule's group and its alert or record name. */
  rule?: { group: string; name: string };
  /** The field holding the value, inside the rule when there is one: `annotations.description`. */
  field?: string;
  /** Set when the rule is an alert the bridge declares: the tool that sends it. */
  bridgeSource?: string;
}

/** The subject of a violation about one declared alert. */
export function alertSubject(alert: DeclaredAlert): ViolationSubject {
  const subject = { vertical: alert.vertical, rule: { group: alert.group, name: alert.rule.alert } };
  return alert.bridgeSource === undefined ? subject : { ...subject, bridgeSource: alert.bridgeSource };
}

/** CrossGuard's `ReportViolation`, with what the violation is about when a policy knows it. */
export type Report = (message: string, urn?: string, subject?: ViolationSubject) => void;

export interface PolicyDefinition<C extends object> {
  name: string;
  description: string;
  enforcementLevel: "mandatory" | "advisory";
  /** Defaults for every property, so the pack runs without any policy config. */
  defaults: C;
  configSchema: PolicyConfigSchema["properties"];
  check(view: StackView, config: C, report: Report): void;
}

export type AlertRoutingPolicy = StackValidationPolicy & {
  enforcementLevel: "mandatory" | "advisory";
  /** Runs the check outside CrossGuard: the offline runner and the tests call this. */
  evaluate(resources: readonly PolicyResourceLike[], config: object | undefined, report: Report): void;
};

export function stackPolicy<C extends object>(definition: PolicyDefinition<C>): AlertRoutingPolicy {
  const evaluate = (resources: readonly PolicyResourceLike[], config: object | undefined, report: Report) =>
    definition.check(buildView(resources), { ...definition.defaults, ...(config ?? {}) } as C, report);
  const properties = Object.fromEntries(
    Object.entries(definition.configSchema).map(([key, schema]) => [
      key,
      {
        ...schema,
        default: (definition.defaults as Record<string, boolean | number | object | string>)[key],
      },
    ]),
  );
  return {
    name: definition.name,
    description: definition.description,
    enforcementLevel: definition.enforcementLevel,
    configSchema: { properties },
    validateStack: (args, report) =>
      evaluate(args.resources as unknown as PolicyResourceLike[], args.getConfig<C>(), (message, urn) =>
        report(message, urn),
      ),
    evaluate,
  };
}
