// The PagerDuty policies at their edges, on hand-made stacks: services at exactly the limit per
// team, escalation policies without levels or with a mixed first level, and alert grouping windows
// at their bound, absent, or not asked for.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RESOURCE_TYPES } from "../../core/conventions";
import { alertGroupingPolicy, escalationLevelsPolicy, servicesPerTeamPolicy } from "../../policies/pagerduty";
import { policyMessages, resource } from "../support/handMadeStack";

const messages = policyMessages;

describe("services-per-team", () => {
  const stack = (teams: number, services: number) => [
    ...Array.from({ length: teams }, (_, i) =>
      resource(RESOURCE_TYPES.team, `team-${i}`, { name: `Team ${i}` }),
    ),
    ...Array.from({ length: services }, (_, i) =>
      resource(RESOURCE_TYPES.service, `service-${i}`, { name: `Service ${i}` }),
    ),
  ];

  it("takes exactly the limit per team, and refuses one more", () => {
    assert.deepEqual(messages(servicesPerTeamPolicy, stack(2, 4)), []);
    assert.deepEqual(messages(servicesPerTeamPolicy, stack(2, 5)), [
      "5 PagerDuty services for 2 teams exceeds 2 per team; services must not follow alerts.",
    ]);
    assert.deepEqual(messages(servicesPerTeamPolicy, stack(2, 5), { maxServicesPerTeam: 3 }), []);
  });
});

describe("escalation-has-levels", () => {
  const policy = (rules: unknown) =>
    resource(RESOURCE_TYPES.escalationPolicy, "policy", { name: "Sales", rules });
  const schedule = { type: "schedule_reference", id: "S1" };
  const user = { type: "user_reference", id: "U1" };

  it("refuses a policy without levels, or whose first level has no targets, without failing itself", () => {
    assert.deepEqual(messages(escalationLevelsPolicy, [policy(undefined)]), [
      "Escalation policy Sales has 0 level(s); it needs at least 2.",
      "Escalation policy Sales does not start with an on-call schedule.",
    ]);
    assert.deepEqual(
      messages(escalationLevelsPolicy, [policy([{ escalationDelayInMinutes: 30 }, { targets: [user] }])]),
      ["Escalation policy Sales does not start with an on-call schedule."],
    );
  });

  it("takes a first level that holds the schedule beside a person", () => {
    assert.deepEqual(
      messages(escalationLevelsPolicy, [policy([{ targets: [user, schedule] }, { targets: [user] }])]),
      [],
    );
  });
});

describe("alert-grouping-window", () => {
  const service = (alertGroupingParameters: unknown) =>
    resource(RESOURCE_TYPES.service, "service", { name: "Sales", alertGroupingParameters });

  it("refuses grouping by time without a window, even when its config is null", () => {
    for (const grouping of [
      { type: "time", config: null },
      { type: "time", config: { timeout: 0 } },
      { type: "intelligent" },
    ])
      assert.deepEqual(messages(alertGroupingPolicy, [service(grouping)]), [
        "Service Sales groups alerts with no time window, so a new alert can join an acknowledged incident and page nobody.",
      ]);
  });

  it("takes a one-minute window when one minute is asked, and any window when none is", () => {
    const oneMinute = service({ type: "time", config: { timeout: 1 } });
    assert.deepEqual(messages(alertGroupingPolicy, [oneMinute], { windowMinutes: 1 }), []);
    assert.deepEqual(messages(alertGroupingPolicy, [service({ type: "time", config: { timeout: 5 } })]), []);
    assert.deepEqual(messages(alertGroupingPolicy, [service(null)]), []);
    assert.deepEqual(messages(alertGroupingPolicy, [service(null)], { windowMinutes: 5 }), [
      "Service Sales groups no alerts; the stack groups them within 5 minutes.",
    ]);
  });
});
