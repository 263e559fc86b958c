// Every policy of the pack is a stack policy over the view of the declared resources. This factory
// keeps each one to its name, its one-sentence message, its config and its check.
import type { PolicyConfigSchema, ReportViolation, StackValidationPolicy } from "@pulumi/policy";
import { buildView, type PolicyResourceLike, type StackView } from "./view";

export interface PolicyDefinition<C extends object> {
  name: string;
  description: string;
  enforcementLevel: "mandatory" | "advisory";
  /** Defaults for every property, so the pack runs without any policy config. */
  defaults: C;
  configSchema: PolicyConfigSchema["properties"];
  check(view: StackView, config: C, report: ReportViolation): void;
}

export type AlertRoutingPolicy = StackValidationPolicy & {
  enforcementLevel: "mandatory" | "advisory";
  /** Runs the check outside CrossGuard: the offline runner and the tests call this. */
  evaluate(
    resources: readonly PolicyResourceLike[],
    config: object | undefined,
    report: ReportViolation,
  ): void;
};

export function stackPolicy<C extends object>(definition: PolicyDefinition<C>): AlertRoutingPolicy {
  const evaluate = (
    resources: readonly PolicyResourceLike[],
    config: object | undefined,
    report: ReportViolation,
  ) => definition.check(buildView(resources), { ...definition.defaults, ...(config ?? {}) } as C, report);
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
      evaluate(args.resources as unknown as PolicyResourceLike[], args.getConfig<C>(), report),
    evaluate,
  };
}
