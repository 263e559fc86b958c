// Kubernetes delivery: objects per mode, shards under the limit and stable, names and labels by
// Kubernetes' rules, and PrometheusRule objects against prometheus-operator's CRD schema.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ValidationError } from "../../core/errors";
import { buildModel } from "../../input/model";
import { buildPlan, type RuleFilePlan } from "../../plan/plan";
import { renderAlertmanagerYaml } from "../../render/alertmanager";
import { kubernetesObjects } from "../../render/kubernetes";
import {
  checkKubernetesObjects,
  OBJECT_LIMIT_BYTES,
  validatePrometheusRules,
} from "../../render/kubernetesChecks";
import { type RuleShard, ShardError, shardRuleFile } from "../../render/shards";
import { stackInput } from "../support/stack";
import { validationErrorOf } from "./fixtures";

function stack(
  mode: string,
  change: (config: Record<string, Record<string, unknown>>) => void = () => undefined,
  files: Record<string, string> = {},
) {
  const input = stackInput("prod", files);
  const config = input.config as Record<string, Record<string, unknown>>;
  config.kubernetes.mode = mode;
  change(config);
  const model = buildModel(input);
  const plan = buildPlan(model);
  return { model, plan, objects: kubernetesObjects(plan, renderAlertmanagerYaml(plan)) };
}

/** A synthetic vertical of `groups` groups with `rules` alerts each: thousands of alerts. */
function syntheticFile(groups: number, rules: number): RuleFilePlan {
  return {
    vertical: "synthetic",
    perCustomerAlerts: [],
    groups: Array.from({ length: groups }, (_, g) => ({
      name: `synthetic-group-${g}`,
      rules: Array.from({ length: rules }, (_, r) => ({
        alert: `SyntheticAlert${g}x${r}`,
        expr: `sum(rate(callsphere_tool_calls_total{vertical="synthetic",status_code=~"5..",shard="${g}"}[5m])) > ${r}`,
        for: "5m",
        labels: {
          alert_type: "tool",
          severity: "critical",
          vertical: "synthetic",
          team: "integrations",
          tool_name: `tool-${g}`,
        },
        annotations: {
          summary: `Synthetic alert ${r} of group ${g}`,
          description: "Generated to exercise sharding.",
        },
      })),
    })),
  };
}

const shardKeys = (shards: RuleShard[]) => shards.map((shard) => shard.text);

describe("delivery modes", () => {
  it("configmap: ConfigMaps for rules and config, no PrometheusRule, no config Secret", () => {
    const { objects, plan } = stack("configmap");
    assert.equal(objects.ruleConfigMaps.length, plan.ruleFiles.length);
    assert.equal(objects.prometheusRules.length, 0);
    assert.ok(objects.alertmanagerConfigMap);
    assert.equal(objects.alertmanagerConfigSecret, undefined);
    assert.equal(plan.secretMountPath, "/etc/alertmanager/secrets");
  });

  it("operator: PrometheusRules with the selector labels and the config Secret, key files where the operator mounts them", () => {
    const { objects, plan } = stack("operator", (config) => {
      config.kubernetes.ruleSelectorLabels = { release: "monitoring", team: "sre" };
    });
    assert.equal(objects.ruleConfigMaps.length, 0);
    assert.equal(objects.prometheusRules.length, plan.ruleFiles.length);
    for (const rule of objects.prometheusRules) {
      assert.equal(rule.metadata.labels.release, "monitoring");
      assert.equal(rule.metadata.labels.team, "sre");
    }
    assert.equal(objects.alertmanagerConfigMap, undefined);
    assert.ok(objects.alertmanagerConfigSecret?.data["alertmanager.yaml"].includes("routing_key_file"));
    assert.equal(plan.secretMountPath, "/etc/alertmanager/secrets/agent-alert-routing-alertmanager-secrets");
  });

  it("both: each rule shard as a ConfigMap and a PrometheusRule with the same groups", () => {
    const { objects } = stack("both");
    assert.equal(objects.ruleConfigMaps.length, objects.prometheusRules.length);
    assert.ok(objects.alertmanagerConfigMap && objects.alertmanagerConfigSecret);
    assert.equal(
      objects.alertmanagerConfigMap.data["alertmanager.yaml"],
      objects.alertmanagerConfigSecret.data["alertmanager.yaml"],
    );
  });
});

describe("shards", () => {
  const budget = 512 * 1024;

  it("keep a small vertical in one shard", () => {
    const shards = shardRuleFile(syntheticFile(5, 10), budget);
    assert.equal(shards.length, 1);
  });

  it("split thousands of alerts into shards under the budget, losing and reordering nothing", () => {
    const file = syntheticFile(400, 12);
    const shards = shardRuleFile(file, budget);
    assert.ok(shards.length > 1, `${shards.length} shards`);
    for (const shard of shards) assert.ok(Buffer.byteLength(shard.text) <= budget, `shard ${shard.index}`);
    assert.ok(budget < OBJECT_LIMIT_BYTES);
    assert.deepEqual(
      shards.flatMap((shard) => shard.groups.map((group) => group.name)),
      file.groups.map((group) => group.name),
    );
  });

  it("change one shard when one alert is added, and at most two when a group is added", () => {
    const file = syntheticFile(400, 12);
    const before = shardKeys(shardRuleFile(file, budget));
    const grown = structuredClone(file);
    grown.groups[137].rules.push({ ...grown.groups[137].rules[0], alert: "SyntheticAlertAdded" });
    const afterAlert = shardKeys(shardRuleFile(grown, budget));
    assert.equal(afterAlert.length, before.length);
    assert.equal(afterAlert.filter((text, i) => text !== before[i]).length, 1);

    const widened = structuredClone(file);
    widened.groups.splice(200, 0, { ...structuredClone(file.groups[0]), name: "synthetic-group-new" });
    const afterGroup = new Set(shardKeys(shardRuleFile(widened, budget)));
    const changed = [...afterGroup].filter((text) => !before.includes(text));
    assert.ok(changed.length <= 2, `${changed.length} shards changed`);
  });

  it("refuse a group too big for one object, naming it", () => {
    assert.throws(
      () => shardRuleFile(syntheticFile(1, 2000), budget),
      (error: unknown) =>
        error instanceof ShardError && /rule group "synthetic-group-0" renders \d+ KiB/.test(error.message),
    );
  });
});

describe("checks before declaring", () => {
  it("the prod objects pass the name, label and size checks and the CRD schema", async () => {
    const { model, objects } = stack("both");
    checkKubernetesObjects(model, objects);
    await validatePrometheusRules(model, objects);
  });

  // The input refuses such an id first (tests/unit/validation.test.ts); this check stands behind it.
  it("a PrometheusRule's label problems are reported at the vertical or the selector labels they come from", () => {
    const long = "a".repeat(70);
    const { model, plan } = stack("operator", (config) => {
      config.kubernetes.ruleSelectorLabels = { release: "kube-prometheus-stack", "bad key!": "x" };
    });
    const renamed = plan.ruleFiles.map((file, i) => (i === 0 ? { ...file, vertical: long } : file));
    model.verticals[0].id = long;
    const objects = kubernetesObjects({ ...plan, ruleFiles: renamed }, renderAlertmanagerYaml(plan));
    const error = validationErrorOf(() => checkKubernetesObjects(model, objects));
    const at = (path: string, message: RegExp) =>
      assert.ok(
        error.issues.some((issue) => issue.path === path && message.test(issue.message)),
        `nothing at ${path} matching ${message}:\n${error.message}`,
      );
    at(
      "agent-alert-routing:verticals[0].id",
      /PrometheusRule agent-alert-routing-a+-0: label agent-alert-routing\/vertical="a+" is 70 characters; a label value allows 63/,
    );
    at("agent-alert-routing:kubernetes.ruleSelectorLabels", /label "bad key!" is not a valid label name/);
    assert.ok(
      !error.issues.some(
        (issue) => issue.path.endsWith("ruleSelectorLabels") && issue.message.includes("/vertical="),
      ),
      "the vertical's label is not the selector's",
    );
  });

  it("a PrometheusRule the CRD schema rejects names the vertical, the object and the field", async () => {
    const { model, objects } = stack("operator");
    const broken = structuredClone(objects);
    (broken.prometheusRules[1].spec.groups[0].rules[0] as { for?: string }).for = "five minutes";
    await assert.rejects(validatePrometheusRules(model, broken), (error: unknown) => {
      assert.ok(error instanceof ValidationError);
      const [issue] = error.issues;
      assert.equal(issue.file, "alerts/real-estate.yaml");
      assert.equal(
        issue.path,
        'vertical "real-estate": PrometheusRule agent-alert-routing-real-estate-0: spec.groups[0].rules[0].for',
      );
      assert.match(issue.message, /must match pattern .*prometheus-operator's CRD schema/);
      return true;
    });
  });
});
