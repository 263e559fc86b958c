// The routing plan: stable route keys, tier gating, receivers, inhibition and rule labels.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import yaml from "js-yaml";
import { formatMatcher } from "../../alertmanager/matchers";
import { routeKeys } from "../../alertmanager/routeKeys";
import { alertsOf } from "../../core/rules";
import { buildModel, strictestTier } from "../../input/model";
import { type AlertingPlan, buildPlan, type RoutePlan } from "../../plan/plan";
import { alertmanagerConfig, renderAlertmanagerYaml } from "../../render/alertmanager";
import { stackInput } from "../support/stack";
import { PROJECT_DIR } from "../support/tools";

const prodPlan = () => buildPlan(buildModel(stackInput("prod")));

/**
 * Route keys as Alertmanager builds them, each with its receiver. A business-hours pager route and
 * its off-hours twin share a key (same matchers), which is harmless because the notification log is
 * kept per receiver and only the pager route pages; so `<key> -> <receiver>` must be unique.
 */
function routeKeySet(plan: AlertingPlan): Set<string> {
  const entries = routeKeys(alertmanagerConfig(plan).route).map(
    ({ key, receiver }) => `${key} -> ${receiver}`,
  );
  const duplicate = entries.find((entry, i) => entries.indexOf(entry) !== i);
  assert.equal(
    duplicate,
    undefined,
    `two routes share the key and receiver ${duplicate}; their incidents would merge`,
  );
  return new Set(entries);
}

function walkRoutes(
  route: RoutePlan,
  visit: (route: RoutePlan, ancestors: RoutePlan[]) => void,
  ancestors: RoutePlan[] = [],
) {
  visit(route, ancestors);
  for (const child of route.routes ?? []) walkRoutes(child, visit, [...ancestors, route]);
}

describe("route keys", () => {
  it("stay the same when a vertical, an alert, a team and a tool owner are added", () => {
    const before = routeKeySet(prodPlan());
    const insurance = fs
      .readFileSync(path.join(PROJECT_DIR, "alerts", "salon.yaml"), "utf8")
      .replaceAll("Salon", "Insurance")
      .replaceAll('"salon"', '"insurance"');
    const healthcare = fs
      .readFileSync(path.join(PROJECT_DIR, "alerts", "healthcare.yaml"), "utf8")
      .replace(
        "groups:\n",
        "groups:\n  - name: extra\n    rules:\n      - alert: HealthcareExtraAlert\n        expr: up == 0\n        for: 5m\n        labels: { alert_type: infra, severity: critical }\n",
      );
    const input = stackInput("prod", {
      "alerts/insurance.yaml": insurance,
      "alerts/healthcare-more.yaml": healthcare,
    });
    const config = input.config as {
      verticals: Record<string, unknown>[];
      teams: Record<string, unknown>[];
      toolOwners: Record<string, string>;
    };
    config.verticals.push({
      id: "insurance",
      tiers: ["business"],
      namespace: "insurance",
      catalogue: "alerts/insurance.yaml",
    });
    config.verticals[0].catalogue = "alerts/healthcare-more.yaml";
    config.teams.push({
      ...config.teams[3],
      id: "billing-owners",
      name: "Billing",
      slackChannel: "#oncall-billing",
    });
    config.toolOwners.billing = "billing-owners";
    const after = routeKeySet(buildPlan(buildModel(input)));
    assert.ok(after.size > before.size);
    for (const entry of before)
      assert.ok(after.has(entry), `route ${entry} was re-keyed or changed receiver`);
  });
});

describe("tiers", () => {
  const plan = prodPlan();

  it("an e-mail-only tier never reaches a receiver that pages", () => {
    const paging = new Set(
      plan.receivers.filter((receiver) => receiver.pagerduty).map((receiver) => receiver.name),
    );
    let checked = 0;
    walkRoutes(plan.route, (route, ancestors) => {
      const trial = [...ancestors, route].some((node) =>
        node.matchers.some((m) => m.name === "tier" && m.value === "trial"),
      );
      if (trial && route.receiver) {
        checked++;
        assert.ok(!paging.has(route.receiver), `${route.receiver} pages under tier=trial`);
      }
    });
    assert.ok(checked > 0);
  });

  it("a business-hours page is a pager route active in hours that continues to its muted twin", () => {
    let pairs = 0;
    walkRoutes(plan.route, (route) => {
      const children = route.routes ?? [];
      children.forEach((child, i) => {
        if (!child.activeTimeIntervals) return;
        pairs++;
        const twin = children[i + 1];
        assert.equal(child.continue, true);
        assert.deepEqual(twin.matchers, child.matchers);
        assert.deepEqual(twin.muteTimeIntervals, child.activeTimeIntervals);
        assert.match(twin.receiver ?? "", /-offhours$/);
        assert.ok(
          plan.receivers.find((receiver) => receiver.name === twin.receiver)?.email,
          "off hours must e-mail",
        );
      });
    });
    assert.ok(pairs > 0);
  });

  it("business hours come from the tier: zone, days and clock", () => {
    assert.deepEqual(plan.timeIntervals, [
      {
        name: "business-hours",
        tier: "business",
        hours: {
          timeZone: "America/New_York",
          days: ["monday", "tuesday", "wednesday", "thursday", "friday"],
          start: "09:00",
          end: "18:00",
        },
      },
    ]);
  });

  it("SEV1 routes exist only in verticals that escalate to exec", () => {
    for (const { vertical, route } of plan.verticalRoutes) {
      const sev1: string[] = [];
      walkRoutes(route, (node) => {
        if (node.receiver?.endsWith("-sev1")) sev1.push(node.receiver);
      });
      assert.equal(sev1.length > 0, vertical === "healthcare", vertical);
    }
  });
});

describe("receivers and inhibition", () => {
  const plan = prodPlan();

  it("every receiver is referenced by a route and every route's receiver exists", () => {
    const referenced = new Set<string>();
    walkRoutes(plan.route, (route) => {
      if (route.receiver) referenced.add(route.receiver);
    });
    assert.deepEqual([...referenced].sort(), plan.receivers.map((receiver) => receiver.name).sort());
  });

  it("names every receiver <team> or <team>-<qualifier>", () => {
    const teams = ["platform", "ai-eng", "integrations", "crm-owners", "calendar-owners", "exec"];
    for (const receiver of plan.receivers) {
      assert.ok(teams.includes(receiver.team));
      assert.ok(
        receiver.name === receiver.team || receiver.name === `${receiver.team}-${receiver.qualifier}`,
        receiver.name,
      );
    }
  });

  it("holds back a vertical's symptoms behind its outage, and a symptom's weaker alerts behind its strongest, never hiding a P1 behind a lesser source", () => {
    const outage = ['alert_type="infra"', 'severity=~"critical|page"', 'impact="vertical"'];
    const critical = 'severity=~"critical|page"';
    const symptomEqual = ["symptom", "vertical", "customer"];
    assert.deepEqual(
      plan.inhibitRules.map((rule) => ({
        source: rule.sourceMatchers.map(formatMatcher),
        target: rule.targetMatchers.map(formatMatcher),
        equal: rule.equal,
      })),
      [
        {
          source: [...outage, 'priority!="P1"', 'customer=""'],
          target: ['alert_type=~"model|tool"', 'priority!="P1"'],
          equal: ["vertical"],
        },
        {
          source: [...outage, 'priority!="P1"', 'customer=~".+"'],
          target: ['alert_type=~"model|tool"', 'priority!="P1"'],
          equal: ["vertical", "customer"],
        },
        {
          source: [...outage, 'priority="P1"', 'customer=""'],
          target: ['alert_type=~"model|tool"'],
          equal: ["vertical"],
        },
        {
          source: [...outage, 'priority="P1"', 'customer=~".+"'],
          target: ['alert_type=~"model|tool"'],
          equal: ["vertical", "customer"],
        },
        {
          source: ['symptom=~".+"', critical, 'priority="P1"'],
          target: ['symptom=~".+"', 'priority!="P1"'],
          equal: symptomEqual,
        },
        {
          source: ['symptom=~".+"', critical, 'priority!="P1"'],
          target: ['symptom=~".+"', 'severity="warning"', 'priority!="P1"'],
          equal: symptomEqual,
        },
        {
          source: ['symptom=~".+"', critical, 'priority!="P1"', 'slo=~".+"'],
          target: ['symptom=~".+"', critical, 'priority!="P1"', 'slo=""'],
          equal: symptomEqual,
        },
      ],
    );
  });

  it("refers to every secret by file and sends resolved to Slack and e-mail", () => {
    const config = yaml.load(renderAlertmanagerYaml(plan)) as {
      receivers: {
        name: string;
        slack_configs?: { send_resolved?: boolean }[];
        email_configs?: { send_resolved?: boolean }[];
      }[];
    };
    const text = JSON.stringify(config);
    assert.doesNotMatch(text, /"(routing_key|service_key|api_url|auth_password|smtp_auth_password)"/);
    for (const receiver of config.receivers) {
      for (const slack of receiver.slack_configs ?? [])
        assert.equal(slack.send_resolved, true, receiver.name);
      for (const email of receiver.email_configs ?? [])
        assert.equal(email.send_resolved, true, receiver.name);
    }
  });
});

describe("rule files", () => {
  it("fill vertical and team from the plan and name groups <vertical>-<group>", () => {
    const model = buildModel(stackInput("prod"));
    const plan = buildPlan(model);
    for (const vertical of model.verticals) {
      const file = plan.ruleFiles.find((candidate) => candidate.vertical === vertical.id);
      assert.ok(file);
      assert.deepEqual(
        file.groups.map((group) => group.name),
        vertical.groups.map((group) => `${vertical.id}-${group.name}`),
      );
      const rendered = file.groups.flatMap((group) => group.rules).filter((rule) => rule.alert);
      assert.equal(rendered.length, alertsOf(vertical).length);
      for (const rule of rendered) {
        assert.equal(rule.labels?.vertical, vertical.id, rule.alert);
        assert.ok(
          ["platform", "ai-eng", "integrations", "crm-owners", "calendar-owners"].includes(
            rule.labels?.team ?? "",
          ),
        );
      }
    }
  });
});

describe("the strictest tier a vertical sells", () => {
  const tiers = {
    enterprise: { coverage: "24x7" as const },
    business: {
      coverage: "business-hours" as const,
      timeZone: "America/New_York",
      days: ["monday" as const],
      start: "09:00",
      end: "17:00",
    },
    trial: { coverage: "email-only" as const },
    pilot: { coverage: "24x7" as const },
  };
  it("is 24x7 before business hours before e-mail, whatever the order they are listed in", () => {
    assert.equal(strictestTier(["trial", "business"], tiers), "business");
    assert.equal(strictestTier(["trial", "business", "enterprise"], tiers), "enterprise");
    assert.equal(strictestTier(["trial"], tiers), "trial");
  });
  it("is the first listed of two equally strict tiers", () => {
    assert.equal(strictestTier(["pilot", "enterprise"], tiers), "pilot");
    assert.equal(strictestTier(["enterprise", "pilot"], tiers), "enterprise");
  });
});
