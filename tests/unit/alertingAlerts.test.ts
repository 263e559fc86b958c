// The alerts about the alerting: their own rule file beside the verticals', owned by the infra team,
// and routed around the integration that fails, read off prod's rendered config by the evaluator.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createRouter } from "../../alertmanager/evaluate";
import type { LabelSet } from "../../alertmanager/types";
import { compileRouting } from "../../pipeline/compile";
import { stackInput } from "../support/stack";

const prod = compileRouting({ ...stackInput("prod"), stack: "prod" });
const router = createRouter(prod.alertmanager.config);
const file = prod.plan.ruleFiles.find((candidate) => candidate.vertical === "alerting");
const rules = file?.groups.flatMap((group) => group.rules) ?? [];

function alert(name: string, extra: LabelSet = {}): LabelSet {
  const rule = rules.find((candidate) => candidate.alert === name);
  assert.ok(rule, `no rendered alert ${name} in the alerting rule file`);
  return { ...rule.labels, alertname: name, ...extra };
}
const paging = new Set(
  prod.plan.receivers.filter((receiver) => receiver.pagerduty).map((receiver) => receiver.name),
);

describe("the alerts about the alerting", () => {
  it("sit in their own rule file, after the verticals', with a Watchdog, all owned by the infra team", () => {
    assert.equal(prod.plan.ruleFiles.at(-1)?.vertical, "alerting");
    assert.deepEqual(
      rules.map((rule) => rule.alert),
      [
        "Watchdog",
        "AlertingNotificationsFailing",
        "AlertingRuleEvaluationFailures",
        "AlertingPrometheusConfigReloadFailed",
        "AlertingAlertmanagerConfigReloadFailed",
        "AlertingNotificationQueueFull",
        "AlertingBridgeForwardingFailing",
      ],
    );
    for (const rule of rules) {
      assert.equal(rule.labels?.team, "platform", rule.alert);
      assert.equal(rule.labels?.vertical, "alerting", rule.alert);
      assert.equal(rule.labels?.alert_type, "infra", rule.alert);
    }
    const notifications = rules.find((rule) => rule.alert === "AlertingNotificationsFailing");
    assert.match(
      notifications?.expr ?? "",
      /sum by \(integration\) \(increase\(alertmanager_notifications_failed_total\[10m\]\)\) > 0/,
    );
    assert.equal(
      notifications?.annotations?.runbook_url,
      "https://runbooks.callsphere.example/alerting/notifications-failing",
    );
  });

  it("reach the infra team by Slack and e-mail, never PagerDuty, when PagerDuty is what fails", () => {
    const receivers = router.receivers(alert("AlertingNotificationsFailing", { integration: "pagerduty" }));
    assert.deepEqual(receivers, ["platform-offhours"]);
    assert.ok(!receivers.some((receiver) => paging.has(receiver)));
    const offhours = prod.plan.receivers.find((receiver) => receiver.name === "platform-offhours");
    assert.ok(offhours?.slack && offhours.email && !offhours.pagerduty);
  });

  it("page the infra team when another integration fails, or Prometheus or Alertmanager does", () => {
    for (const integration of ["slack", "email", "webhook"])
      assert.deepEqual(
        router.receivers(alert("AlertingNotificationsFailing", { integration })),
        ["platform"],
        integration,
      );
    for (const name of [
      "AlertingRuleEvaluationFailures",
      "AlertingPrometheusConfigReloadFailed",
      "AlertingAlertmanagerConfigReloadFailed",
      "AlertingNotificationQueueFull",
    ])
      assert.deepEqual(router.receivers(alert(name)), ["platform"], name);
    // Its Watchdog beats with the verticals', one group of its own.
    assert.deepEqual(router.receivers(alert("Watchdog")), ["platform-heartbeat"]);
  });

  it("each come with a promtool case that fires it and one that keeps it quiet", () => {
    const tests = prod.plan.ruleTests.filter((tests) => tests.vertical === "alerting");
    const checks = tests.flatMap((test) => test.groups.flatMap((group) => group.alert_rule_test));
    for (const rule of rules.filter((candidate) => candidate.alert !== "Watchdog")) {
      const own = checks.filter((check) => check.alertname === rule.alert);
      assert.ok(
        own.some((check) => check.exp_alerts.length === 1),
        `${rule.alert} never fires`,
      );
      assert.ok(
        own.some((check) => check.exp_alerts.length === 0),
        `${rule.alert} is never quiet`,
      );
    }
  });
});
