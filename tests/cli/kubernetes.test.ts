// In `both` delivery mode, the render's files are exactly what the declared objects carry: each
// vertical's ConfigMap shards and PrometheusRule shards hold its rule file, and the ConfigMap and
// the operator's config Secret hold alertmanager.yaml.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import yaml from "js-yaml";
import { type ProgramRun, runProgram } from "../../cli/mockEngine";
import { readStackFile, withSecrets } from "../../cli/stackFile";
import { ofType, unwrap } from "../support/program";
import { PROJECT_DIR, renderStack, tempDir } from "../support/tools";

const dir = tempDir("both");
const file = path.join(dir, "Pulumi.both.yaml");
const stack = yaml.load(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.prod.yaml"), "utf8")) as {
  config: Record<string, Record<string, unknown>>;
};
stack.config["agent-alert-routing:kubernetes"].mode = "both";
fs.writeFileSync(file, yaml.dump(stack));

let run: ProgramRun;
let rendered = "";

before(async () => {
  rendered = renderStack("both", path.join(dir, "out"), ["--config", file]);
  const stackFile = withSecrets("both", readStackFile(file));
  run = await runProgram("both", stackFile.values, stackFile.secretKeys);
});

describe("both delivery modes", () => {
  it("declare ConfigMaps and PrometheusRules for every vertical, holding the rendered rule file", () => {
    const read = (name: string) => yaml.load(fs.readFileSync(path.join(rendered, name), "utf8"));
    const maps = ofType(run, "kubernetes:core/v1:ConfigMap");
    const rules = ofType(run, "kubernetes:monitoring.coreos.com/v1:PrometheusRule");
    const verticals = fs
      .readdirSync(path.join(rendered, "rules"))
      .filter((name) => !name.endsWith(".test.yaml")) // promtool's rule tests, beside the rule files
      .map((name) => name.replace(/\.yaml$/, ""));
    // Prod's six verticals, and the alerts about the alerting.
    assert.deepEqual(verticals.sort(), [
      "after-hours",
      "alerting",
      "healthcare",
      "it-helpdesk",
      "real-estate",
      "sales",
      "salon",
    ]);
    for (const vertical of verticals) {
      const expected = read(`rules/${vertical}.yaml`);
      const map = maps.find((candidate) => candidate.name === `alert-routing-k8s-rules-${vertical}-0`);
      assert.ok(map, `no ConfigMap for ${vertical}`);
      assert.deepEqual(
        yaml.load((map.inputs.data as Record<string, string>)[`${vertical}-0.rules.yaml`]),
        expected,
      );
      const rule = rules.find(
        (candidate) => candidate.name === `alert-routing-k8s-prometheusrule-${vertical}-0`,
      );
      assert.ok(rule, `no PrometheusRule for ${vertical}`);
      assert.deepEqual(rule.inputs.spec, expected);
    }
  });

  it("declare the Alertmanager config as a ConfigMap and as the operator's config Secret, both the rendered file", () => {
    const expected = fs.readFileSync(path.join(rendered, "alertmanager.yaml"), "utf8");
    const map = ofType(run, "kubernetes:core/v1:ConfigMap").find(
      (m) => m.name === "alert-routing-k8s-alertmanager",
    );
    assert.ok(map, "no Alertmanager ConfigMap");
    assert.equal((map.inputs.data as Record<string, string>)["alertmanager.yaml"], expected);
    const secret = ofType(run, "kubernetes:core/v1:Secret").find(
      (s) => s.name === "alert-routing-k8s-alertmanager-config",
    );
    assert.equal(
      unwrap((unwrap(secret?.inputs.stringData) as Record<string, unknown>)["alertmanager.yaml"]),
      expected,
    );
  });
});
