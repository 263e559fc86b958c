// `npm run policy` on the real stacks: every mandatory policy passes, advisories are listed.
import assert from "node:assert/strict";
import * as path from "node:path";
import { describe, it } from "node:test";
import { PROJECT_DIR, run } from "../support/tools";

const tsx = path.join(PROJECT_DIR, "node_modules", ".bin", "tsx");

describe("npm run policy", () => {
  for (const stack of ["prod", "staging"]) {
    it(`passes ${stack} on every mandatory policy`, () => {
      const result = run(tsx, ["cli/policy.ts", "--stack", stack]);
      assert.equal(result.status, 0, result.stdout + result.stderr);
      assert.match(result.stdout, /^policy: 0 mandatory and \d+ advisory violation\(s\)$/m);
      assert.doesNotMatch(result.stdout, /^mandatory /m);
    });
  }

  it("rejects an unknown argument", () => {
    const result = run(tsx, ["cli/policy.ts", "--stak", "prod"]);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /unknown argument "--stak"/);
  });
});
