// A stack that creates its PagerDuty users (pagerduty.createUsers: a new account, or a sandbox):
// prod's teams under the real program, where each member without `existing: true` becomes a
// pagerduty.User and only the others, and the secondary responders, are asked of getUser.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { type ProgramRun, runProgram } from "../../cli/mockEngine";
import { ofType, PD, stackFileWithTestSecrets } from "../support/program";

interface Member {
  email: string;
  existing?: boolean;
}
interface Team {
  members: Member[];
  escalation: { secondary?: string[] };
}

const stackFile = stackFileWithTestSecrets("prod");
const values = structuredClone(stackFile.values);
(values.pagerduty as Record<string, unknown>).createUsers = true;
const teams = values.teams as Team[];
// One member says, against the stack's default, that PagerDuty knows them already.
teams[0].members[1].existing = true;
let run: ProgramRun;

before(async () => {
  run = await runProgram("prod", values, stackFile.secretKeys);
});

describe("pagerduty.createUsers", () => {
  const members = teams.flatMap((team) => team.members);
  const memberEmails = new Set(members.map((member) => member.email.toLowerCase()));

  it("creates each member not marked existing, once, with the e-mail, name and time zone of the stack", () => {
    const created = ofType(run, PD.user).map((user) => String(user.inputs.email).toLowerCase());
    const expected = [
      ...new Set(members.filter((m) => m.existing !== true).map((m) => m.email.toLowerCase())),
    ];
    assert.deepEqual(created.sort(), expected.sort());
    assert.ok(!created.includes(teams[0].members[1].email.toLowerCase()));
    for (const user of ofType(run, PD.user)) assert.equal(user.inputs.role, "user");
  });

  it("looks up only the members marked existing and the secondary responders who are no member", () => {
    const asked = run.lookups.map((lookup) => `${lookup.token} ${String(lookup.inputs.email).toLowerCase()}`);
    const secondaries = teams
      .flatMap((team) => team.escalation.secondary ?? [])
      .map((email) => email.toLowerCase())
      .filter((email) => !memberEmails.has(email));
    const expected = [
      ...members.filter((m) => m.existing === true).map((m) => m.email.toLowerCase()),
      ...new Set(secondaries),
    ].map((email) => `pagerduty:index/getUser:getUser ${email}`);
    assert.deepEqual(asked.sort(), [...new Set(expected)].sort());
  });
});
