// `npm run policy` on the real stacks: every mandatory policy passes, advisories are listed; a
// violation is printed on stderr where its value was written, like a validation error.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import yaml from "js-yaml";
import { PROJECT_DIR, runCli, tempDir } from "../support/tools";

type Catalogue = { groups: { rules: { alert?: string; annotations: Record<string, string> }[] }[] };

/** Prod's stack file beside a copy of sales' catalogue whose alert `alert` has `text` in its description. */
function salesWithDescription(
  alert: string,
  text: string,
): { file: string; catalogue: string; rule: string } {
  const dir = tempDir("policy-cli");
  const catalogue = path.join(dir, "sales.yaml");
  const doc = yaml.load(fs.readFileSync(path.join(PROJECT_DIR, "alerts", "sales.yaml"), "utf8")) as Catalogue;
  let rule = "";
  for (const [g, group] of doc.groups.entries()) {
    for (const [r, candidate] of group.rules.entries()) {
      if (candidate.alert !== alert) continue;
      candidate.annotations.description += text;
      rule = `groups[${g}].rules[${r}]`;
    }
  }
  assert.ok(rule, `no alert ${alert} in alerts/sales.yaml`);
  fs.writeFileSync(catalogue, yaml.dump(doc));
  const prod = yaml.load(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.prod.yaml"), "utf8")) as {
    config: Record<string, unknown>;
  };
  const verticals = prod.config["agent-alert-routing:verticals"] as { id: string; catalogue: string }[];
  (verticals.find((vertical) => vertical.id === "sales") as { catalogue: string }).catalogue = catalogue;
  const file = path.join(dir, "Pulumi.prod.yaml");
  fs.writeFileSync(file, yaml.dump(prod));
  return { file, catalogue, rule };
}

describe("npm run policy", () => {
  for (const stack of ["prod", "staging"]) {
    it(`passes ${stack} on every mandatory policy`, () => {
      const result = runCli("policy", ["--stack", stack]);
      assert.equal(result.status, 0, result.stdout + result.stderr);
      assert.match(result.stdout, /^policy: 0 mandatory and \d+ advisory violation\(s\)$/m);
      assert.doesNotMatch(result.stderr, /\(mandatory policy /);
    });
  }

  it("passes prod with no advisory: each threshold alert an SLO covers carries the SLO's symptom", () => {
    const result = runCli("policy", ["--stack", "prod"]);
    assert.equal(result.stdout, "policy: 0 mandatory and 0 advisory violation(s)\n");
    assert.equal(result.stderr, "");
  });

  it("prints a mandatory violation on stderr at the catalogue file, rule and field, without the secret", () => {
    const webhook = "https://hooks.slack.com/services/T000/B000/XXXX";
    const { file, catalogue, rule } = salesWithDescription("SalesWebsocketBackpressure", ` Ping ${webhook}`);
    const result = runCli("policy", ["--stack", "prod", "--config", file]);
    assert.equal(result.status, 1, result.stdout + result.stderr);
    const where = `${catalogue}: ${rule}.annotations.description: `;
    const lines = result.stderr.split("\n").filter((line) => line.startsWith(where));
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0], /contains a secret value.*\(mandatory policy no-plain-secrets\)$/);
    assert.doesNotMatch(result.stderr + result.stdout, /T000\/B000/, "the report must not echo the secret");
    assert.doesNotMatch(result.stderr, /^\s+at /m, "a stack trace was printed");
    assert.equal(result.stdout, "policy: 1 mandatory and 0 advisory violation(s)\n");
  });

  it("rejects an unknown argument", () => {
    const result = runCli("policy", ["--stak", "prod"]);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /unknown argument "--stak"/);
  });
});
