// The staging program: business-hours coverage reaches the rotation, the urgency and the routes,
// and nothing is protected, so the stack stays disposable.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import yaml from "js-yaml";
import type { ProgramRun } from "../../cli/mockEngine";
import { named, ofType, PD, runStack } from "../support/program";

let run: ProgramRun;

before(async () => {
  run = await runStack("staging");
});

interface ScheduleInputs {
  timeZone: string;
  layers: {
    name: string;
    restrictions?: {
      type: string;
      startDayOfWeek: number;
      startTimeOfDay: string;
      durationSeconds: number;
    }[];
  }[];
}

describe("the staging program", () => {
  it("restricts each paged team's rotation to the business hours of its tiers, in their zone", () => {
    const schedule = named(run, "alert-routing-platform-rotation-schedule")
      .inputs as unknown as ScheduleInputs;
    assert.equal(schedule.timeZone, "America/New_York");
    assert.deepEqual(
      schedule.layers[0].restrictions,
      [1, 2, 3, 4, 5].map((day) => ({
        type: "weekly_restriction",
        startDayOfWeek: day,
        startTimeOfDay: "09:00:00",
        durationSeconds: 8 * 3600,
      })),
    );
  });

  it("keeps high urgency in support hours and low outside, switching back when they start", () => {
    const service = named(run, "alert-routing-platform-service-platform").inputs;
    assert.deepEqual(service.incidentUrgencyRule, {
      type: "use_support_hours",
      duringSupportHours: { type: "constant", urgency: "high" },
      outsideSupportHours: { type: "constant", urgency: "low" },
    });
    assert.deepEqual(service.supportHours, {
      type: "fixed_time_per_day",
      timeZone: "America/New_York",
      daysOfWeeks: [1, 2, 3, 4, 5],
      startTime: "09:00:00",
      endTime: "17:00:00",
    });
    assert.deepEqual(service.scheduledActions, [
      {
        type: "urgency_change",
        toUrgency: "high",
        ats: [{ type: "named_time", name: "support_hours_start" }],
      },
    ]);
  });

  it("pages every team only inside its hours, even for an enterprise alert, since nobody is on call outside", () => {
    interface Route {
      receiver?: string;
      matchers?: string[];
      active_time_intervals?: string[];
      routes?: Route[];
    }
    const config = yaml.load(
      (named(run, "alert-routing-k8s-alertmanager").inputs.data as Record<string, string>)[
        "alertmanager.yaml"
      ],
    ) as { route: Route; receivers: { name: string; pagerduty_configs?: unknown[] }[] };
    const paging = new Set(config.receivers.filter((r) => r.pagerduty_configs).map((r) => r.name));
    const pagers: { route: Route; path: string[] }[] = [];
    const walk = (route: Route, path: string[]) => {
      if (route.receiver && paging.has(route.receiver)) pagers.push({ route, path });
      for (const child of route.routes ?? []) walk(child, [...path, ...(child.matchers ?? [])]);
    };
    walk(config.route, []);
    assert.ok(
      pagers.some(({ path }) => path.includes('tier="enterprise"')),
      "no enterprise pager route to check",
    );
    for (const { route, path } of pagers) {
      assert.deepEqual(route.active_time_intervals, ["business-hours"], path.join(" / "));
    }
  });

  it("delivers as ConfigMaps: one per vertical and one for the alerts about the alerting, each with its rules and route subtree, and the Alertmanager config", () => {
    const maps = ofType(run, "kubernetes:core/v1:ConfigMap");
    assert.deepEqual(maps.map((map) => map.name).sort(), [
      "alert-routing-k8s-alertmanager",
      "alert-routing-k8s-rules-alerting-0",
      "alert-routing-k8s-rules-healthcare-0",
      "alert-routing-k8s-rules-real-estate-0",
      "alert-routing-k8s-rules-sales-0",
    ]);
    const sales = named(run, "alert-routing-k8s-rules-sales-0");
    assert.deepEqual(Object.keys(sales.inputs.data as object).sort(), [
      "sales-0.rules.yaml",
      "sales.route.yaml",
    ]);
    assert.equal((sales.inputs.metadata as { namespace: string }).namespace, "monitoring-staging");
    const alerting = named(run, "alert-routing-k8s-rules-alerting-0").inputs.data as Record<string, string>;
    assert.match(alerting["alerting-0.rules.yaml"], /alert: AlertingNotificationsFailing/);
    assert.match(alerting["alerting.route.yaml"], /integration="pagerduty"/);
    assert.equal(ofType(run, "kubernetes:monitoring.coreos.com/v1:PrometheusRule").length, 0);
    const text = (named(run, "alert-routing-k8s-alertmanager").inputs.data as Record<string, string>)[
      "alertmanager.yaml"
    ];
    assert.match(text, /routing_key_file: \/etc\/alertmanager\/secrets\/pagerduty-platform\.key/);
    assert.doesNotMatch(JSON.stringify(maps), /test-secret\/|integration-key-of-/);
    const [namespace] = ofType(run, "kubernetes:core/v1:Namespace");
    // Its Prometheus mounts these ConfigMaps, so it runs in the namespace, which the stack adopts.
    assert.equal(namespace.importId, "monitoring-staging", "staging adopts its namespace");
  });

  it("groups no alerts, since alert grouping needs a PagerDuty plan that offers it", () => {
    const services = ofType(run, PD.service);
    assert.ok(services.length > 0);
    for (const service of services) {
      for (const input of ["alertGroupingParameters", "alertGrouping", "alertGroupingTimeout"]) {
        assert.ok(!(input in service.inputs), `${service.name} sets ${input}`);
      }
    }
    const summary = String(run.outputs.summary);
    const rows = summary
      .split("\n")
      .filter((line) => line.startsWith("| [staging] ") && line.includes(" min |"));
    assert.equal(rows.length, services.length);
    for (const row of rows) assert.match(row, /\| off \|$/);
    assert.doesNotMatch(summary, /pagerduty\.alertGrouping/);
  });

  it("protects nothing and names everything for the stack", () => {
    assert.ok(!run.resources.some((resource) => resource.protect));
    for (const type of [PD.team, PD.schedule, PD.policy, PD.service]) {
      for (const resource of ofType(run, type)) assert.match(String(resource.inputs.name), /^\[staging\] /);
    }
    assert.equal(ofType(run, PD.user).length, 0, "staging looks its users up; prod owns them");
  });
});
