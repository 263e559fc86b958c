// Where the route tree sends an alert, and with which timing and grouping: the routes an alert
// reaches in the rendered Alertmanager config (our evaluator, which tests/tools/conformance.test.ts
// holds to amtool's answers), with the group_by, group_wait, group_interval, repeat_interval and time
// intervals each one notifies with, inherited as Alertmanager inherits them. Expected values come from
// the stack config (Pulumi.prod.yaml's timings) and the domain's rules, written out here.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import yaml from "js-yaml";
import { createRouter, type RouteNode } from "../../alertmanager/evaluate";
import type { AmRoute } from "../../alertmanager/types";
import { buildModel } from "../../input/model";
import { type AlertingPlan, buildPlan } from "../../plan/plan";
import { pagingReceivers } from "../../plan/routes";
import { alertmanagerConfig } from "../../render/alertmanager";
import { baseCatalogue, baseCatalogueTexts, baseConfig, HEALTHCARE_FILE, makeInput } from "./fixtures";

const CRITICAL = { groupWait: "30s", groupInterval: "5m", repeatInterval: "4h" };
const WARNING = { groupWait: "1m", groupInterval: "10m", repeatInterval: "12h" };
const COST_SPIKE = { groupWait: "1h", groupInterval: "1h", repeatInterval: "24h" };
const GROUP_BY = ["alertname", "vertical", "customer"];

function planOf(edit: (config: Record<string, unknown>) => void = () => {}): AlertingPlan {
  const config = baseConfig();
  edit(config);
  return buildPlan(buildModel(makeInput(config)));
}

interface Notified {
  receiver: string;
  groupBy?: string[];
  groupWait?: string;
  groupInterval?: string;
  repeatInterval?: string;
  active?: string[];
  muted?: string[];
}

/** A route's own value of `field`, or its nearest ancestor's, as Alertmanager inherits it. */
function inherited<K extends keyof AmRoute>(node: RouteNode, field: K): AmRoute[K] | undefined {
  for (let current: RouteNode | undefined = node; current; current = current.parent) {
    if (current.source[field] !== undefined) return current.source[field];
  }
  return undefined;
}

/** Every route `labels` reach, with what each notifies through, in match order. */
function routed(plan: AlertingPlan, labels: Record<string, string>): Notified[] {
  return createRouter(alertmanagerConfig(plan))
    .match(labels)
    .map((node) => {
      const out: Notified = {
        receiver: node.receiver,
        groupBy: inherited(node, "group_by"),
        groupWait: inherited(node, "group_wait"),
        groupInterval: inherited(node, "group_interval"),
        repeatInterval: inherited(node, "repeat_interval"),
      };
      if (node.activeTimeIntervals.length) out.active = node.activeTimeIntervals;
      if (node.muteTimeIntervals.length) out.muted = node.muteTimeIntervals;
      return out;
    });
}

/** Every vertical sells only `tier`, and none escalates SEV1s to the executives. */
const everyVerticalSellsOnly = (tier: string) => (config: Record<string, unknown>) => {
  for (const vertical of config.verticals as Record<string, unknown>[]) {
    vertical.tiers = [tier];
    vertical.sev1EscalatesToExec = false;
  }
};

const prod = planOf();
const healthcare = (labels: Record<string, string>) => routed(prod, { vertical: "healthcare", ...labels });

describe("a vertical's alerts", () => {
  it("page the owner with the critical timings, grouped per customer too", () => {
    assert.deepEqual(healthcare({ alertname: "X", alert_type: "infra", severity: "critical" }), [
      { receiver: "platform", groupBy: GROUP_BY, ...CRITICAL },
    ]);
    assert.deepEqual(healthcare({ alertname: "X", alert_type: "model", severity: "page" }), [
      { receiver: "ai-eng", groupBy: GROUP_BY, ...CRITICAL },
    ]);
  });

  it("page a P1 through the SEV1 receiver of an escalating vertical, only for a team that owns a P1", () => {
    assert.deepEqual(
      healthcare({ alertname: "X", alert_type: "infra", severity: "critical", priority: "P1" }),
      [{ receiver: "platform-sev1", groupBy: GROUP_BY, ...CRITICAL }],
    );
    // ai-eng owns no P1 alert in healthcare: a P1 label alone does not make a SEV1 route for it.
    assert.deepEqual(
      healthcare({ alertname: "X", alert_type: "model", severity: "critical", priority: "P1" }),
      [{ receiver: "ai-eng", groupBy: GROUP_BY, ...CRITICAL }],
    );
    // real-estate does not escalate SEV1s.
    const realEstate = routed(prod, {
      alertname: "X",
      vertical: "real-estate",
      alert_type: "infra",
      severity: "critical",
      priority: "P1",
      tier: "enterprise",
    });
    assert.deepEqual(realEstate, [{ receiver: "platform", groupBy: GROUP_BY, ...CRITICAL }]);
  });

  it("tell Slack of a warning with the warning timings, and batch a cost spike", () => {
    assert.deepEqual(healthcare({ alertname: "X", alert_type: "infra", severity: "warning" }), [
      { receiver: "platform-slack", groupBy: GROUP_BY, ...WARNING },
    ]);
    assert.deepEqual(
      healthcare({ alertname: "X", alert_type: "model", severity: "warning", category: "cost-spike" }),
      [{ receiver: "ai-eng-slack", groupBy: GROUP_BY, ...COST_SPIKE }],
    );
  });

  it("reach a tool's owner, grouped by tool, or the fallback team for a tool nobody owns", () => {
    const toolGroupBy = [...GROUP_BY, "tool_name"];
    // crm-owners' only alert is a warning, so they keep no rotation: a critical reaches them by e-mail.
    assert.deepEqual(
      healthcare({ alertname: "X", alert_type: "tool", tool_name: "crm", severity: "critical" }),
      [{ receiver: "crm-owners-email", groupBy: toolGroupBy, ...WARNING }],
    );
    assert.deepEqual(
      healthcare({ alertname: "X", alert_type: "tool", tool_name: "zendesk", severity: "warning" }),
      [{ receiver: "integrations-email", groupBy: toolGroupBy, ...WARNING }],
    );
  });

  it("in a business-hours tier, page inside its hours and tell Slack and e-mail outside them", () => {
    const labels = { alertname: "X", vertical: "real-estate", alert_type: "infra", severity: "critical" };
    assert.deepEqual(routed(prod, labels), [
      { receiver: "platform", groupBy: GROUP_BY, ...CRITICAL, active: ["business-hours"] },
      { receiver: "platform-offhours", groupBy: GROUP_BY, ...CRITICAL, muted: ["business-hours"] },
    ]);
  });

  it("go by e-mail under an e-mail-only tier, and to the catch-all under a tier the stack lacks", () => {
    assert.deepEqual(
      healthcare({ alertname: "X", alert_type: "infra", severity: "critical", tier: "trial" }),
      [{ receiver: "platform-email", groupBy: GROUP_BY, ...WARNING }],
    );
    assert.deepEqual(
      healthcare({ alertname: "X", alert_type: "infra", severity: "critical", tier: "gold" }),
      // The owner's route matches and none of its tiers does: it notifies through the root's receiver.
      [{ receiver: "platform-unrouted", groupBy: GROUP_BY, ...WARNING }],
    );
  });

  it("never page a team that keeps no rotation, even under a business-hours tier", () => {
    // crm-owners' only alert is a warning, so they keep no rotation; real-estate sells business hours.
    const labels = {
      alertname: "X",
      vertical: "real-estate",
      alert_type: "tool",
      tool_name: "crm",
      severity: "critical",
    };
    assert.deepEqual(routed(prod, labels), [
      { receiver: "crm-owners-email", groupBy: [...GROUP_BY, "tool_name"], ...WARNING },
    ]);
  });

  it("branch an owner's routes by tier in name order, then the alerts without a tier", () => {
    const healthcareRoute = prod.verticalRoutes.find((entry) => entry.vertical === "healthcare")?.route;
    const infra = healthcareRoute?.routes?.[0];
    assert.deepEqual(infra?.matchers, [{ name: "alert_type", op: "=", value: "infra" }]);
    assert.deepEqual(
      infra?.routes?.map((route) => route.matchers),
      ["business", "enterprise", "trial", ""].map((value) => [{ name: "tier", op: "=", value }]),
    );
  });

  it("give no SEV1 route to a team whose only P1 alert is a warning", () => {
    const catalogue = baseCatalogue("Healthcare");
    catalogue.groups[1].rules[1].labels = { alert_type: "model", severity: "warning", priority: "P1" };
    const plan = buildPlan(
      buildModel(
        makeInput(baseConfig(), { ...baseCatalogueTexts(), [HEALTHCARE_FILE]: yaml.dump(catalogue) }),
      ),
    );
    const labels = {
      alertname: "X",
      vertical: "healthcare",
      alert_type: "model",
      severity: "critical",
      priority: "P1",
    };
    assert.deepEqual(
      routed(plan, labels).map((route) => route.receiver),
      ["ai-eng"],
    );
  });

  it("group per customer once when the stack already groups by the customer label", () => {
    const plan = planOf((config) => {
      (config.alertmanager as { groupBy: string[] }).groupBy = ["alertname", "customer", "tool_name"];
    });
    const labels = {
      alertname: "X",
      vertical: "healthcare",
      alert_type: "tool",
      tool_name: "crm",
      severity: "warning",
    };
    assert.deepEqual(routed(plan, labels)[0].groupBy, ["alertname", "customer", "tool_name"]);
    const infra = { ...labels, alert_type: "infra" };
    assert.deepEqual(routed(plan, infra)[0].groupBy, ["alertname", "customer", "tool_name"]);
  });
});

describe("the alerts of no vertical", () => {
  it("send our heartbeat to the dead man's switch at once, repeating a tenth inside its interval", () => {
    const beat = { alertname: "Watchdog", alert_type: "infra", vertical: "healthcare", severity: "info" };
    assert.deepEqual(routed(prod, beat), [
      {
        receiver: "platform-heartbeat",
        groupBy: ["alertname", "vertical"],
        groupWait: "0s",
        groupInterval: "1m",
        repeatInterval: "54s",
      },
    ]);
    const every = (interval: string) =>
      routed(
        planOf((config) => {
          (config.alertmanager as { heartbeat: { repeatInterval: string } }).heartbeat.repeatInterval =
            interval;
        }),
        beat,
      )[0];
    assert.deepEqual(
      ["5m", "15s", "10s", "1s"].map((interval) => every(interval).repeatInterval),
      ["270s", "13s", "9s", "1s"],
    );
    assert.equal(every("5m").groupInterval, "5m");
  });

  it("send no Watchdog to the dead man's switch but ours, which carries alert_type and a vertical", () => {
    // Without alert_type, the vertical's route takes it and, matching no owner, it is unrouted.
    assert.deepEqual(routed(prod, { alertname: "Watchdog", vertical: "healthcare", severity: "none" }), [
      { receiver: "platform-unrouted", groupBy: GROUP_BY, ...WARNING },
    ]);
    assert.deepEqual(routed(prod, { alertname: "Watchdog", alert_type: "infra", severity: "none" }), [
      { receiver: "platform-unrouted", groupBy: ["alertname", "vertical"], ...WARNING },
    ]);
  });

  it("send a stock Watchdog and every info alert to the blackhole", () => {
    assert.deepEqual(routed(prod, { alertname: "Watchdog", severity: "none" }), [
      { receiver: "platform-blackhole", groupBy: ["alertname", "vertical"], ...WARNING },
    ]);
    assert.deepEqual(
      routed(prod, { alertname: "X", vertical: "healthcare", alert_type: "infra", severity: "info" }),
      [{ receiver: "platform-blackhole", groupBy: ["alertname", "vertical"], ...WARNING }],
    );
  });

  it("page the infra team for a critical stock alert and tell its Slack of a warning", () => {
    assert.deepEqual(routed(prod, { alertname: "KubeNodeNotReady", severity: "critical" }), [
      { receiver: "platform", groupBy: ["alertname", "vertical"], ...CRITICAL },
    ]);
    assert.deepEqual(routed(prod, { alertname: "KubeNodeNotReady", severity: "warning" }), [
      { receiver: "platform-slack", groupBy: ["alertname", "vertical"], ...WARNING },
    ]);
  });

  it("reach an infra team that keeps business hours within them, and one that keeps none by e-mail", () => {
    const business = planOf(everyVerticalSellsOnly("business"));
    assert.deepEqual(routed(business, { alertname: "KubeNodeNotReady", severity: "critical" }), [
      { receiver: "platform", groupBy: ["alertname", "vertical"], ...CRITICAL, active: ["business-hours"] },
      {
        receiver: "platform-offhours",
        groupBy: ["alertname", "vertical"],
        ...CRITICAL,
        muted: ["business-hours"],
      },
    ]);
    const none = planOf(everyVerticalSellsOnly("trial"));
    assert.deepEqual(routed(none, { alertname: "KubeNodeNotReady", severity: "critical" }), [
      { receiver: "platform-email", groupBy: ["alertname", "vertical"], ...CRITICAL },
    ]);
    assert.deepEqual(routed(none, { alertname: "KubeNodeNotReady", severity: "warning" }), [
      { receiver: "platform-email", groupBy: ["alertname", "vertical"], ...WARNING },
    ]);
  });

  it("tell the infra team of PagerDuty failing by Slack and e-mail, grouped by integration, and page for the rest", () => {
    const alerting = {
      alertname: "AlertmanagerNotificationsFailing",
      vertical: "alerting",
      alert_type: "infra",
    };
    const groupBy = ["alertname", "vertical", "integration"];
    assert.deepEqual(routed(prod, { ...alerting, severity: "critical", integration: "pagerduty" }), [
      { receiver: "platform-offhours", groupBy, ...CRITICAL },
    ]);
    assert.deepEqual(routed(prod, { ...alerting, severity: "critical", integration: "slack" }), [
      { receiver: "platform", groupBy, ...CRITICAL },
    ]);
  });
});

describe("the PagerDuty receivers an alert can page through", () => {
  const model = buildModel(makeInput());
  const plan = buildPlan(model);
  const receiversOf = (verticalId: string, name: string) => {
    const vertical = model.verticals.find((candidate) => candidate.id === verticalId);
    assert.ok(vertical);
    const alert = vertical.groups
      .flatMap((group) => group.rules)
      .find((rule) => rule.kind === "alert" && rule.name === name);
    assert.ok(alert?.kind === "alert", name);
    return pagingReceivers(model, plan.coverage, vertical, alert);
  };

  it("are the owner's, its SEV1 receiver's for a P1 where SEV1s escalate, none for a warning", () => {
    assert.deepEqual(receiversOf("healthcare", "HealthcareServiceDown"), ["platform-sev1"]);
    assert.deepEqual(receiversOf("real-estate", "RealEstateServiceDown"), ["platform"]);
    assert.deepEqual(receiversOf("healthcare", "HealthcareFtlP95High"), ["ai-eng"]);
    assert.deepEqual(receiversOf("healthcare", "HealthcareCrmToolErrors"), []);
    assert.deepEqual(receiversOf("healthcare", "Watchdog"), [], "an info alert of a 24x7 team");
  });

  it("are none for an alert whose tiers never page its owner", () => {
    const catalogue = baseCatalogue("Healthcare");
    catalogue.groups[2].rules[1].labels = { ...catalogue.groups[2].rules[1].labels, tier: "trial" };
    const trialModel = buildModel(
      makeInput(baseConfig(), { ...baseCatalogueTexts(), [HEALTHCARE_FILE]: yaml.dump(catalogue) }),
    );
    const vertical = trialModel.verticals[0];
    const alert = vertical.groups
      .flatMap((group) => group.rules)
      .find((rule) => rule.kind === "alert" && rule.name === "HealthcareCrashLoop");
    assert.ok(alert?.kind === "alert");
    assert.deepEqual(pagingReceivers(trialModel, buildPlan(trialModel).coverage, vertical, alert), []);
  });

  it("are the owner's for a per-customer alert that pages under some of its vertical's tiers", () => {
    // healthcare sells enterprise (24x7) and trial (e-mail only): an enterprise customer's alert pages.
    const config = baseConfig();
    (config.verticals as Record<string, unknown>[])[0].tiers = ["enterprise", "trial"];
    const catalogue = baseCatalogue("Healthcare");
    Object.assign(catalogue.groups[2].rules[1], {
      scope: "customer",
      expr: 'max by (customer, pod) (kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff"}) == 1',
    });
    const customerModel = buildModel(
      makeInput(config, { ...baseCatalogueTexts(), [HEALTHCARE_FILE]: yaml.dump(catalogue) }),
    );
    const vertical = customerModel.verticals[0];
    const alert = vertical.groups
      .flatMap((group) => group.rules)
      .find((rule) => rule.kind === "alert" && rule.name === "HealthcareCrashLoop");
    assert.ok(alert?.kind === "alert" && alert.scope === "customer");
    assert.deepEqual(pagingReceivers(customerModel, buildPlan(customerModel).coverage, vertical, alert), [
      "platform",
    ]);
  });
});
