// The pack at edges prod never reaches. Tier coverage judges rules as declared, so a rule written
// `severity: page` (an alias of critical) must keep a 24x7 vertical's 24/7 path, and an info alert,
// which pages nobody by design, is not judged. A violation is located in catalogues of more than ten
// groups or rules, and at a recording rule by its record, unless its name is not one rule's. A leak
// is found past empty (null) fields, and never in two values read as one. Rule objects missing parts
// (no spec, no groups, no rules, no labels) are read as holding nothing, not refused; so are an
// Alertmanager config without inhibit rules and an alert without labels. A replica label in a
// nested route's group_by is named by that route's path. An SLO covers the metrics it reads, not the
// recording rules it reads, and a histogram's suffix counts only at the end of a name.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import yaml from "js-yaml";
import {
  ALERTMANAGER_CONFIG_KEY,
  RESOURCE_TYPES,
  STRICTEST_TIER_ANNOTATION,
  VERTICAL_LABEL,
} from "../../core/conventions";
import { buildModel } from "../../input/model";
import { sloCoveredThresholdPolicy } from "../../policies/catalogue";
import { sev1NeverHeldBackPolicy } from "../../policies/inhibition";
import { noPlainSecretsPolicy } from "../../policies/objects";
import { infraAlertsAvoidAiEngPolicy } from "../../policies/ownership";
import { groupByNoReplicaPolicy } from "../../policies/replicas";
import type { Violation } from "../../policies/run";
import { violationIssue } from "../../policies/sources";
import { tierCoveragePolicy } from "../../policies/tiers";
import { buildView } from "../../policies/view";
import { policyMessages, resource } from "../support/handMadeStack";
import { baseCatalogue, baseCatalogueTexts, baseConfig, HEALTHCARE_FILE, makeInput } from "../unit/fixtures";

const alertmanager = (config: object) =>
  resource(RESOURCE_TYPES.secret, "alertmanager", {
    stringData: { [ALERTMANAGER_CONFIG_KEY]: yaml.dump(config) },
  });

const rules = (vertical: string, strictestTier: string, list: Record<string, unknown>[]) =>
  resource(RESOURCE_TYPES.prometheusRule, `rules-${vertical}`, {
    metadata: {
      labels: { [VERTICAL_LABEL]: vertical },
      annotations: { [STRICTEST_TIER_ANNOTATION]: strictestTier },
    },
    spec: { groups: [{ name: `${vertical}-g`, rules: list }] },
  });

/** Pages untiered critical, page and info alerts in business hours only, and sends the rest to Slack. */
const businessHoursOnly = {
  route: {
    receiver: "slack",
    routes: [
      {
        receiver: "pager",
        matchers: ['severity=~"critical|page|info"', 'tier=""'],
        active_time_intervals: ["business-hours"],
      },
    ],
  },
  receivers: [{ name: "slack" }, { name: "pager", pagerduty_configs: [{ routing_key: "k" }] }],
  time_intervals: [
    {
      name: "business-hours",
      time_intervals: [
        {
          weekdays: ["monday:friday"],
          times: [{ start_time: "09:00", end_time: "18:00" }],
          location: "America/New_York",
        },
      ],
    },
  ],
};

describe("tier coverage of rules as declared", () => {
  it("holds a 24x7 vertical's alert written `severity: page` to a 24/7 path", () => {
    const stack = [
      alertmanager(businessHoursOnly),
      rules("sales", "enterprise", [{ alert: "SalesDown", expr: "up == 0", labels: { severity: "page" } }]),
    ];
    assert.deepEqual(policyMessages(tierCoveragePolicy, stack), [
      "Critical alert SalesDown of sales, whose strictest tier is 24x7, pages nobody at 2026-01-12T00:30:00.000Z.",
    ]);
  });

  it("does not judge an info alert, which pages nobody by design, even one a route pages", () => {
    const stack = [
      alertmanager(businessHoursOnly),
      rules("sales", "trial", [{ alert: "SalesNote", expr: "up == 0", labels: { severity: "info" } }]),
    ];
    assert.deepEqual(policyMessages(tierCoveragePolicy, stack), []);
    const critical = [
      alertmanager(businessHoursOnly),
      rules("sales", "trial", [{ alert: "SalesNote", expr: "up == 0", labels: { severity: "critical" } }]),
    ];
    assert.equal(
      policyMessages(tierCoveragePolicy, critical).length,
      1,
      "the same alert, critical, is judged",
    );
  });
});

describe("where a violation in a large catalogue was written", () => {
  const catalogue = baseCatalogue("Healthcare");
  for (let g = 0; g < 7; g++)
    catalogue.groups.push({
      name: `extra-${g}`,
      rules: [{ record: `vertical:extra_${g}:sum`, expr: "sum(callsphere_calls_total)" }],
    });
  catalogue.groups.push({
    name: "many",
    rules: Array.from({ length: 12 }, (_, r) => ({
      alert: `HealthcareMany${r}`,
      expr: "up == 0",
      labels: { alert_type: "infra", severity: "warning" },
      annotations: { summary: `Many ${r}` },
    })),
  });
  catalogue.groups.push({
    name: "records",
    rules: [
      { record: "vertical:calls:rate5m", expr: "sum(rate(callsphere_calls_total[5m]))" },
      { record: "vertical:errors:rate5m", expr: "sum(rate(callsphere_errors_total[5m]))" },
      { record: "vertical:errors:rate5m", expr: "sum(rate(callsphere_tool_errors_total[5m]))" },
    ],
  });
  const model = buildModel(
    makeInput(baseConfig(), { ...baseCatalogueTexts(), [HEALTHCARE_FILE]: yaml.dump(catalogue) }),
  );
  const located = (subject: Violation["subject"]) =>
    violationIssue({ policy: "p", enforcementLevel: "mandatory", message: "Wrong.", subject }, model);

  it("names groups and rules past the tenth, with the field", () => {
    const subject = {
      vertical: "healthcare",
      rule: { group: "healthcare-many", name: "HealthcareMany11" },
      field: "annotations.summary",
    };
    assert.deepEqual(located(subject), {
      file: HEALTHCARE_FILE,
      path: "groups[12].rules[11].annotations.summary",
      message: "Wrong. (mandatory policy p)",
    });
  });

  it("names a recording rule by its record, and the catalogue alone for a record two rules share", () => {
    const record = (name: string) => ({
      vertical: "healthcare",
      rule: { group: "healthcare-records", name },
      field: "expr",
    });
    assert.deepEqual(located(record("vertical:calls:rate5m")).path, "groups[13].rules[0].expr");
    assert.deepEqual(located(record("vertical:errors:rate5m")), {
      file: HEALTHCARE_FILE,
      path: "",
      message: "Wrong. (mandatory policy p)",
    });
  });
});

describe("secrets in objects with empty fields", () => {
  const SECRET = "routing-key-0123456789";
  const keys = resource(RESOURCE_TYPES.secret, "keys", { stringData: { key: SECRET } });

  it("finds a leak past a rule's empty labels and an object's empty value", () => {
    const rule = resource(RESOURCE_TYPES.prometheusRule, "rules", {
      metadata: { labels: { [VERTICAL_LABEL]: "sales" } },
      spec: {
        groups: [
          {
            name: "g",
            rules: [{ alert: "SalesX", expr: "up", labels: null, annotations: { runbook: SECRET } }],
          },
        ],
      },
    });
    const settings = resource(RESOURCE_TYPES.configMap, "settings", {
      metadata: null,
      data: { empty: null, unset: undefined, note: SECRET },
    });
    assert.deepEqual(policyMessages(noPlainSecretsPolicy, [keys, rule, settings]), [
      "Alert SalesX in sales: annotations.runbook contains a secret value.",
      "ConfigMap settings contains a secret value.",
    ]);
  });

  it("does not read two values as one: a secret split across them is not in either", () => {
    const split = resource(RESOURCE_TYPES.configMap, "split", {
      data: { first: SECRET.slice(0, 11), second: SECRET.slice(11) },
    });
    assert.deepEqual(policyMessages(noPlainSecretsPolicy, [keys, split]), []);
  });
});

describe("rule objects missing parts", () => {
  it("read as holding no rules, each object's vertical kept, an unlabelled one's as no vertical", () => {
    const object = (name: string, props: Record<string, unknown>) =>
      resource(RESOURCE_TYPES.prometheusRule, name, props);
    const labelled = (vertical: string) => ({
      labels: { [VERTICAL_LABEL]: vertical, "agent-alert-routing/shard": "1" },
    });
    const view = buildView([
      object("no-spec", { metadata: labelled("sales") }),
      object("no-groups", { metadata: labelled("salon"), spec: {} }),
      object("no-rules", {
        metadata: { labels: { [VERTICAL_LABEL]: "salon" } },
        spec: { groups: [{ name: "salon-g" }] },
      }),
      object("no-metadata", { spec: { groups: [{ name: "g", rules: [{ alert: "Stray", expr: "up" }] }] } }),
      object("no-labels", {
        metadata: {},
        spec: { groups: [{ name: "h", rules: [{ record: "r", expr: "up" }] }] },
      }),
    ]);
    assert.deepEqual(
      view.verticals.map((entry) => [
        entry.vertical,
        entry.resource.name,
        entry.groups.map((group) => [group.name, group.rules.length, group.shard]),
      ]),
      [
        ["sales", "no-spec", []],
        ["salon", "no-rules", [["salon-g", 0, 0]]],
        [
          "",
          "no-metadata",
          [
            ["g", 1, 0],
            ["h", 1, 0],
          ],
        ],
      ],
    );
    assert.deepEqual(
      view.alerts.map((alert) => [alert.vertical, alert.rule.alert]),
      [["", "Stray"]],
    );
    assert.deepEqual(view.recordingRules.length, 1);
  });
});

describe("Alertmanager configs and alerts missing parts", () => {
  const route = {
    receiver: "platform-unrouted",
    routes: [{ receiver: "ai-eng", matchers: ['alert_type="infra"'] }],
  };
  const receivers = [{ name: "platform-unrouted" }, { name: "ai-eng" }];

  it("hold nothing back without inhibit rules, and route an infra-less alert without labels", () => {
    const stack = [
      alertmanager({ route, receivers }),
      rules("sales", "enterprise", [
        { alert: "SalesBare", expr: "up" },
        { alert: "SalesInfra", expr: "up", labels: { alert_type: "infra" } },
      ]),
    ];
    assert.deepEqual(policyMessages(sev1NeverHeldBackPolicy, stack), []);
    assert.deepEqual(policyMessages(infraAlertsAvoidAiEngPolicy, stack), [
      "Infra alert SalesInfra in sales reaches the ai-eng team.",
    ]);
  });

  it("name a replica label in group_by at the root and at a nested route's path", () => {
    const config = {
      route: {
        receiver: "platform-unrouted",
        group_by: ["alertname", "replica"],
        routes: [
          { receiver: "ai-eng", group_by: ["alertname"] },
          {
            receiver: "ai-eng",
            routes: [{ receiver: "ai-eng", group_by: ["prometheus_replica", "vertical"] }],
          },
        ],
      },
      receivers,
    };
    assert.deepEqual(policyMessages(groupByNoReplicaPolicy, [alertmanager(config)]), [
      'route.group_by: "replica" tells HA replicas apart, so each replica\'s copy of an alert would page on its own.',
      'route.routes[1].routes[0].group_by: "prometheus_replica" tells HA replicas apart, so each replica\'s copy of an alert would page on its own.',
    ]);
  });
});

describe("the series an SLO covers", () => {
  const slo = [
    {
      record: "slo:sli_error:ratio_rate5m",
      expr: 'sum(rate(calls_total{code=~"5.."}[5m])) / vertical:calls:rate5m',
      labels: { slo: "calls" },
    },
    {
      record: "slo:sli_latency:ratio_rate5m",
      expr: "sum(rate(latency_bucket[5m]))",
      labels: { slo: "calls" },
    },
    {
      alert: "SalesCallsFastBurn",
      expr: "slo:sli_error:ratio_rate5m > 0.1",
      labels: { slo: "calls", symptom: "calls" },
    },
  ];
  const judged = (expr: string) =>
    policyMessages(sloCoveredThresholdPolicy, [
      rules("sales", "enterprise", [
        ...slo,
        { alert: "SalesThreshold", expr, labels: { severity: "critical" } },
      ]),
    ]);

  it("are the metrics its recording rules read, histogram suffixes aside, not the recording rules they read", () => {
    assert.equal(judged("sum(rate(calls_total[5m])) > 5").length, 1);
    assert.equal(judged("sum(rate(latency_count[5m])) > 5").length, 1, "latency_count is latency's series");
    assert.deepEqual(judged("vertical:calls:rate5m > 5"), []);
    assert.deepEqual(
      judged("sum(rate(calls_sum_total[5m])) > 5"),
      [],
      "a suffix inside a name is the name's",
    );
  });
});
