// The `promtool test rules` files of each vertical: its hand-written cases and its SLOs' generated
// ones, with the labels routing adds to each expected alert.
import { LABEL, ruleTestFileName } from "../core/conventions";
import { parseDuration } from "../core/duration";
import type { Alert, PromtoolTestGroup } from "../core/rules";
import type { RuleFileSource } from "../input/alertingRules";
import type { CustomersConfig } from "../input/config";
import { customerTiersAlertName, customerTiersTests } from "../input/customerTiers";
import { sloAlertsOf, sloTestGroups } from "../slo/tests";

/**
 * A rendered test file: the vertical's cases at one evaluation interval. `rule_files` is added by the
 * render, which knows the rule files' names.
 */
export interface RuleTestFilePlan {
  vertical: string;
  /** The file's name beside the rule file: `<vertical>.test.yaml`, or `<vertical>.<interval>.test.yaml`. */
  file: string;
  evaluationInterval: string;
  groups: Omit<PromtoolTestGroup, "evaluation_interval">[];
}

/**
 * The labels a rendered alert must carry, from the routing facts and the catalogue as written, not
 * from `ruleLabels`, which writes them: a test that took them from there would pass whatever it wrote.
 */
function expectedLabels(alert: Alert): Record<string, string> {
  return {
    [LABEL.alertType]: alert.alertType,
    [LABEL.severity]: alert.severity,
    [LABEL.vertical]: alert.vertical,
    [LABEL.team]: alert.team,
    ...(alert.toolName ? { [LABEL.toolName]: alert.toolName } : {}),
    ...alert.labels,
  };
}

/** promtool's default, written out so the generated timings do not depend on it. */
export const TEST_EVALUATION_INTERVAL = "1m";

/**
 * The test files as promtool runs them, one per evaluation interval, the one-minute file first. Each
 * expected alert gets the labels the rendered rule adds (alert_type, severity, vertical, team, …)
 * under the ones the case wrote: promtool compares full label sets, and the team comes from the
 * stack's routing, not from the test.
 */
export function buildRuleTestFiles(vertical: RuleFileSource, customers: CustomersConfig): RuleTestFilePlan[] {
  const list = vertical.groups.flatMap((group) =>
    group.rules.filter((rule): rule is Alert => rule.kind === "alert"),
  );
  const alerts = new Map(list.map((alert) => [alert.name, alert]));
  const tiersAlert = alerts.get(customerTiersAlertName(vertical.id));
  const generated = [
    ...vertical.slos.flatMap((slo) => sloTestGroups(slo, sloAlertsOf(slo, list))),
    ...(tiersAlert?.customerTiers ? customerTiersTests(customers, tiersAlert) : []),
  ];
  const files = new Map<number, RuleTestFilePlan>();
  const fileAt = (interval: string | undefined) => {
    const every = interval ?? TEST_EVALUATION_INTERVAL;
    const key = parseDuration(every) as number;
    if (!files.has(key)) {
      const file = ruleTestFileName(vertical.id, every === TEST_EVALUATION_INTERVAL ? undefined : every);
      files.set(key, { vertical: vertical.id, file, evaluationInterval: every, groups: [] });
    }
    return files.get(key) as RuleTestFilePlan;
  };
  fileAt(undefined);
  for (const { evaluation_interval: every, ...group } of [...vertical.ruleTests, ...generated]) {
    fileAt(every).groups.push({
      ...group,
      alert_rule_test: group.alert_rule_test.map((check) => {
        const alert = alerts.get(check.alertname);
        const fixed = alert ? expectedLabels(alert) : {};
        return {
          ...check,
          exp_alerts: check.exp_alerts.map((expected) => ({
            exp_labels: { ...fixed, ...expected.exp_labels },
            exp_annotations: expected.exp_annotations,
          })),
        };
      }),
    });
  }
  return [...files.values()];
}
