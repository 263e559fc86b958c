// A per-customer alert takes its customer's tier from the customer info series, whatever label
// billing writes the tier in (`customers.tierLabel`): promtool evaluates the rendered rule against
// hand-written series, and the alert must carry `tier` with the customer's value, or no tier at all
// for a customer the series does not list. Prod writes the tier as `tier`; these stacks do not.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import yaml from "js-yaml";
import { buildModel } from "../../input/model";
import { buildPlan } from "../../plan/plan";
import { renderRuleFile } from "../../render/rules";
import { requireTool, tempDir } from "../support/tools";
import { baseCatalogue, baseCatalogueTexts, baseConfig, HEALTHCARE_FILE, makeInput } from "../unit/fixtures";

const promtool = requireTool("promtool");

const ALERT = "HealthcareCustomerEhrFailing";

/** The healthcare rule file of a stack whose info series writes the tier in `tierLabel`. */
function ruleFile(tierLabel: string | undefined): string {
  const config = baseConfig();
  config.customers = tierLabel === undefined ? {} : { tierLabel };
  const catalogue = baseCatalogue("Healthcare");
  catalogue.groups.push({
    name: "customers",
    rules: [
      {
        alert: ALERT,
        scope: "customer",
        expr: 'max by (customer) (ehr_failing{vertical="healthcare"}) > 0',
        for: "1m",
        labels: { alert_type: "infra", severity: "critical" },
        annotations: { summary: "One customer's EHR is failing" },
      },
    ],
  });
  const input = makeInput(config, { ...baseCatalogueTexts(), [HEALTHCARE_FILE]: yaml.dump(catalogue) });
  const file = buildPlan(buildModel(input)).ruleFiles.find((rules) => rules.vertical === "healthcare");
  assert.ok(file, "no healthcare rule file");
  const only = {
    ...file,
    groups: file.groups.filter((group) => group.rules.some((rule) => rule.alert === ALERT)),
  };
  return renderRuleFile(only);
}

/** Runs promtool on `rules` against series where acme is on `tierLabel`="business" and zeta is unlisted. */
function promtoolVerdict(rules: string, tierLabel: string): { ok: boolean; output: string } {
  const labels = (tier: Record<string, string>) => ({
    alertname: ALERT,
    customer: "acme",
    alert_type: "infra",
    severity: "critical",
    vertical: "healthcare",
    team: "platform",
    ...tier,
  });
  const tests = {
    rule_files: ["rules.yaml"],
    evaluation_interval: "1m",
    tests: [
      {
        interval: "1m",
        input_series: [
          { series: 'ehr_failing{vertical="healthcare", customer="acme"}', values: "1x10" },
          { series: 'ehr_failing{vertical="healthcare", customer="zeta"}', values: "1x10" },
          {
            series: `callsphere_customer_info{vertical="healthcare", customer="acme", ${tierLabel}="business"}`,
            values: "1x10",
          },
          {
            series: 'callsphere_customer_info{vertical="dental", customer="zeta", tier="enterprise"}',
            values: "1x10",
          },
        ],
        alert_rule_test: [
          {
            eval_time: "5m",
            alertname: ALERT,
            exp_alerts: [
              {
                exp_labels: labels(
                  tierLabel === "tier" ? { tier: "business" } : { [tierLabel]: "business", tier: "business" },
                ),
                exp_annotations: { summary: "One customer's EHR is failing" },
              },
              {
                exp_labels: { ...labels({}), customer: "zeta" },
                exp_annotations: { summary: "One customer's EHR is failing" },
              },
            ],
          },
        ],
      },
    ],
  };
  const dir = tempDir("customer-tier-label");
  fs.writeFileSync(path.join(dir, "rules.yaml"), rules);
  fs.writeFileSync(path.join(dir, "rules.test.yaml"), yaml.dump(tests));
  try {
    const output = execFileSync(promtool, ["test", "rules", "rules.test.yaml"], {
      cwd: dir,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    return { ok: /SUCCESS/.test(output), output };
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${failure.stdout ?? ""}${failure.stderr ?? ""}` };
  }
}

describe("a per-customer alert's tier, by the label the info series writes it in", () => {
  it("is the customer's tier when the series writes it as `tier` (the default)", () => {
    const rules = ruleFile(undefined);
    assert.doesNotMatch(rules, /label_replace/, "the tier is in place: nothing to copy");
    const verdict = promtoolVerdict(rules, "tier");
    assert.ok(verdict.ok, verdict.output);
  });

  it("is copied into `tier` when the series writes it in another label", () => {
    const rules = ruleFile("plan");
    assert.match(rules, /label_replace/);
    const verdict = promtoolVerdict(rules, "plan");
    assert.ok(verdict.ok, verdict.output);
  });

  it("is not taken from a label the stack did not name", () => {
    // The stack says `plan`; a series that writes `tier` gives no plan, so label_replace sets no tier.
    const verdict = promtoolVerdict(ruleFile("plan"), "tier");
    assert.equal(verdict.ok, false);
    assert.match(verdict.output, /tier="business"/);
  });
});
