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
