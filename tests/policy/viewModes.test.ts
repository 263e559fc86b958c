// The policies read the same catalogue whichever way the stack delivers its rules (ConfigMaps,
// PrometheusRules or both), across shards, from the bridge's settings when they are sound, and
// around values the engine's own unknown-checking proxy does not know yet.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { runProgram } from "../../cli/mockEngine";
import {
  BRIDGE_SETTINGS_FILE,
  RESOURCE_TYPES,
  SHARD_LABEL,
  STRICTEST_TIER_ANNOTATION,
  VERTICAL_LABEL,
} from "../../core/conventions";
import { compileStack } from "../../pipeline/compile";
import { asPolicyResources, runPolicies } from "../../policies/run";
import { buildView, type PolicyResourceLike, secretData, stringMap } from "../../policies/view";
import { stackFileWithTestSecrets } from "../support/program";

// @pulumi/policy's own proxy, through which CrossGuard hands a stack policy a preview's resources.
const proxy = require("@pulumi/policy/proxy") as {
  unknownCheckingProxy: <T extends object>(value: T) => T;
  unknownStringValue: unknown;
};

const MODES = ["configmap", "operator", "both"] as const;
type Mode = (typeof MODES)[number];

const runs = new Map<Mode, { resources: PolicyResourceLike[]; config: Record<string, object> }>();

before(async () => {
  const stackFile = stackFileWithTestSecrets("prod");
  for (const mode of MODES) {
    const values = {
      ...stackFile.values,
      kubernetes: { ...(stackFile.values.kubernetes as object), mode },
    };
    const run = await runProgram("prod", values, stackFile.secretKeys);
    const { policyConfig } = await compileStack({ stack: "prod", stackFile: stackFile.file, config: values });
    runs.set(mode, { resources: asPolicyResources(run.resources, "prod"), config: policyConfig });
  }
});

const summary = (resources: readonly PolicyResourceLike[]) => {
  const view = buildView(resources);
  return {
    verticals: view.verticals.map((vertical) => [vertical.vertical, vertical.strictestTier]).sort(),
    alerts: view.alerts.map((alert) => `${alert.vertical}/${alert.group}/${alert.rule.alert}`).sort(),
    records: view.recordingRules.map((record) => `${record.vertical}/${record.rule.record}`).sort(),
    bridge: view.bridgeAlerts.map((alert) => `${alert.vertical}/${alert.group}/${alert.rule.alert}`).sort(),
  };
};

describe("the policies' view in every delivery mode", () => {
  it("reads the same verticals, alerts, recording rules and bridge alerts from ConfigMaps and PrometheusRules", () => {
    const operator = runs.get("operator");
    assert.ok(operator);
    const expected = summary(operator.resources);
    assert.ok(expected.alerts.length > 50, String(expected.alerts.length));
    assert.ok(expected.records.length > 0 && expected.bridge.length > 0);
    // Each vertical's objects carry its strictest tier; the alerts about the alerting have none.
    assert.ok(
      expected.verticals.every(([vertical, tier]) => (vertical === "alerting") === (tier === undefined)),
      JSON.stringify(expected.verticals),
    );
    for (const mode of ["configmap", "both"] as const) {
      const run = runs.get(mode);
      assert.ok(run);
      const types = new Set(run.resources.map((resource) => resource.type));
      assert.equal(types.has(RESOURCE_TYPES.prometheusRule), mode === "both", mode);
      assert.deepEqual(summary(run.resources), expected, mode);
    }
  });

  it("passes prod on every mandatory policy in every mode", () => {
    assert.deepEqual([...runs.keys()].sort(), ["both", "configmap", "operator"]);
    for (const [mode, run] of runs) {
      const mandatory = runPolicies(run.resources, run.config).filter(
        (violation) => violation.enforcementLevel === "mandatory",
      );
      assert.deepEqual(mandatory, [], mode);
    }
  });
});

function rule(name: string, props: Record<string, unknown>, type: string = RESOURCE_TYPES.prometheusRule) {
  return { type, name, urn: `urn:test::${name}`, props, opts: { protect: false } } as PolicyResourceLike;
}

describe("the policies' view of one vertical's shards", () => {
  const shard = (n: number, alert: string, annotations: Record<string, string> = {}) =>
    rule(`sales-${n}`, {
      metadata: { labels: { [VERTICAL_LABEL]: "sales", [SHARD_LABEL]: String(n) }, annotations },
      spec: { groups: [{ name: `sales-${n}`, rules: [{ alert, expr: "up == 0" }] }] },
    });

  it("orders groups by shard and reports the vertical on its first shard, whatever order they come in", () => {
    const view = buildView([
      shard(2, "SalesC"),
      shard(0, "SalesA", { [STRICTEST_TIER_ANNOTATION]: "enterprise" }),
      shard(1, "SalesB"),
    ]);
    assert.equal(view.verticals.length, 1);
    const [sales] = view.verticals;
    assert.deepEqual(
      sales.groups.map((group) => [group.name, group.shard]),
      [
        ["sales-0", 0],
        ["sales-1", 1],
        ["sales-2", 2],
      ],
    );
    assert.equal(sales.resource.name, "sales-0");
    // The tier annotation is read from the first object of the vertical that is met.
    assert.equal(sales.strictestTier, undefined);
    assert.deepEqual(
      view.alerts.map((alert) => [alert.rule.alert, alert.resource.name]),
      [
        ["SalesA", "sales-0"],
        ["SalesB", "sales-1"],
        ["SalesC", "sales-2"],
      ],
    );
  });

  it("reads an object without a shard label as shard 0, and an empty tier annotation as none", () => {
    const view = buildView([
      rule("sales", {
        metadata: { labels: { [VERTICAL_LABEL]: "sales" }, annotations: { [STRICTEST_TIER_ANNOTATION]: "" } },
        spec: { groups: [{ name: "sales-a" }] },
      }),
      shard(1, "SalesB"),
    ]);
    const [sales] = view.verticals;
    assert.deepEqual(
      sales.groups.map((group) => [group.name, group.shard, group.rules.length]),
      [
        ["sales-a", 0, 0],
        ["sales-1", 1, 1],
      ],
    );
    assert.equal(sales.strictestTier, undefined);
  });

  it("reads only the rule files of a rule ConfigMap, and an empty one as no groups", () => {
    const view = buildView([
      rule(
        "sales-rules",
        {
          metadata: { labels: { [VERTICAL_LABEL]: "sales" } },
          data: {
            "sales.rules.yaml":
              "groups:\n  - name: sales-a\n    rules:\n      - alert: SalesA\n        expr: up == 0\n",
            "README.md": "groups:\n  - name: not-rules\n",
            "empty.rules.yaml": "",
          },
        },
        RESOURCE_TYPES.configMap,
      ),
    ]);
    assert.deepEqual(
      view.verticals[0].groups.map((group) => group.name),
      ["sales-a"],
    );
    assert.deepEqual(
      view.alerts.map((alert) => alert.rule.alert),
      ["SalesA"],
    );
  });
});

describe("the policies' view of the bridge's settings", () => {
  const settings = (text: string) =>
    rule("bridge-settings", { data: { [BRIDGE_SETTINGS_FILE]: text } }, RESOURCE_TYPES.configMap);

  it("reads no bridge alerts from settings that are not JSON or not the schema, and stops at nothing", () => {
    for (const text of ["{not json", JSON.stringify({ langfuse: "everything" }), ""]) {
      assert.deepEqual(buildView([settings(text)]).bridgeAlerts, [], text);
    }
  });
});

describe("the policies' view of values a preview does not know", () => {
  it("leaves out a Secret's file the engine's proxy says is unknown, and names it", () => {
    const secret = rule(
      "keys",
      proxy.unknownCheckingProxy({
        stringData: { "known.key": "value", "pending.key": proxy.unknownStringValue },
      }),
      RESOURCE_TYPES.secret,
    );
    const unknown: string[] = [];
    assert.deepEqual(
      secretData(secret, (field) => unknown.push(field)),
      { "known.key": "value" },
    );
    assert.deepEqual(unknown, ["stringData.pending.key"]);
  });

  it("reads anything but an object as no entries, and drops empty ones", () => {
    for (const value of [null, undefined, "text", 42]) assert.deepEqual(stringMap(value), {}, String(value));
    assert.deepEqual(stringMap({ a: "1", b: null, c: 2 }), { a: "1", c: "2" });
  });

  it("passes on any other error a value's getter throws", () => {
    const record = Object.defineProperty({}, "broken", {
      enumerable: true,
      get() {
        throw new TypeError("the provider's value is broken");
      },
    });
    assert.throws(() => stringMap(record), /the provider's value is broken/);
  });
});
