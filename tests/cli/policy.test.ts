// `npm run policy` on the real stacks: every mandatory policy passes, advisories are listed.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runCli } from "../support/tools";

describe("npm run policy", () => {
  for (const stack of ["prod", "staging"]) {
    it(`passes ${stack} on every mandatory policy`, () => {
      const result = runCli("policy", ["--stack", stack]);
      assert.equal(result.status, 0, result.stdout + result.stderr);
      assert.match(result.stdout, /^policy: 0 mandatory and \d+ advisory violation\(s\)$/m);
      assert.doesNotMatch(result.stdout, /^mandatory /m);
    });
  }

  it("flags a threshold alert only against an SLO on the same series, never a per-customer alert", () => {
    const result = runCli("policy", ["--stack", "prod"]);
    const covered = [...result.stdout.matchAll(/Threshold alert (\w+) in [\w-]+ watches/g)].map((m) => m[1]);
    // The CRM SLO selects tool_name="crm": the calendar 429 alert beside it watches other series.
    assert.ok(covered.includes("RealEstateCrmWebhook5xx"), covered.join(", "));
    assert.ok(!covered.includes("RealEstateCalendarApi429"), covered.join(", "));
    assert.ok(!covered.includes("ItHelpdeskCrmToolErrors"), covered.join(", "));
    assert.ok(!covered.some((alert) => /Customer\w+Failing$/.test(alert)), covered.join(", "));
  });

  it("rejects an unknown argument", () => {
    const result = runCli("policy", ["--stak", "prod"]);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /unknown argument "--stak"/);
  });
});
