// A policy violation traced back to where its value was written: a catalogue rule's file, path and
// field; an SLO's entry; the catalogue of a vertical; the stack file and resource for the rest.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { ruleGroupName } from "../../core/conventions";
import { type Alert, alertsOf } from "../../core/rules";
import type { AlertingModel } from "../../input/model";
import { compileStack } from "../../pipeline/compile";
import { asPolicyResources, runPolicies, type Violation } from "../../policies/run";
import { violationIssue } from "../../policies/sources";
import { applyFixture, type PolicyFixture } from "../support/policyFixtures";
import { runStack } from "../support/program";

let model: AlertingModel;

before(async () => {
  const { file, values } = (await runStack("prod")).stackFile;
  model = (await compileStack({ stack: "prod", stackFile: file, config: values })).model;
});

const violation = (subject: Violation["subject"], resource?: string): Violation => ({
  policy: "some-policy",
  enforcementLevel: "mandatory",
  message: "What is wrong.",
  resource,
  subject,
});

/** A sales alert of the model, and its declared group's name. */
function salesAlert(which: (alert: Alert) => boolean): { alert: Alert; group: string } {
  const sales = model.verticals.find((vertical) => vertical.id === "sales");
  const alert = alertsOf(sales ?? { groups: [] }).find(which);
  assert.ok(alert, "no such sales alert");
  return { alert, group: ruleGroupName("sales", alert.group) };
}

describe("where a policy violation was written", () => {
  it("names a catalogue rule's file, path and field", () => {
    const { alert, group } = salesAlert((candidate) => candidate.name === "SalesCrashLoop");
    const issue = violationIssue(
      violation({ vertical: "sales", rule: { group, name: alert.name }, field: "annotations.summary" }, "x"),
      model,
    );
    assert.deepEqual(issue, {
      file: "alerts/sales.yaml",
      path: `${alert.source.path}.annotations.summary`,
      message: "What is wrong. (mandatory policy some-policy)",
    });
    assert.match(issue.path, /^groups\[\d+\]\.rules\[\d+\]\.annotations\.summary$/);
  });

  it("names an SLO's entry for an alert it generates, without a field the entry does not have", () => {
    const { alert, group } = salesAlert((candidate) => candidate.slo !== undefined);
    const issue = violationIssue(
      violation({ vertical: "sales", rule: { group, name: alert.name }, field: "labels.symptom" }),
      model,
    );
    assert.equal(issue.file, "alerts/sales.yaml");
    assert.match(issue.path, /^slos\[\d+\]$/);
  });

  it("names the vertical's catalogue when no one rule is known, and the stack file and resource otherwise", () => {
    const unknownRule = { vertical: "sales", rule: { group: "sales-nope", name: "Nope" } };
    assert.deepEqual(
      [
        violationIssue(violation(unknownRule), model),
        violationIssue(violation({ vertical: "sales" }), model),
      ].map(({ file, path }) => [file, path]),
      [
        ["alerts/sales.yaml", ""],
        ["alerts/sales.yaml", ""],
      ],
    );
    const issue = violationIssue(violation(undefined, "alert-routing-pd-service-platform"), model);
    assert.deepEqual([issue.file, issue.path], ["Pulumi.prod.yaml", "alert-routing-pd-service-platform"]);
  });

  it("traces the pack's own report of a secret in an annotation to the catalogue field", async () => {
    const run = await runStack("prod");
    const fixture = JSON.parse(
      fs.readFileSync(path.join(__dirname, "..", "fixtures", "policy", "no-plain-secrets.json"), "utf8"),
    ) as PolicyFixture;
    const leaks = runPolicies(applyFixture(asPolicyResources(run.resources, "prod"), fixture)).filter(
      (found) => found.policy === "no-plain-secrets",
    );
    const { alert } = salesAlert((candidate) => candidate.name === "SalesCrashLoop");
    assert.ok(leaks.length > 0);
    for (const leak of leaks) {
      const issue = violationIssue(leak, model);
      assert.deepEqual(
        [issue.file, issue.path],
        ["alerts/sales.yaml", `${alert.source.path}.annotations.description`],
        leak.message,
      );
    }
  });
});
