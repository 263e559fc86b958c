// The tier-coverage policy beyond its fixtures: the instant it names is the first hour of the week a
// page breaks the tier, and a vertical that sells business hours at best keeps its untiered alerts
// to them, which the pack accepts when the route tree does.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runProgram } from "../../cli/mockEngine";
import { compileStack } from "../../pipeline/compile";
import { asPolicyResources, runPolicies } from "../../policies/run";
import { applyFixture } from "../support/policyFixtures";
import { runStack, stackFileWithTestSecrets } from "../support/program";

describe("tier coverage", () => {
  it("names the first hour an e-mail-only tier pages: Monday 09:30 in New York when it pages in business hours", async () => {
    const run = await runStack("prod");
    const { file, values } = run.stackFile;
    const { policyConfig } = await compileStack({ stack: "prod", stackFile: file, config: values });
    // Salon's infra alerts of the trial tier (route.routes[6].routes[0].routes[2], e-mail only) sent
    // to platform's pager inside the business tier's hours (Pulumi.prod.yaml: Monday to Friday,
    // 09:00-18:00 America/New_York). The week is checked on the half hour from 2026-01-12T00:30Z.
    const paged = applyFixture(asPolicyResources(run.resources, "prod"), {
      description: "trial pages in business hours",
      policy: "tier-coverage",
      message: "",
      changes: [
        {
          op: "route",
          path: [6, 0, 2],
          set: { receiver: "platform", active_time_intervals: ["business-hours"] },
        },
      ],
    });
    const found = runPolicies(paged, policyConfig).filter(
      (violation) => violation.policy === "tier-coverage",
    );
    assert.ok(found.length > 0);
    for (const violation of found)
      assert.match(
        violation.message,
        /^Alert Salon\w+ in salon pages under the email-only tier trial at 2026-01-12T14:30:00\.000Z, outside what the tier covers\.$/,
      );
  });

  it("accepts a vertical whose strictest tier is business hours when its untiered alerts page only in them", async () => {
    const stackFile = stackFileWithTestSecrets("prod");
    const verticals = (stackFile.values.verticals as { id: string; tiers: string[] }[]).map((vertical) =>
      vertical.id === "salon" ? { ...vertical, tiers: ["business", "trial"] } : vertical,
    );
    const values = { ...stackFile.values, verticals };
    const run = await runProgram("prod", values, stackFile.secretKeys);
    const { policyConfig } = await compileStack({ stack: "prod", stackFile: stackFile.file, config: values });
    const resources = asPolicyResources(run.resources, "prod");
    const salon = resources.find((resource) => resource.name === "alert-routing-k8s-prometheusrule-salon-0");
    assert.ok(salon);
    const { annotations } = salon.props.metadata as { annotations: Record<string, string> };
    assert.equal(annotations["agent-alert-routing/strictest-tier"], "business");
    assert.deepEqual(
      runPolicies(resources, policyConfig).filter((violation) => violation.policy === "tier-coverage"),
      [],
    );
    // And the same vertical paging its untiered alerts at any hour is refused, at the first hour
    // outside business hours.
    const untieredRoute = (path: number[]) => ({
      op: "route" as const,
      path,
      set: { active_time_intervals: [] },
    });
    const always = runPolicies(
      applyFixture(resources, {
        description: "untiered salon infra alerts page at any hour",
        policy: "tier-coverage",
        message: "",
        changes: [untieredRoute([6, 0, 3, 1])],
      }),
      policyConfig,
    ).filter((violation) => violation.policy === "tier-coverage");
    assert.ok(always.length > 0);
    for (const violation of always)
      assert.match(
        violation.message,
        /^Alert Salon\w+ in salon, without a tier, pages at 2026-01-12T00:30:00\.000Z, outside what its strictest tier business \(business-hours\) covers\.$/,
      );
  });
});
