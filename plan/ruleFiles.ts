// The rule file of each vertical: its groups, each rule with our routing labels first.
import { LABEL, ruleGroupName } from "../core/conventions";
import type { Alert, RenderedRule, Rule } from "../core/rules";
import type { Vertical } from "../input/model";

export interface RuleFilePlan {
  vertical: string;
  groups: { name: string; interval?: string; rules: RenderedRule[] }[];
}

/** Our routing labels first, in a fixed order, then the catalogue's own labels as written. */
export function ruleLabels(alert: Alert): Record<string, string> {
  const labels: Record<string, string> = {
    [LABEL.alertType]: alert.alertType,
    [LABEL.severity]: alert.severity,
    [LABEL.vertical]: alert.vertical,
    [LABEL.team]: alert.team,
  };
  if (alert.toolName) labels[LABEL.toolName] = alert.toolName;
  for (const [key, value] of Object.entries(alert.labels))
    if (!Object.hasOwn(labels, key)) labels[key] = value;
  return labels;
}

function renderRule(rule: Rule): RenderedRule {
  if (rule.kind === "record") {
    return {
      record: rule.record,
      expr: rule.expr,
      ...(Object.keys(rule.labels).length ? { labels: rule.labels } : {}),
    };
  }
  const out: RenderedRule = { alert: rule.name, expr: rule.expr };
  if (rule.for) out.for = rule.for;
  if (rule.keepFiringFor) out.keep_firing_for = rule.keepFiringFor;
  out.labels = ruleLabels(rule);
  if (Object.keys(rule.annotations).length) out.annotations = rule.annotations;
  return out;
}

export function buildRuleFile(vertical: Vertical): RuleFilePlan {
  return {
    vertical: vertical.id,
    groups: vertical.groups.map((group) => ({
      name: ruleGroupName(vertical.id, group.name),
      ...(group.interval ? { interval: group.interval } : {}),
      rules: group.rules.map(renderRule),
    })),
  };
}
