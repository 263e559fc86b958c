// The on-call plan: coverage from tiers, users declared once, SEV1 within budget, services per team.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ValidationError } from "../../core/errors";
import { buildModel } from "../../input/model";
import { buildPlan, type RoutePlan } from "../../plan/plan";
import { stackInput } from "../support/stack";

type Config = {
  teams: {
    id: string;
    members: { email: string; existing?: boolean }[];
    escalation: { delayMinutes?: number; secondary?: string[] };
  }[];
  toolOwners: Record<string, string>;
  tiers: Record<string, Record<string, unknown>>;
  pagerduty: Record<string, unknown>;
};

function planWith(change: (config: Config) => void) {
  const input = stackInput("prod");
  change(input.config as unknown as Config);
  return buildPlan(buildModel(input));
}

function receiversOf(route: RoutePlan, into = new Set<string>()): Set<string> {
  if (route.receiver) into.add(route.receiver);
  for (const child of route.routes ?? []) receiversOf(child, into);
  return into;
}

describe("on-call coverage", () => {
  it("a team whose alerts all come from an e-mail-only tier gets no rotation, no service and no page", () => {
    // sms alerts exist only in salon, a trial vertical.
    const plan = planWith((config) => {
      config.teams.push({ ...structuredClone(config.teams[3]), id: "sms-owners" } as Config["teams"][number]);
      (config.teams[config.teams.length - 1] as Record<string, unknown>).slackChannel = "#oncall-sms";
      config.toolOwners.sms = "sms-owners";
    });
    const team = plan.onCall.teams.find((candidate) => candidate.team === "sms-owners");
    assert.ok(team);
    assert.equal(team.coverage.kind, "email-only");
    assert.equal(team.schedule, undefined);
    assert.deepEqual(team.services, []);
    assert.deepEqual(team.policies, []);
    const reached = [...receiversOf(plan.route)].filter((name) => name.startsWith("sms-owners"));
    assert.ok(reached.includes("sms-owners-email"));
    const paging = new Set(
      plan.receivers.filter((receiver) => receiver.pagerduty).map((receiver) => receiver.name),
    );
    assert.deepEqual(
      reached.filter((name) => paging.has(name)),
      [],
      "a team nobody is on call for must not be paged",
    );
  });

  it("a team paged under business tiers with different hours is refused, naming the tier", () => {
    assert.throws(
      () =>
        planWith((config) => {
          config.tiers.business.end = "17:00";
          config.tiers["business-eu"] = { ...config.tiers.business, timeZone: "Europe/Berlin" };
          // Every vertical of its alerts is business-tier, so platform's coverage is business hours.
          for (const vertical of (config as unknown as { verticals: { tiers: string[]; id: string }[] })
            .verticals) {
            vertical.tiers = [vertical.id === "sales" ? "business-eu" : "business"];
          }
        }),
      (error: unknown) =>
        error instanceof ValidationError &&
        /agent-alert-routing:tiers\.business-eu: team "platform" is paged under tiers "business" and "business-eu"/.test(
          error.message,
        ),
    );
  });
});

describe("escalation", () => {
  it("keeps SEV1's first two levels within the executive budget, however long the team's delay", () => {
    const plan = planWith((config) => {
      config.pagerduty.sev1ExecutiveWithinMinutes = 7;
      for (const team of config.teams) team.escalation.delayMinutes = 60;
    });
    for (const team of plan.onCall.teams) {
      const sev1 = team.policies.find((policy) => policy.kind === "sev1");
      if (!sev1) continue;
      const delays = sev1.levels.map((level) => level.delayMinutes);
      assert.ok(delays[0] + delays[1] <= 7, `${team.team}: ${delays.join(", ")}`);
      assert.deepEqual(sev1.levels[2].targets, [{ kind: "schedule", team: "exec" }]);
    }
  });

  it("declares each user once, in the first team that names them, even as a secondary", () => {
    const plan = planWith((config) => {
      // platform (declared early) names an integrations member (declared later) as its secondary.
      config.teams[0].escalation.secondary = ["gita.rao@callsphere.example"];
      config.pagerduty.createUsers = true;
    });
    const gita = plan.onCall.users.filter((user) => user.email === "gita.rao@callsphere.example");
    assert.equal(gita.length, 1);
    assert.equal(gita[0].homeTeam, "platform");
    assert.equal(gita[0].existing, false, "a member is created, even when first named as a secondary");
    const order = plan.onCall.teams.map((team) => team.team);
    assert.equal(order[0], "exec", "the executive's rotation must exist before the SEV1 policies");
  });

  it("looks up every user by default, creates those the stack or the member says to, never a secondary", () => {
    const existing = (plan: ReturnType<typeof planWith>) =>
      Object.fromEntries(plan.onCall.users.map((user) => [user.email, user.existing]));
    const byDefault = existing(planWith(() => undefined));
    assert.ok(Object.values(byDefault).every(Boolean), "prod, without createUsers, creates someone");
    const created = existing(
      planWith((config) => {
        config.pagerduty.createUsers = true;
      }),
    );
    assert.equal(created["ana.ruiz@callsphere.example"], false);
    assert.equal(created["ceo@callsphere.example"], true, "existing: true wins over createUsers");
    assert.equal(created["sre-lead@callsphere.example"], true, "a secondary who is no member is looked up");
    const newHire = existing(
      planWith((config) => {
        config.teams[0].members[0].existing = false;
      }),
    );
    assert.equal(newHire["ana.ruiz@callsphere.example"], false, "existing: false wins over the default");
    assert.equal(newHire["ben.okafor@callsphere.example"], true);
  });

  it("declares one service per paging receiver: PagerDuty objects follow teams, not alerts", () => {
    const plan = planWith(() => undefined);
    const paging = plan.receivers.filter((receiver) => receiver.pagerduty).map((receiver) => receiver.name);
    const services = plan.onCall.teams.flatMap((team) => team.services.map((service) => service.receiver));
    assert.deepEqual(services.sort(), paging.sort());
  });
});

describe("alert grouping", () => {
  const servicesOf = (plan: ReturnType<typeof planWith>) =>
    plan.onCall.teams.flatMap((team) => team.services);

  it("groups every service's alerts by time in the configured window, team and SEV1 services alike", () => {
    const plan = planWith((config) => {
      config.pagerduty.alertGrouping = { windowMinutes: 10 };
    });
    const services = servicesOf(plan);
    assert.ok(services.some((service) => service.policy === "sev1"));
    assert.ok(services.some((service) => service.policy === "default"));
    for (const service of services) {
      assert.deepEqual(service.alertGrouping, { type: "time", timeoutMinutes: 10 }, service.receiver);
    }
  });

  it("groups nothing without the setting: every alert opens its own incident", () => {
    const plan = planWith((config) => {
      delete config.pagerduty.alertGrouping;
    });
    const services = servicesOf(plan);
    assert.ok(services.length > 0);
    for (const service of services) assert.ok(!("alertGrouping" in service), service.receiver);
  });
});
