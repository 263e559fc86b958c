// The ownership, inhibition and catalogue policies on small hand-made stacks: an Alertmanager config
// in a Secret and one PrometheusRule per vertical, so each case shows the one fact it is about.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import yaml from "js-yaml";
import { ALERTMANAGER_CONFIG_KEY, RESOURCE_TYPES, VERTICAL_LABEL } from "../../core/conventions";
import { sloCoveredThresholdPolicy } from "../../policies/catalogue";
import { sev1NeverHeldBackPolicy } from "../../policies/inhibition";
import {
  modelAlertsAvoidPlatformPolicy,
  oneTeamPerAlertPolicy,
  toolAlertsReachOwnerPolicy,
} from "../../policies/ownership";
import { policyMessages, resource } from "../support/handMadeStack";

const messages = policyMessages;

const alertmanager = (config: object) =>
  resource(RESOURCE_TYPES.secret, "alertmanager", {
    stringData: { [ALERTMANAGER_CONFIG_KEY]: yaml.dump(config) },
  });

const rules = (vertical: string, list: Record<string, unknown>[]) =>
  resource(RESOURCE_TYPES.prometheusRule, `rules-${vertical}`, {
    metadata: { labels: { [VERTICAL_LABEL]: vertical } },
    spec: { groups: [{ name: `${vertical}-g`, rules: list }] },
  });

const RECEIVERS = ["platform-unrouted", "platform", "ai-eng", "crm-owners", "integrations"].map((name) => ({
  name,
}));

describe("ownership policies", () => {
  it("say when no Alertmanager config is declared, since nothing can be routed", () => {
    assert.deepEqual(messages(oneTeamPerAlertPolicy, [rules("sales", [{ alert: "SalesX", expr: "up" }])]), [
      "No Alertmanager config is declared, so no alert can be routed.",
    ]);
  });

  it("route an alert without labels, and leave out info alerts, which reach the catch-all's blackhole by design", () => {
    const config = {
      route: {
        receiver: "platform-unrouted",
        routes: [
          { receiver: "platform", matchers: ['severity="info"'] },
          { receiver: "ai-eng", matchers: ['alert_type="model"'] },
        ],
      },
      receivers: RECEIVERS,
    };
    const stack = [
      alertmanager(config),
      rules("sales", [
        { alert: "SalesBare", expr: "up" },
        { alert: "SalesModelInfo", expr: "up", labels: { alert_type: "model", severity: "info" } },
      ]),
    ];
    assert.deepEqual(messages(modelAlertsAvoidPlatformPolicy, stack), []);
    assert.deepEqual(messages(oneTeamPerAlertPolicy, stack), [
      "Alert SalesBare in sales falls to the catch-all receiver platform-unrouted.",
    ]);
  });

  it("refuse a tool alert that reaches its owner and another team, and name an alert without a tool", () => {
    const config = {
      route: {
        receiver: "platform-unrouted",
        routes: [
          { receiver: "crm-owners", matchers: ['tool_name="crm"'], continue: true },
          { receiver: "platform", matchers: ['alert_type="tool"'] },
        ],
      },
      receivers: RECEIVERS,
    };
    const stack = [
      alertmanager(config),
      rules("sales", [
        { alert: "SalesCrm", expr: "up", labels: { alert_type: "tool", tool_name: "crm" } },
        { alert: "SalesNoTool", expr: "up", labels: { alert_type: "tool" } },
      ]),
    ];
    assert.deepEqual(messages(toolAlertsReachOwnerPolicy, stack), [
      "Tool alert SalesCrm (tool crm) reaches crm-owners, platform, not its owner crm-owners.",
      "Tool alert SalesNoTool (tool ) reaches platform, not its owner integrations.",
    ]);
  });
});

describe("sev1-never-held-back", () => {
  const withRule = (rule: object) =>
    alertmanager({ route: { receiver: "platform-unrouted" }, receivers: RECEIVERS, inhibit_rules: [rule] });
  const refusal =
    'inhibit_rules[0] can hold back a P1 alert with a source that is not P1: add priority!="P1" to its target_matchers, or priority="P1" to its source_matchers.';

  it("refuses a source of any other priority, or of none, when the targets admit P1", () => {
    for (const priority of ["", "P2", "P3", "P4", "P5", "none"]) {
      assert.deepEqual(
        messages(sev1NeverHeldBackPolicy, [
          withRule({ source_matchers: [`priority="${priority}"`], target_matchers: ['alert_type="model"'] }),
        ]),
        [refusal],
        priority,
      );
    }
    // A rule without matchers holds back everything behind anything.
    assert.deepEqual(messages(sev1NeverHeldBackPolicy, [withRule({})]), [refusal]);
  });

  it("takes a P1 source, and targets that never admit P1", () => {
    assert.deepEqual(
      messages(sev1NeverHeldBackPolicy, [
        withRule({ source_matchers: ['priority="P1"'], target_matchers: [] }),
      ]),
      [],
    );
    assert.deepEqual(
      messages(sev1NeverHeldBackPolicy, [
        withRule({ source_matchers: [], target_matchers: ['priority!="P1"'] }),
      ]),
      [],
    );
  });
});

describe("threshold-alert-covered-by-slo", () => {
  const record = (name: string, expr: string, labels?: Record<string, string>) => ({
    record: name,
    expr,
    labels,
  });
  const burn = (slo: string, symptom?: string) => ({
    alert: "SalesBurn",
    expr: `slo:errors:ratio_rate5m{slo="${slo}"} > 14.4`,
    labels: { slo, ...(symptom ? { symptom } : {}) },
  });

  it("takes a histogram's series as its metric's, and any of an SLO's series", () => {
    const stack = [
      rules("sales", [
        record(
          "slo:sli_error:ratio_rate5m",
          "sum(rate(errors_total[5m])) / sum(rate(ftl_seconds_bucket[5m]))",
          {
            slo: "ftl",
          },
        ),
        burn("ftl", "slow-first-token"),
        { alert: "SalesFtlQuantile", expr: 'ftl_seconds{quantile="0.95"} > 1' },
        { alert: "SalesErrors", expr: "rate(errors_total[5m]) > 1" },
        { alert: "SalesOther", expr: "rate(other_total[5m]) > 1" },
      ]),
    ];
    assert.deepEqual(messages(sloCoveredThresholdPolicy, stack), [
      "Threshold alert SalesFtlQuantile in sales watches the series SLO ftl covers, without its symptom: both page for one symptom. Add the label symptom: slow-first-token so the SLO's page holds it back, or remove the alert.",
      "Threshold alert SalesErrors in sales watches the series SLO ftl covers, without its symptom: both page for one symptom. Add the label symptom: slow-first-token so the SLO's page holds it back, or remove the alert.",
    ]);
  });

  it("judges a vertical's alerts only against its own SLOs, and reads rules without labels", () => {
    const stack = [
      rules("sales", [
        record("slo:sli_error:ratio_rate5m", "sum(rate(errors_total[5m]))", { slo: "errors" }),
      ]),
      rules("salon", [{ alert: "SalonErrors", expr: "rate(errors_total[5m]) > 1" }]),
    ];
    assert.deepEqual(messages(sloCoveredThresholdPolicy, stack), []);
  });
});
