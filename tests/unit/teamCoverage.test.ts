// Each team's on-call coverage, from the tiers its paging alerts can be routed under: 24x7 if any
// is, business hours if only those (and then all of them must keep the same hours), e-mail only if
// none pages; the executive team is 24x7 when a vertical escalates SEV1s to it, at any hour.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { teamCoverages } from "../../plan/coverage";
import { baseConfig, buildOk, makeInput, STACK_FILE, validationErrorOf } from "./fixtures";

const NEW_YORK_WEEKDAYS = {
  timeZone: "America/New_York",
  days: ["monday", "tuesday", "wednesday", "thursday", "friday"],
  start: "09:00",
  end: "18:00",
};

/**
 * healthcare sells `healthcareTier`, real-estate the prod `business` tier (New York weekdays 09–18);
 * both catalogues page platform (infra) and ai-eng (model), and nobody escalates to the executives
 * unless `exec` says so.
 */
function coverages(healthcareTier: Record<string, unknown>, exec = false) {
  const config = baseConfig();
  const tiers = config.tiers as Record<string, unknown>;
  tiers["weekday-business"] = healthcareTier;
  const verticals = config.verticals as Record<string, unknown>[];
  verticals[0].tiers = ["weekday-business"];
  verticals[0].sev1EscalatesToExec = exec;
  verticals[1].tiers = ["business"];
  return () => teamCoverages(buildOk(makeInput(config)));
}

const businessHours = (hours: Record<string, unknown>) => ({ coverage: "business-hours", ...hours });

describe("team coverage", () => {
  it("is 24x7 for a team paged under a 24x7 tier, and the executives' when a vertical escalates to them", () => {
    const coverage = teamCoverages(buildOk(makeInput()));
    assert.deepEqual(coverage.get("platform"), { kind: "24x7" });
    assert.deepEqual(coverage.get("ai-eng"), { kind: "24x7" });
    assert.deepEqual(coverage.get("exec"), { kind: "24x7" });
    // The CRM owners' only alert is a warning: nobody is paged for it.
    assert.deepEqual(coverage.get("crm-owners"), { kind: "email-only" });
  });

  it("is business hours for a team paged only under business-hours tiers that agree, listing them sorted", () => {
    // The same days in another order are the same hours; the first tier by name gives the ones kept.
    const days = ["friday", "monday", "thursday", "tuesday", "wednesday"];
    const coverage = coverages(businessHours({ ...NEW_YORK_WEEKDAYS, days }))();
    const expected = {
      kind: "business-hours",
      tiers: ["business", "weekday-business"],
      hours: NEW_YORK_WEEKDAYS,
    };
    assert.deepEqual(coverage.get("platform"), expected);
    assert.deepEqual(coverage.get("ai-eng"), expected);
    assert.deepEqual(coverage.get("exec"), { kind: "email-only" }, "nobody escalates to the executives");
  });

  it("puts the executives on 24x7 even when the escalating vertical keeps business hours", () => {
    const coverage = coverages(businessHours(NEW_YORK_WEEKDAYS), true)();
    assert.deepEqual(coverage.get("exec"), { kind: "24x7" });
    assert.equal(coverage.get("platform")?.kind, "business-hours");
  });

  it("is e-mail only for a team whose alerts can only be routed under an e-mail-only tier", () => {
    const coverage = coverages({ coverage: "email-only" })();
    assert.equal(coverage.get("platform")?.kind, "business-hours", "real-estate still pages platform");
    const trialOnly = baseConfig();
    for (const vertical of trialOnly.verticals as Record<string, unknown>[]) {
      vertical.tiers = ["trial"];
      vertical.sev1EscalatesToExec = false;
    }
    const emailOnly = teamCoverages(buildOk(makeInput(trialOnly)));
    assert.deepEqual(emailOnly.get("platform"), { kind: "email-only" });
    assert.deepEqual(emailOnly.get("ai-eng"), { kind: "email-only" });
  });

  for (const [what, change] of [
    ["start", { start: "08:00" }],
    ["end", { end: "17:00" }],
    ["days", { days: ["monday", "tuesday", "wednesday", "thursday"] }],
    ["time zone", { timeZone: "America/Chicago" }],
  ] as const) {
    it(`refuses two business-hours tiers of one team whose ${what} differ, naming the tiers`, () => {
      const error = validationErrorOf(coverages(businessHours({ ...NEW_YORK_WEEKDAYS, ...change })));
      assert.deepEqual(error.issues, [
        {
          file: STACK_FILE,
          path: "agent-alert-routing:tiers.weekday-business",
          message:
            'team "platform" is paged under tiers "business" and "weekday-business", whose business hours differ; one rotation cannot follow both (align the hours, or cover the team 24x7)',
        },
        {
          file: STACK_FILE,
          path: "agent-alert-routing:tiers.weekday-business",
          message:
            'team "ai-eng" is paged under tiers "business" and "weekday-business", whose business hours differ; one rotation cannot follow both (align the hours, or cover the team 24x7)',
        },
      ]);
    });
  }
});
