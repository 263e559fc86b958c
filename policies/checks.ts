// The catalogue's named checks as policies: each runs over the rules read back from the declared
// objects, with the severity validation gives it (error → mandatory, warning → advisory).
import { LABEL } from "../core/conventions";
import { RULE_CHECKS } from "../input/checks/rules";
import {
  type CheckFacts,
  type GroupSubject,
  type RuleCheck,
  ruleSubject,
  type VerticalCheck,
} from "../input/checks/types";
import { VERTICAL_CHECKS } from "../input/checks/vertical";
import { OWNER_DEFAULTS, OWNER_SCHEMA, type OwnerConfig, ownersOf } from "./owners";
import { type AlertRoutingPolicy, stackPolicy } from "./policy";

type CheckConfig = OwnerConfig & { tiers: string[] };

const DEFAULTS: CheckConfig = { ...OWNER_DEFAULTS, tiers: ["business", "enterprise", "trial"] };
const SCHEMA = { ...OWNER_SCHEMA, tiers: { type: "array" as const, items: { type: "string" as const } } };

const level = (check: RuleCheck | VerticalCheck) => (check.severity === "error" ? "mandatory" : "advisory");

function rulePolicy(check: RuleCheck): AlertRoutingPolicy {
  return stackPolicy<CheckConfig>({
    name: check.name,
    description: check.description,
    enforcementLevel: level(check),
    defaults: DEFAULTS,
    configSchema: SCHEMA,
    check(view, config, report) {
      // A declared rule carries no scope, so the per-customer checks, which read it, pass it by.
      const facts: CheckFacts = {
        owners: ownersOf(config),
        tiers: config.tiers,
        declared: true,
        customerLabel: LABEL.customer,
      };
      for (const { vertical, groups, resource } of view.verticals) {
        for (const group of groups) {
          for (const rule of group.rules) {
            const name = rule.alert ?? rule.record ?? "";
            for (const { field, message } of check.check(ruleSubject(rule, vertical), facts)) {
              const what = rule.alert !== undefined ? "Alert" : "Recording rule";
              report(`${what} ${name} in ${vertical}: ${field}: ${message}.`, resource.urn, {
                vertical,
                rule: { group: group.name, name },
                field,
              });
            }
          }
        }
      }
    },
  });
}

function verticalPolicy(check: VerticalCheck): AlertRoutingPolicy {
  return stackPolicy<Record<string, never>>({
    name: check.name,
    description: check.description,
    enforcementLevel: level(check),
    defaults: {},
    configSchema: {},
    check(view, _config, report) {
      for (const { vertical, groups, resource } of view.verticals) {
        const subjects: GroupSubject[] = groups.map((group) => ({
          name: group.name,
          interval: group.interval,
          rules: group.rules.map((rule) => ruleSubject(rule, vertical)),
        }));
        for (const { field, message } of check.check(vertical, subjects)) {
          report(`The rules of ${vertical}: ${field}: ${message}.`, resource.urn, { vertical });
        }
      }
    },
  });
}

/** One policy per named check, in the checks' own order. */
export const checkPolicies: AlertRoutingPolicy[] = [
  ...VERTICAL_CHECKS.map(verticalPolicy),
  ...RULE_CHECKS.map(rulePolicy),
];
