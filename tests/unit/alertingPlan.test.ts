// The routing plan's own fields, beside the route tree and the receivers: Alertmanager's global
// settings, where it finds the Secret's files in each delivery mode, one time interval per
// business-hours tier, the secrets the program reads, each vertical's strictest tier, and the
// Kubernetes settings the components follow. Expected values are Pulumi.prod.yaml's, written out.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildModel } from "../../input/model";
import { buildPlan } from "../../plan/plan";
import { baseConfig, makeInput } from "./fixtures";

function planOf(edit: (config: Record<string, unknown>) => void = () => {}) {
  const config = baseConfig();
  edit(config);
  return buildPlan(buildModel(makeInput(config)));
}

const withKubernetes = (settings: Record<string, unknown>) => (config: Record<string, unknown>) => {
  config.kubernetes = { ...(config.kubernetes as object), ...settings };
};

describe("the routing plan", () => {
  it("carries Alertmanager's global settings from the stack", () => {
    assert.deepEqual(planOf().global, {
      resolveTimeout: "3m",
      smtp: {
        from: "alerts@callsphere.example",
        smarthost: "smtp.callsphere.example:587",
        authUsername: "alerts@callsphere.example",
        passwordFile: "smtp-password",
        requireTls: true,
      },
      pagerdutyUrl: undefined,
    });
    const standIn = planOf((config) => {
      (config.alertmanager as Record<string, unknown>).pagerdutyUrl = "https://pagerduty.test/v2/enqueue";
    });
    assert.equal(standIn.global.pagerdutyUrl, "https://pagerduty.test/v2/enqueue");
  });

  it("mounts the Secret's files where the operator mounts spec.secrets, or where the stack says", () => {
    assert.equal(
      planOf().secretMountPath,
      "/etc/alertmanager/secrets/agent-alert-routing-alertmanager-secrets",
    );
    assert.equal(planOf(withKubernetes({ mode: "configmap" })).secretMountPath, "/etc/alertmanager/secrets");
    assert.equal(planOf(withKubernetes({ mode: "both" })).secretMountPath, "/etc/alertmanager/secrets");
    assert.equal(planOf(withKubernetes({ secretMountPath: "/run/keys" })).secretMountPath, "/run/keys");
  });

  it("keeps one time interval per business-hours tier, in name order", () => {
    const plan = planOf((config) => {
      const tiers = config.tiers as Record<string, unknown>;
      config.tiers = {
        ...tiers,
        "after-school": {
          coverage: "business-hours",
          timeZone: "Europe/Berlin",
          days: ["saturday"],
          start: "15:00",
          end: "19:00",
        },
      };
    });
    assert.deepEqual(plan.timeIntervals, [
      {
        name: "after-school-hours",
        tier: "after-school",
        hours: { timeZone: "Europe/Berlin", days: ["saturday"], start: "15:00", end: "19:00" },
      },
      {
        name: "business-hours",
        tier: "business",
        hours: {
          timeZone: "America/New_York",
          days: ["monday", "tuesday", "wednesday", "thursday", "friday"],
          start: "09:00",
          end: "18:00",
        },
      },
    ]);
    assert.deepEqual(plan.tiers, ["enterprise", "business", "trial", "after-school"]);
  });

  it("reads the bridge's webhook secret only when the stack runs the bridge", () => {
    const secretKeys = (plan: ReturnType<typeof planOf>) => plan.secretInputs.map((ref) => ref.configKey);
    assert.deepEqual(secretKeys(planOf()).slice(-1), ["bridgeWebhookSecret"]);
    const noBridge = planOf((config) => {
      delete config.bridge;
    });
    assert.equal(noBridge.bridge, undefined);
    assert.deepEqual(noBridge.secretInputs, [
      { configKey: "slackToken" },
      { configKey: "heartbeatToken" },
      { configKey: "slackWebhookUrls", field: "ai-eng" },
      { configKey: "slackWebhookUrls", field: "platform" },
      { configKey: "smtpPassword" },
    ]);
  });

  it("names each vertical's strictest tier, and the Kubernetes settings as the stack gives them", () => {
    const plan = planOf(
      withKubernetes({ kubeconfigPath: "/etc/kube/prod.yaml", context: "prod-east", shardBudgetKiB: 64 }),
    );
    assert.deepEqual(plan.verticalStrictestTiers, [
      { vertical: "healthcare", tier: "enterprise" },
      { vertical: "real-estate", tier: "business" },
    ]);
    assert.deepEqual(plan.kubernetes, {
      mode: "operator",
      namespace: "monitoring",
      namespaceExists: true,
      kubeconfigPath: "/etc/kube/prod.yaml",
      context: "prod-east",
      ruleSelectorLabels: { release: "kube-prometheus-stack" },
      shardBudgetBytes: 65536,
    });
    assert.equal(plan.stack, "test");
    assert.deepEqual(
      plan.ruleFiles.map((file) => file.vertical),
      ["healthcare", "real-estate", "alerting"],
    );
  });
});
