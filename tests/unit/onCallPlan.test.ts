// The PagerDuty on-call plan, object by object: the executive team declared first; each user once,
// as the first team that names them spells them; one rotation per paged team, 24x7 or restricted to
// its tier's business hours, anchored to a fixed Monday at the configured hand-off; a default and a
// SEV1 escalation policy whose first two levels share the executive budget; one service per paging
// receiver; a Slack channel only where a receiver posts; a business service per vertical.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildOnCallPlan, type OnCallPlan, zonedTimestamp } from "../../plan/onCall";
import { buildPlan } from "../../plan/plan";
import { baseConfig, buildOk, makeInput } from "./fixtures";

type Team = Record<string, unknown> & {
  members: Record<string, unknown>[];
  rotation?: Record<string, unknown>;
  escalation: Record<string, unknown>;
};

/** The plan of the fixture config after `change`: platform and crm-owners are teams[0] and teams[3]. */
function planWith(change: (config: Record<string, unknown>, teams: Team[]) => void = () => undefined) {
  const config = baseConfig();
  change(config, config.teams as Team[]);
  return buildPlan(buildOk(makeInput(config)));
}

const teamOf = (plan: { onCall: OnCallPlan }, id: string) => {
  const team = plan.onCall.teams.find((candidate) => candidate.team === id);
  assert.ok(team, `no team ${id}`);
  return team;
};

const PLATFORM = [
  "ana.ruiz@callsphere.example",
  "ben.okafor@callsphere.example",
  "chen.wei@callsphere.example",
];
const MANAGED = "Managed by agent-alert-routing, stack test.";
const schedule = (team: string) => ({ kind: "schedule", team });
const users = (emails: string[]) => emails.map((email) => ({ kind: "user", email }));
const GROUPED = { type: "time", timeoutMinutes: 5 };
const HIGH = { kind: "constant", urgency: "high" };

describe("the teams of the on-call plan", () => {
  const plan = planWith();

  it("declares the executive team first, then the others in config order", () => {
    assert.deepEqual(
      plan.onCall.teams.map((team) => team.team),
      ["exec", "platform", "ai-eng", "integrations", "crm-owners", "calendar-owners"],
    );
  });

  it("gives a 24x7 team a round-the-clock rotation from the first member's zone, both policies and its services", () => {
    assert.deepEqual(teamOf(plan, "platform"), {
      team: "platform",
      name: "Platform",
      description: "Platform, managed by agent-alert-routing.",
      coverage: { kind: "24x7" },
      members: PLATFORM,
      schedule: {
        name: "Platform on-call",
        timeZone: "America/New_York",
        layers: [
          {
            name: "24x7",
            start: "2024-01-01T09:00:00-05:00",
            rotationVirtualStart: "2024-01-01T09:00:00-05:00",
            rotationTurnLengthSeconds: 7 * 24 * 3600,
            users: PLATFORM,
            restrictions: [],
          },
        ],
      },
      policies: [
        {
          kind: "default",
          name: "Platform",
          numLoops: 2,
          levels: [
            { delayMinutes: 15, targets: [schedule("platform")] },
            { delayMinutes: 15, targets: users(["sre-lead@callsphere.example"]) },
          ],
        },
        {
          kind: "sev1",
          name: "Platform SEV1",
          numLoops: 2,
          levels: [
            { delayMinutes: 15, targets: [schedule("platform")] },
            { delayMinutes: 15, targets: users(["sre-lead@callsphere.example"]) },
            { delayMinutes: 15, targets: [schedule("exec")] },
          ],
        },
      ],
      services: [
        {
          receiver: "platform",
          name: "Platform",
          description: `Alerts routed to Platform by Alertmanager (receiver platform). ${MANAGED}`,
          policy: "default",
          urgency: HIGH,
          autoResolveTimeoutSeconds: 240 * 60,
          acknowledgementTimeoutSeconds: 30 * 60,
          alertGrouping: GROUPED,
        },
        {
          receiver: "platform-sev1",
          name: "Platform SEV1",
          description: `SEV1 alerts routed to Platform by Alertmanager (receiver platform-sev1). ${MANAGED}`,
          policy: "sev1",
          urgency: HIGH,
          autoResolveTimeoutSeconds: 240 * 60,
          acknowledgementTimeoutSeconds: 30 * 60,
          alertGrouping: GROUPED,
        },
      ],
      slackChannel: {
        name: "oncall-platform",
        topic: "On-call alerts for Platform",
        purpose: "Alertmanager notifications for team platform, managed by agent-alert-routing.",
      },
    });
  });

  it("gives a team without SEV1 alerts only the default policy, and the executives a rotation but no policy", () => {
    const ai = teamOf(plan, "ai-eng");
    assert.deepEqual(ai.policies, [
      {
        kind: "default",
        name: "AI Engineering",
        numLoops: 2,
        levels: [
          { delayMinutes: 10, targets: [schedule("ai-eng")] },
          { delayMinutes: 10, targets: users(["ml-lead@callsphere.example"]) },
        ],
      },
    ]);
    assert.deepEqual(
      ai.services.map((service) => [service.receiver, service.policy]),
      [["ai-eng", "default"]],
    );
    assert.equal(ai.schedule?.layers[0].start, "2024-01-01T10:00:00-05:00", "the 10:00 hand-off");
    const exec = teamOf(plan, "exec");
    assert.deepEqual(exec.schedule?.layers[0].users, ["ceo@callsphere.example"]);
    assert.deepEqual([exec.policies, exec.services, "slackChannel" in exec], [[], [], false]);
  });

  it("gives an e-mail-only team no rotation, policy, service or Slack channel", () => {
    assert.deepEqual(teamOf(plan, "integrations"), {
      team: "integrations",
      name: "Integrations",
      description: "Integrations, managed by agent-alert-routing.",
      coverage: { kind: "email-only" },
      members: ["gita.rao@callsphere.example", "hugo.martin@callsphere.example"],
      schedule: undefined,
      policies: [],
      services: [],
    });
  });

  it("declares each user once, with their name and zone, and looks up a bare secondary in UTC", () => {
    assert.deepEqual(
      plan.onCall.users.map((user) => [user.email, user.name, user.timeZone, user.existing, user.homeTeam]),
      [
        ["ceo@callsphere.example", "Maya Chen", "America/New_York", true, "exec"],
        ["ana.ruiz@callsphere.example", "Ana Ruiz", "America/New_York", true, "platform"],
        ["ben.okafor@callsphere.example", "Ben Okafor", "Europe/London", true, "platform"],
        ["chen.wei@callsphere.example", "Chen Wei", "Asia/Singapore", true, "platform"],
        ["sre-lead@callsphere.example", "sre-lead@callsphere.example", "UTC", true, "platform"],
        ["dana.levi@callsphere.example", "Dana Levi", "America/New_York", true, "ai-eng"],
        ["emeka.obi@callsphere.example", "Emeka Obi", "America/Los_Angeles", true, "ai-eng"],
        ["farah.haddad@callsphere.example", "Farah Haddad", "Europe/Berlin", true, "ai-eng"],
        ["ml-lead@callsphere.example", "ml-lead@callsphere.example", "UTC", true, "ai-eng"],
        ["gita.rao@callsphere.example", "Gita Rao", "America/Chicago", true, "integrations"],
        ["hugo.martin@callsphere.example", "Hugo Martin", "Europe/Paris", true, "integrations"],
        [
          "integrations-lead@callsphere.example",
          "integrations-lead@callsphere.example",
          "UTC",
          true,
          "integrations",
        ],
        ["ines.costa@callsphere.example", "Ines Costa", "America/New_York", true, "crm-owners"],
        ["jon.park@callsphere.example", "Jon Park", "America/Denver", true, "crm-owners"],
        ["kofi.mensah@callsphere.example", "Kofi Mensah", "America/New_York", true, "calendar-owners"],
        ["lena.novak@callsphere.example", "Lena Novak", "Europe/Prague", true, "calendar-owners"],
      ],
    );
  });

  it("makes each vertical a business service on the team services its alerts page, sorted by service", () => {
    const description = (vertical: string) =>
      `The ${vertical} vertical as its customers see it: an incident on a team service its alerts page shows here. ${MANAGED}`;
    assert.deepEqual(plan.onCall.businessServices, [
      {
        vertical: "healthcare",
        name: "Healthcare",
        description: description("healthcare"),
        supporting: [
          { team: "ai-eng", service: "ai-eng" },
          { team: "platform", service: "platform" },
          { team: "platform", service: "platform-sev1" },
        ],
      },
      {
        vertical: "real-estate",
        name: "Real Estate",
        description: description("real-estate"),
        supporting: [
          { team: "ai-eng", service: "ai-eng" },
          { team: "platform", service: "platform" },
        ],
      },
    ]);
    assert.deepEqual([plan.onCall.protect, "slackWorkspaceId" in plan.onCall], [true, true]);
    assert.equal(plan.onCall.slackWorkspaceId, undefined);
  });
});

describe("stack settings of the on-call plan", () => {
  it("prefixes every PagerDuty name with the stack when no prefix is configured", () => {
    const plan = planWith((config) => {
      delete (config.pagerduty as Record<string, unknown>).namePrefix;
    });
    const platform = teamOf(plan, "platform");
    assert.deepEqual(
      [
        platform.name,
        platform.schedule?.name,
        ...platform.policies.map((policy) => policy.name),
        ...platform.services.map((service) => service.name),
        ...plan.onCall.businessServices.map((service) => service.name),
      ],
      [
        "[test] Platform",
        "[test] Platform on-call",
        "[test] Platform",
        "[test] Platform SEV1",
        "[test] Platform",
        "[test] Platform SEV1",
        "[test] Healthcare",
        "[test] Real Estate",
      ],
    );
  });

  it("uses a configured prefix as written, and passes timeouts, protection and the Slack workspace through", () => {
    const plan = planWith((config) => {
      config.pagerduty = {
        namePrefix: "CS ",
        protect: false,
        autoResolveTimeoutMinutes: 90,
        acknowledgementTimeoutMinutes: 12,
        sev1ExecutiveWithinMinutes: 30,
        slackWorkspaceId: "T0123ABCD",
      };
    });
    const ai = teamOf(plan, "ai-eng");
    assert.deepEqual(ai.services, [
      {
        receiver: "ai-eng",
        name: "CS AI Engineering",
        description: `Alerts routed to AI Engineering by Alertmanager (receiver ai-eng). ${MANAGED}`,
        policy: "default",
        urgency: HIGH,
        autoResolveTimeoutSeconds: 5400,
        acknowledgementTimeoutSeconds: 720,
      },
    ]);
    assert.deepEqual([ai.name, ai.schedule?.name], ["CS AI Engineering", "CS AI Engineering on-call"]);
    assert.deepEqual([plan.onCall.protect, plan.onCall.slackWorkspaceId], [false, "T0123ABCD"]);
  });

  it("declares a user first named with other capitals or details as the first team spells them, looked up if any team says so", () => {
    const plan = planWith((config, teams) => {
      (config.pagerduty as Record<string, unknown>).createUsers = true;
      teams[0].members[1].existing = true;
      teams[0].escalation.secondary = ["Gita.Rao@callsphere.example"];
      teams[3].members.push(
        { name: "Ana R.", email: "ANA.RUIZ@callsphere.example", timeZone: "Europe/Madrid", existing: true },
        { name: "Ben O.", email: "ben.okafor@callsphere.example", timeZone: "Europe/Paris", existing: false },
      );
    });
    const summary = plan.onCall.users.map((user) => [user.email, user.name, user.timeZone, user.existing]);
    assert.deepEqual(summary.slice(1, 5), [
      ["ana.ruiz@callsphere.example", "Ana Ruiz", "America/New_York", true],
      ["ben.okafor@callsphere.example", "Ben Okafor", "Europe/London", true],
      ["chen.wei@callsphere.example", "Chen Wei", "Asia/Singapore", false],
      ["gita.rao@callsphere.example", "Gita Rao", "America/Chicago", false],
    ]);
    assert.deepEqual(plan.onCall.users.map((user) => `${user.email} ${user.homeTeam}`).slice(4, 6), [
      "gita.rao@callsphere.example platform",
      "dana.levi@callsphere.example ai-eng",
    ]);
    assert.equal(plan.onCall.users.length, 15, "sre-lead is no longer named; Ana and Ben appear once");
  });
});

describe("users listed by several teams", () => {
  /** Ana's `existing` once platform lists her with `first` and crm-owners again with `second`. */
  const anaExisting = (first: boolean | undefined, second: boolean | undefined) => {
    const plan = planWith((_config, teams) => {
      teams[0].members[0].existing = first;
      teams[3].members.push({
        name: "Ana Ruiz",
        email: "ana.ruiz@callsphere.example",
        timeZone: "America/New_York",
        existing: second,
      });
    });
    return plan.onCall.users.find((user) => user.email === "ana.ruiz@callsphere.example")?.existing;
  };

  it("are created when one listing says existing: false and the others say nothing", () => {
    assert.equal(anaExisting(false, undefined), false);
  });

  it("are looked up when a later listing says existing: true, though an earlier one says false", () => {
    assert.equal(anaExisting(false, true), true);
  });

  it("are looked up when a listing that says nothing meets a stack that looks everyone up", () => {
    assert.equal(anaExisting(undefined, undefined), true);
  });
});

describe("rotations", () => {
  it("restricts a business-hours team's rotation to its tier's days and hours, in the tier's zone", () => {
    const plan = planWith((config, teams) => {
      (config.verticals as Record<string, unknown>[])[0].tiers = ["business"];
      teams[0].rotation = {
        turnLengthDays: 14,
        handoffDay: "wednesday",
        handoffTime: "08:30",
        timeZone: "Europe/London",
      };
    });
    const platform = teamOf(plan, "platform");
    const weekday = (day: number) => ({
      type: "weekly_restriction",
      startDayOfWeek: day,
      startTimeOfDay: "09:00:00",
      durationSeconds: 9 * 3600,
    });
    assert.deepEqual(platform.schedule, {
      name: "Platform on-call",
      timeZone: "America/New_York",
      layers: [
        {
          name: "Business hours",
          start: "2024-01-03T08:30:00-05:00",
          rotationVirtualStart: "2024-01-03T08:30:00-05:00",
          rotationTurnLengthSeconds: 14 * 24 * 3600,
          users: PLATFORM,
          restrictions: [1, 2, 3, 4, 5].map(weekday),
        },
      ],
    });
    // Support hours keep PagerDuty in step with Alertmanager; a SEV1 pages at any hour.
    assert.deepEqual(
      platform.services.map((service) => [service.receiver, service.urgency]),
      [
        [
          "platform",
          {
            kind: "support-hours",
            supportHours: {
              type: "fixed_time_per_day",
              timeZone: "America/New_York",
              daysOfWeeks: [1, 2, 3, 4, 5],
              startTime: "09:00:00",
              endTime: "18:00:00",
            },
          },
        ],
        ["platform-sev1", HIGH],
      ],
    );
  });

  it("runs a 24x7 rotation in the rotation's own zone when it names one, at its hand-off day and time", () => {
    const plan = planWith((_config, teams) => {
      teams[0].rotation = { handoffDay: "sunday", handoffTime: "23:45", timeZone: "Asia/Kolkata" };
    });
    const platform = teamOf(plan, "platform");
    assert.equal(platform.schedule?.timeZone, "Asia/Kolkata");
    assert.deepEqual(
      platform.schedule?.layers.map((layer) => [layer.name, layer.start, layer.rotationTurnLengthSeconds]),
      [["24x7", "2024-01-07T23:45:00+05:30", 604800]],
    );
  });

  it("writes a hand-off as the anchor week's day and wall time with the zone's offset then", () => {
    assert.deepEqual(
      [
        zonedTimestamp(0, "09:00", "America/New_York"),
        zonedTimestamp(6, "23:45", "UTC"),
        zonedTimestamp(4, "00:15", "America/St_Johns"),
        zonedTimestamp(2, "07:05", "Australia/Sydney"),
      ],
      [
        "2024-01-01T09:00:00-05:00",
        "2024-01-07T23:45:00+00:00",
        "2024-01-05T00:15:00-03:30",
        "2024-01-03T07:05:00+11:00",
      ],
    );
  });
});

describe("escalation policies", () => {
  it("splits a short SEV1 budget over the first two levels, the remainder to the second, and escalates to all members without secondaries", () => {
    const plan = planWith((config, teams) => {
      (config.pagerduty as Record<string, unknown>).sev1ExecutiveWithinMinutes = 7;
      teams[0].escalation = { delayMinutes: 60, loops: 3, secondary: [] };
    });
    assert.deepEqual(teamOf(plan, "platform").policies, [
      {
        kind: "default",
        name: "Platform",
        numLoops: 3,
        levels: [
          { delayMinutes: 60, targets: [schedule("platform")] },
          { delayMinutes: 60, targets: users(PLATFORM) },
        ],
      },
      {
        kind: "sev1",
        name: "Platform SEV1",
        numLoops: 3,
        levels: [
          { delayMinutes: 3, targets: [schedule("platform")] },
          { delayMinutes: 4, targets: users(PLATFORM) },
          { delayMinutes: 60, targets: [schedule("exec")] },
        ],
      },
    ]);
  });

  it("keeps the team's own delay at SEV1 when it fits the budget", () => {
    const plan = planWith((_config, teams) => {
      teams[0].escalation.delayMinutes = 10;
    });
    const sev1 = teamOf(plan, "platform").policies.find((policy) => policy.kind === "sev1");
    assert.deepEqual(
      sev1?.levels.map((level) => level.delayMinutes),
      [10, 10, 10],
    );
  });
});

describe("the on-call plan of given coverages and receivers", () => {
  const model = buildOk(makeInput());
  const plan = buildPlan(model);

  it("treats a team without a coverage as e-mail only", () => {
    const onCall = buildOnCallPlan(model, new Map(), []);
    for (const team of onCall.teams) {
      assert.deepEqual(
        [team.coverage, team.schedule, team.policies, team.services, "slackChannel" in team],
        [{ kind: "email-only" }, undefined, [], [], false],
        team.team,
      );
    }
  });

  it("declares policies for the services a team has, and business services only on declared paging receivers", () => {
    const receivers = plan.receivers
      .filter((receiver) => receiver.name !== "platform")
      .map((receiver) => (receiver.name === "ai-eng" ? { ...receiver, pagerduty: undefined } : receiver));
    const onCall = buildOnCallPlan(model, plan.coverage, receivers);
    const platform = teamOf({ onCall }, "platform");
    assert.deepEqual(
      [platform.policies.map((policy) => policy.kind), platform.services.map((service) => service.receiver)],
      [["sev1"], ["platform-sev1"]],
    );
    const ai = teamOf({ onCall }, "ai-eng");
    assert.deepEqual([ai.policies, ai.services, ai.slackChannel?.name], [[], [], "oncall-ai-eng"]);
    assert.deepEqual(
      onCall.businessServices.map((service) => service.supporting),
      [[{ team: "platform", service: "platform-sev1" }], []],
    );
  });
});
