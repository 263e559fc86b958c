// The rule file of a vertical as the plan writes it: each rule carries exactly the fields the
// catalogue gave it (no empty `for` or `annotations`), our routing labels come first, a group keeps
// its own interval, and a per-customer alert's expression is joined to the customer info series.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import yaml from "js-yaml";
import type { RenderedRule } from "../../core/rules";
import { buildModel } from "../../input/model";
import { buildPlan } from "../../plan/plan";
import type { RuleFilePlan } from "../../plan/ruleFiles";
import {
  baseCatalogue,
  baseCatalogueTexts,
  baseConfig,
  type CatalogueFixture,
  HEALTHCARE_FILE,
  makeInput,
} from "./fixtures";

function healthcareRules(
  edit: (catalogue: CatalogueFixture) => void = () => {},
  config = baseConfig(),
): RuleFilePlan {
  const catalogue = baseCatalogue("Healthcare");
  edit(catalogue);
  const input = makeInput(config, { ...baseCatalogueTexts(), [HEALTHCARE_FILE]: yaml.dump(catalogue) });
  const file = buildPlan(buildModel(input)).ruleFiles.find((rules) => rules.vertical === "healthcare");
  assert.ok(file, "no healthcare rule file");
  return file;
}

function rule(file: RuleFilePlan, name: string): RenderedRule {
  const found = file.groups
    .flatMap((group) => group.rules)
    .find((r) => r.alert === name || r.record === name);
  assert.ok(found, `no rule ${name}`);
  return found;
}

describe("a vertical's rule file", () => {
  const file = healthcareRules();

  it("writes an alert's for and keep_firing_for only when the catalogue gives them", () => {
    assert.deepEqual(rule(file, "Watchdog"), {
      alert: "Watchdog",
      expr: "vector(1)",
      labels: { alert_type: "infra", severity: "info", vertical: "healthcare", team: "platform" },
      annotations: { summary: "Heartbeat (always firing)" },
    });
    const ftl = rule(file, "HealthcareFtlP95High");
    assert.equal(ftl.for, "5m");
    assert.equal(ftl.keep_firing_for, "5m");
    assert.deepEqual(Object.keys(ftl), ["alert", "expr", "for", "keep_firing_for", "labels", "annotations"]);
    assert.deepEqual(Object.keys(rule(file, "HealthcareServiceDown")), [
      "alert",
      "expr",
      "for",
      "labels",
      "annotations",
    ]);
  });

  it("writes no annotations for an alert the catalogue gives none", () => {
    const bare = healthcareRules((catalogue) => {
      delete catalogue.groups[2].rules[0].annotations;
    });
    assert.deepEqual(Object.keys(rule(bare, "HealthcareServiceDown")), ["alert", "expr", "for", "labels"]);
  });

  it("puts the routing labels first, tool_name only on a tool's alert, then the catalogue's own", () => {
    assert.deepEqual(Object.entries(rule(file, "HealthcareCrmToolErrors").labels ?? {}), [
      ["alert_type", "tool"],
      ["severity", "warning"],
      ["vertical", "healthcare"],
      ["team", "crm-owners"],
      ["tool_name", "crm"],
    ]);
    assert.deepEqual(Object.entries(rule(file, "HealthcareCrashLoop").labels ?? {}), [
      ["alert_type", "infra"],
      ["severity", "critical"],
      ["vertical", "healthcare"],
      ["team", "platform"],
      ["auto_remediation", "restart-pod"],
    ]);
  });

  it("keeps a recording rule bare, and a group's own evaluation interval", () => {
    assert.deepEqual(rule(file, "vertical:ftl_ms:p95"), {
      record: "vertical:ftl_ms:p95",
      expr: "histogram_quantile(0.95, sum by (le) (rate(callsphere_ftl_ms_bucket[5m])))",
    });
    const slow = healthcareRules((catalogue) => {
      catalogue.groups[3].interval = "2m";
    });
    assert.deepEqual(
      slow.groups.map((group) => [group.name, group.interval]),
      [
        ["healthcare-meta", undefined],
        ["healthcare-latency", undefined],
        ["healthcare-infra", undefined],
        ["healthcare-tools", "2m"],
        ["healthcare-cost", undefined],
      ],
    );
    assert.equal(Object.hasOwn(slow.groups[0], "interval"), false, "a group without an interval has no key");
  });
});

describe("a per-customer alert's expression", () => {
  const perCustomer = (customer = "customer", edit: (config: Record<string, unknown>) => void = () => {}) => {
    const config = baseConfig();
    edit(config);
    const file = healthcareRules((catalogue) => {
      catalogue.groups.push({
        name: "customers",
        rules: [
          {
            alert: "HealthcareCustomerEhrFailing",
            scope: "customer",
            expr: `\n  max by (${customer}) (ehr_failing)\n  > 0\n`,
            for: "10m",
            labels: { alert_type: "infra", severity: "critical" },
            annotations: { summary: "One customer's EHR is failing" },
          },
        ],
      });
    }, config);
    assert.deepEqual(file.perCustomerAlerts, ["HealthcareCustomerEhrFailing"]);
    return rule(file, "HealthcareCustomerEhrFailing").expr;
  };

  it("joins the customer's tier from the info series, trimmed and indented, or keeps a customer it does not list", () => {
    assert.equal(
      perCustomer(),
      [
        "(",
        "  max by (customer) (ehr_failing)",
        "    > 0",
        ")",
        "* on (customer) group_left (tier)",
        '  topk by (customer) (1, callsphere_customer_info{vertical="healthcare"})',
        "or",
        "(",
        "  max by (customer) (ehr_failing)",
        "    > 0",
        ")",
        'unless on (customer) callsphere_customer_info{vertical="healthcare"}',
        "",
      ].join("\n"),
    );
  });

  it("copies the tier into `tier` when billing writes it in another label, with the stack's own names", () => {
    const expr = perCustomer("account", (config) => {
      config.customers = {
        infoMetric: "billing_info",
        customerLabel: "account",
        verticalLabel: "product",
        tierLabel: "plan",
      };
    });
    assert.equal(
      expr,
      [
        "label_replace(",
        "(",
        "  max by (account) (ehr_failing)",
        "    > 0",
        ")",
        "* on (account) group_left (plan)",
        '  topk by (account) (1, billing_info{product="healthcare"}),',
        '"tier", "$1", "plan", "(.*)")',
        "or",
        "(",
        "  max by (account) (ehr_failing)",
        "    > 0",
        ")",
        'unless on (account) billing_info{product="healthcare"}',
        "",
      ].join("\n"),
    );
  });
});
