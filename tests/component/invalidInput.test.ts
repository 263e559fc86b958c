// Bad input stops the real program before it declares anything, with a message naming the field.
import assert from "node:assert/strict";
import * as path from "node:path";
import { it } from "node:test";
import { ProgramFailure, runProgram } from "../../cli/mockEngine";
import { readStackFile, withSecrets } from "../../cli/stackFile";
import { PROJECT_DIR } from "../support/tools";

it("a malformed e-mail throws a clean RunError and declares no resource", async () => {
  const stackFile = withSecrets("prod", readStackFile(path.join(PROJECT_DIR, "Pulumi.prod.yaml")));
  const teams = structuredClone(stackFile.values.teams) as { members: { email: string }[] }[];
  teams[1].members[2].email = "bob@";
  await assert.rejects(
    runProgram("prod", { ...stackFile.values, teams }, stackFile.secretKeys),
    (error: unknown) => {
      assert.ok(error instanceof ProgramFailure);
      assert.equal(
        error.expected,
        true,
        "the program must throw pulumi.RunError, which prints no stack trace",
      );
      assert.equal(
        error.message,
        'Pulumi.prod.yaml: agent-alert-routing:teams[1].members[2].email: "bob@" is not an e-mail address',
      );
      assert.deepEqual(error.declared, []);
      return true;
    },
  );
});

it("an alert-grouping window of 0 is refused, naming the stack file and the field", async () => {
  const stackFile = withSecrets("prod", readStackFile(path.join(PROJECT_DIR, "Pulumi.prod.yaml")));
  const pagerduty = { ...(stackFile.values.pagerduty as object), alertGrouping: { windowMinutes: 0 } };
  await assert.rejects(
    runProgram("prod", { ...stackFile.values, pagerduty }, stackFile.secretKeys),
    (error: unknown) => {
      assert.ok(error instanceof ProgramFailure);
      assert.equal(error.expected, true);
      assert.equal(
        error.message,
        "Pulumi.prod.yaml: agent-alert-routing:pagerduty.alertGrouping.windowMinutes: is too small: the shortest window is 1 minute; 0 (group until the incident resolves) is not offered",
      );
      assert.deepEqual(error.declared, []);
      return true;
    },
  );
});
