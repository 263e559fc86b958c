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

  it("passes prod with no advisory: each threshold alert an SLO covers carries the SLO's symptom", () => {
    const result = runCli("policy", ["--stack", "prod"]);
    assert.match(result.stdout, /policy: 0 mandatory and 0 advisory violation\(s\)/);
  });

  it("rejects an unknown argument", () => {
    const result = runCli("policy", ["--stak", "prod"]);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /unknown argument "--stak"/);
  });
});
