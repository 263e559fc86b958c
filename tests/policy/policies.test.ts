// The policy pack: prod passes every mandatory policy; each broken fixture in tests/fixtures/policy
// trips exactly its intended policy, with its message; the pack is built the way CrossGuard loads it.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { compileStack } from "../../pipeline/compile";
import { allPolicies } from "../../policies/all";
import { asPolicyResources, type PolicyConfig, runPolicies, type Violation } from "../../policies/run";
import type { PolicyResourceLike } from "../../policies/view";
import { inShape, SHAPES } from "../support/engineShapes";
import { applyFixture, type PolicyFixture } from "../support/policyFixtures";
import { runStack } from "../support/program";

const FIXTURES = path.join(__dirname, "..", "fixtures", "policy");
let resources: PolicyResourceLike[];
let config: PolicyConfig;
let baseline: Violation[];

before(async () => {
  const run = await runStack("prod");
  resources = asPolicyResources(run.resources, "prod");
  const { file, values } = run.stackFile;
  config = (await compileStack({ stack: "prod", stackFile: file, config: values })).policyConfig;
  baseline = runPolicies(resources, config);
});

describe("the policy pack", () => {
  it("declares each policy once, kebab-case, with a description, an enforcement level and config defaults", () => {
    const names = allPolicies.map((policy) => policy.name);
    assert.equal(new Set(names).size, names.length);
    for (const policy of allPolicies) {
      assert.match(policy.name, /^[a-z0-9]+(-[a-z0-9]+)*$/);
      assert.ok(policy.description?.endsWith("."), policy.name);
      assert.ok(["mandatory", "advisory"].includes(policy.enforcementLevel));
      for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
        assert.notEqual(
          (schema as { default?: unknown }).default,
          undefined,
          `${policy.name}.${key} has no default`,
        );
      }
    }
    assert.equal(allPolicies.filter((policy) => policy.enforcementLevel === "mandatory").length, 39);
  });

  it("flags a threshold alert without its symptom only against an SLO on the same series", () => {
    // Every symptom label of the prod threshold alerts removed: the advisory must find exactly the
    // alerts an SLO covers, by series, not by metric name, and never a per-customer alert.
    const thresholds = [
      "HealthcareFtlP95High",
      "HealthcareFtlP95Severe",
      "SalesFtlP95High",
      "SalonConversationSuccessRatioLow",
      "ItHelpdeskTicketingApiErrors",
      "RealEstateCrmWebhook5xx",
      "AfterHoursCalendarToolErrors",
    ];
    const stripped = applyFixture(resources, {
      description: "no symptoms",
      policy: "threshold-alert-covered-by-slo",
      message: "",
      changes: thresholds.map((alert) => ({ op: "rule", alert, delete: ["labels.symptom"] })),
    });
    const flagged = runPolicies(stripped, config)
      .filter((violation) => violation.policy === "threshold-alert-covered-by-slo")
      .map((violation) => /^Threshold alert (\w+) /.exec(violation.message)?.[1]);
    assert.deepEqual(flagged.sort(), [...thresholds].sort());
    assert.ok(baseline.every((violation) => violation.policy !== "threshold-alert-covered-by-slo"));
  });

  const fixtures = fs.readdirSync(FIXTURES).filter((file) => file.endsWith(".json"));
  // `<policy>.json`, and `<policy>.<branch>.json` for each further way a policy can be broken.
  it("has a broken fixture for every policy, and none for a policy that does not exist", () => {
    assert.deepEqual(
      [...new Set(fixtures.map((file) => file.split(".")[0]))].sort(),
      allPolicies.map((p) => p.name).sort(),
    );
  });

  // Each case in the three shapes a policy meets: the mock engine's record of inputs (the offline
  // render), a provider's outputs after `pulumi up` (Secrets as base64 data), and a first preview
  // (integration keys unknown).
  for (const shape of SHAPES) {
    describe(`over ${shape}`, () => {
      const run = (list: readonly PolicyResourceLike[]) => runPolicies(inShape(list, shape), config);

      const PREVIEW_POLICY = "values-known-at-preview";
      let shapeBaseline: Violation[];
      before(() => {
        shapeBaseline = run(resources);
      });

      it("passes prod on every mandatory policy, with the same advisories", () => {
        assert.deepEqual(
          shapeBaseline.filter((violation) => violation.enforcementLevel === "mandatory"),
          [],
        );
        assert.deepEqual(
          shapeBaseline.filter((violation) => violation.policy !== PREVIEW_POLICY),
          baseline,
        );
        // Only a first preview lacks values: each PagerDuty key file of the Secret, and nothing else.
        const unknown = shapeBaseline.filter((violation) => violation.policy === PREVIEW_POLICY);
        if (shape !== "first preview") assert.deepEqual(unknown, []);
        else {
          assert.ok(unknown.length > 0);
          assert.ok(
            unknown.every((violation) => /pagerduty-[a-z0-9-]+\.key is not known/.test(violation.message)),
          );
        }
      });

      for (const file of fixtures) {
        const fixture = JSON.parse(fs.readFileSync(path.join(FIXTURES, file), "utf8")) as PolicyFixture;
        const expected = [fixture.policy, ...(fixture.alsoTrips ?? [])].sort();
        it(`${file}: ${fixture.description} → trips only ${expected.join(", ")}`, () => {
          const before = new Set(
            shapeBaseline.map((violation) => `${violation.policy}: ${violation.message}`),
          );
          const after = run(applyFixture(resources, fixture)).filter(
            (violation) => !before.has(`${violation.policy}: ${violation.message}`),
          );
          assert.ok(after.length > 0, "the fixture tripped no policy");
          assert.deepEqual(
            [...new Set(after.map((violation) => violation.policy))].sort(),
            expected,
            JSON.stringify(after, null, 2),
          );
          assert.ok(
            after.some(
              (violation) =>
                violation.policy === fixture.policy && new RegExp(fixture.message).test(violation.message),
            ),
            `no message matches /${fixture.message}/: ${after.map((violation) => violation.message).join(" | ")}`,
          );
        });
      }
    });
  }
});
