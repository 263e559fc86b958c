// Static checks of the route tree: each planted defect in tests/fixtures/routing is reported, with
// the route's path; the clean fixture and the real stacks have no errors.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import yaml from "js-yaml";
import type { AmConfig } from "../../alertmanager/types";
import { buildModel } from "../../input/model";
import { buildPlan } from "../../plan/plan";
import { alertmanagerConfig } from "../../render/alertmanager";
import { type CatalogueAlert, type Finding, lintRoutes } from "../../review/lint";
import { reviewRouting } from "../../review/review";
import { stackInput } from "../support/stack";

const FIXTURES = path.join(__dirname, "..", "fixtures", "routing");
const TEAMS = ["platform", "ai-eng", "integrations", "crm-owners", "calendar-owners"];
const teamOf = (receiver: string) =>
  TEAMS.filter((team) => receiver === team || receiver.startsWith(`${team}-`)).sort(
    (a, b) => b.length - a.length,
  )[0] ?? receiver;

const ALERTS: CatalogueAlert[] = [
  {
    name: "SalesCrashLoop",
    labels: { alertname: "SalesCrashLoop", vertical: "sales", alert_type: "infra", severity: "critical" },
  },
  {
    name: "SalesIntentDrop",
    labels: { alertname: "SalesIntentDrop", vertical: "sales", alert_type: "model", severity: "critical" },
  },
  {
    name: "SalesCrmErrors",
    labels: {
      alertname: "SalesCrmErrors",
      vertical: "sales",
      alert_type: "tool",
      tool_name: "crm",
      severity: "critical",
    },
  },
  {
    name: "HealthcareFtl",
    labels: {
      alertname: "HealthcareFtl",
      vertical: "healthcare",
      alert_type: "model",
      severity: "critical",
      priority: "P1",
    },
  },
  {
    name: "Watchdog",
    labels: { alertname: "Watchdog", vertical: "sales", alert_type: "infra", severity: "info" },
  },
  {
    name: "CalendarErrors",
    labels: {
      alertname: "CalendarErrors",
      vertical: "sales",
      alert_type: "tool",
      tool_name: "calendar",
      severity: "warning",
    },
  },
];

function lintFixture(name: string): Finding[] {
  const config = yaml.load(fs.readFileSync(path.join(FIXTURES, `${name}.yaml`), "utf8")) as AmConfig;
  return lintRoutes({ config, alerts: ALERTS, teamOf });
}

describe("static checks on planted fixtures", () => {
  it("a clean tree has no findings", () => {
    assert.deepEqual(lintFixture("clean"), []);
  });

  const cases: { fixture: string; kind: Finding["kind"]; message: RegExp }[] = [
    {
      fixture: "shadowed",
      kind: "shadowed-route",
      message:
        /route\.routes\[0\]\.routes\[1\] .*priority="P1".* can never match: the earlier sibling route\.routes\[0\]\.routes\[0\]/,
    },
    {
      fixture: "duplicate",
      kind: "shadowed-route",
      message: /route\.routes\[1\] .*tool_name="crm".* can never match/,
    },
    {
      fixture: "catch-all-first",
      kind: "shadowed-route",
      message: /route\.routes\[0\]\.routes\[1\] .*tool_name="calendar".* can never match/,
    },
    {
      fixture: "unreferenced",
      kind: "unreferenced-receiver",
      message: /^receiver ai-eng-old is referenced by no route$/,
    },
    {
      fixture: "two-teams",
      kind: "multiple-teams",
      message: /^SalesIntentDrop .* is delivered to 2 teams: ai-eng, platform$/,
    },
    {
      fixture: "unused-value",
      kind: "unused-label-value",
      message: /route\.routes\[0\] .* routes tool_name="crn", which no catalogue alert carries/,
    },
  ];
  for (const c of cases) {
    it(`reports ${c.kind} in ${c.fixture}.yaml`, () => {
      const findings = lintFixture(c.fixture);
      const found = findings.filter((finding) => finding.kind === c.kind);
      assert.equal(found.length, 1, JSON.stringify(findings, null, 2));
      assert.match(found[0].message, c.message);
    });
  }

  it("does not call a business-hours pager route that continues a shadow of its twin", () => {
    const config: AmConfig = {
      route: {
        receiver: "platform-unrouted",
        routes: [
          {
            receiver: "platform",
            matchers: ['severity="critical"'],
            continue: true,
            active_time_intervals: ["business-hours"],
          },
          {
            receiver: "platform-offhours",
            matchers: ['severity="critical"'],
            mute_time_intervals: ["business-hours"],
          },
        ],
      },
      receivers: [{ name: "platform-unrouted" }, { name: "platform" }, { name: "platform-offhours" }],
      time_intervals: [{ name: "business-hours", time_intervals: [{ weekdays: ["monday:friday"] }] }],
    };
    const findings = lintRoutes({ config, alerts: ALERTS, teamOf });
    assert.deepEqual(
      findings.filter((finding) => finding.kind === "shadowed-route"),
      [],
    );
  });
});

describe("static checks on the real stacks", () => {
  for (const stack of ["prod", "staging"]) {
    it(`${stack} has no errors`, () => {
      const model = buildModel(stackInput(stack));
      const plan = buildPlan(model);
      const review = reviewRouting(model, plan, alertmanagerConfig(plan) as unknown as AmConfig);
      assert.deepEqual(
        review.findings.filter((finding) => finding.severity === "error"),
        [],
      );
    });
  }
});
