// Bad input stops the real program before it declares anything, with a message naming the field.
import assert from "node:assert/strict";
import * as path from "node:path";
import { it } from "node:test";
import { ProgramFailure, runProgram } from "../../cli/mockEngine";
import { readStackFile, withSecrets } from "../../cli/stackFile";
import { PROJECT_DIR } from "../support/tools";

const prod = () => withSecrets("prod", readStackFile(path.join(PROJECT_DIR, "Pulumi.prod.yaml")));

/** Runs the program on prod's config changed by `change`; it must stop with exactly `message`. */
async function assertRefused(
  change: (values: Record<string, unknown>) => Record<string, unknown>,
  message: string,
  providerConfig: Record<string, unknown> = {},
): Promise<void> {
  const stackFile = prod();
  await assert.rejects(
    runProgram("prod", change(stackFile.values), stackFile.secretKeys, { config: providerConfig }),
    (error: unknown) => {
      assert.ok(error instanceof ProgramFailure);
      assert.equal(
        error.expected,
        true,
        "the program must throw pulumi.RunError, which prints no stack trace",
      );
      assert.equal(error.message, message);
      assert.deepEqual(error.declared, []);
      return true;
    },
  );
}

it("a malformed e-mail throws a clean RunError and declares no resource", async () => {
  await assertRefused((values) => {
    const teams = structuredClone(values.teams) as { members: { email: string }[] }[];
    teams[1].members[2].email = "bob@";
    return { ...values, teams };
  }, 'Pulumi.prod.yaml: agent-alert-routing:teams[1].members[2].email: "bob@" is not an e-mail address');
});

it("an alert-grouping window of 0 is refused, naming the stack file and the field", async () => {
  await assertRefused(
    (values) => ({
      ...values,
      pagerduty: { ...(values.pagerduty as object), alertGrouping: { windowMinutes: 0 } },
    }),
    "Pulumi.prod.yaml: agent-alert-routing:pagerduty.alertGrouping.windowMinutes: is too small: the shortest window is 1 minute; 0 (group until the incident resolves) is not offered",
  );
});

it("a catalogue that is a directory, or outside the project, is refused by name before anything is declared", async () => {
  await assertRefused((values) => {
    const verticals = structuredClone(values.verticals) as { catalogue: string }[];
    verticals[0].catalogue = "alerts";
    verticals[1].catalogue = "../outside.yaml";
    return { ...values, verticals };
  }, [
    'Pulumi.prod.yaml: agent-alert-routing:verticals[0].catalogue: "alerts" is a directory, not a file',
    `Pulumi.prod.yaml: agent-alert-routing:verticals[1].catalogue: "../outside.yaml" is outside the project: a path is relative to the project directory and stays inside it, or inside the stack file's directory`,
  ].join("\n"));
});

it("the PagerDuty token in plain stack config is refused before anything is declared", async () => {
  await assertRefused(
    (values) => values,
    "Pulumi.prod.yaml: pagerduty:token: must be a Pulumi secret; set it again with `pulumi config set --secret pagerduty:token <token>`",
    { "pagerduty:token": "u+PlainTokenValue" },
  );
});
