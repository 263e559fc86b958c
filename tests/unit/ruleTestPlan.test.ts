// The promtool test files the plan writes for each vertical: every vertical has its one-minute file,
// first, even with no case; a hand-written group with its own evaluation_interval goes to the file of
// that interval (one file per duration, however it is spelt) without the field; after the
// hand-written cases come the SLOs' generated ones and the two cases of the customer-tiers alert; and
// each expected alert carries the labels the rendered rule adds (alert_type, severity, vertical, team,
// tool_name, the catalogue's labels), under the ones the case wrote. Teams are Pulumi.prod.yaml's.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import yaml from "js-yaml";
import type { PromtoolTestGroup } from "../../core/rules";
import { buildPlan } from "../../plan/plan";
import { buildRuleTestFiles } from "../../plan/ruleTests";
import {
  baseCatalogue,
  baseCatalogueTexts,
  baseConfig,
  buildOk,
  type CatalogueFixture,
  HEALTHCARE_FILE,
  makeInput,
} from "./fixtures";

const TESTS_FILE = "alerts/tests/healthcare.yaml";

type Expected = { exp_labels: Record<string, string>; exp_annotations?: Record<string, string> };
const check = (eval_time: string, alertname: string, exp_alerts: Expected[] = []) => ({
  eval_time,
  alertname,
  exp_alerts,
});
const crashLooping = {
  series: 'kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff"}',
  values: "1x10",
};

/** Hand-written groups: a ten-minute one first, then one-minute ones spelt three ways. */
const HAND_WRITTEN = [
  {
    name: "daily",
    evaluation_interval: "10m",
    input_series: [crashLooping],
    alert_rule_test: [check("20m", "HealthcareServiceDown")],
  },
  {
    name: "crash loop",
    interval: "1m",
    input_series: [crashLooping],
    alert_rule_test: [
      check("6m", "HealthcareCrashLoop", [
        { exp_labels: { pod: "api-0" }, exp_annotations: { summary: "Crash looping" } },
      ]),
      check("6m", "HealthcareCrmToolErrors", [{ exp_labels: { severity: "critical" } }]),
    ],
  },
  {
    name: "every 60s",
    evaluation_interval: "60s",
    input_series: [crashLooping],
    alert_rule_test: [check("2m", "Watchdog")],
  },
  {
    name: "daily, in seconds",
    evaluation_interval: "600s",
    input_series: [crashLooping],
    alert_rule_test: [check("30m", "HealthcareServiceDown")],
  },
];

/**
 * The fixtures' healthcare catalogue with a per-customer alert, a 99.5% first-token latency SLO (a
 * model SLO) and a 99% CRM success SLO (a tool SLO).
 */
function healthcareCatalogue(): CatalogueFixture {
  const catalogue: CatalogueFixture & { histograms?: object; slos?: object[] } = baseCatalogue("Healthcare");
  catalogue.groups.push({
    name: "customers",
    rules: [
      {
        alert: "HealthcareCustomerEhrFailing",
        scope: "customer",
        expr: 'sum by (customer) (rate(callsphere_tool_calls_total{tool_name="ehr",status_code=~"5.."}[10m])) > 0.01',
        for: "10m",
        labels: { alert_type: "tool", severity: "critical", tool_name: "ehr" },
        annotations: { summary: "One customer's EHR connection is failing" },
      },
    ],
  });
  catalogue.histograms = { callsphere_ftl_ms_bucket: [100, 500, 800, 1000] };
  catalogue.slos = [
    {
      name: "ftl-latency",
      description: "Patients hear the first token within 800 ms.",
      objective: 99.5,
      period: "30d",
      alert_type: "model",
      runbook_url: "https://runbooks.callsphere.example/healthcare/ftl-latency-slo",
      sli: {
        latency: {
          histogram: "callsphere_ftl_ms_bucket",
          selector: { vertical: "healthcare" },
          threshold: 800,
        },
      },
    },
    {
      name: "crm-success",
      description: "CRM calls succeed.",
      objective: 99,
      alert_type: "tool",
      tool_name: "crm",
      runbook_url: "https://runbooks.callsphere.example/healthcare/crm-slo",
      sli: {
        events: {
          error_query:
            'sum(rate(callsphere_tool_calls_total{tool_name="crm",status_code=~"5.."}[{{.window}}]))',
          total_query: 'sum(rate(callsphere_tool_calls_total{tool_name="crm"}[{{.window}}]))',
          test_series: {
            error: 'callsphere_tool_calls_total{tool_name="crm",status_code="502"}',
            success: 'callsphere_tool_calls_total{tool_name="crm",status_code="200"}',
          },
        },
      },
    },
  ];
  return catalogue;
}

function plannedTests(catalogue: object, tests?: object) {
  const texts: Record<string, string> = { ...baseCatalogueTexts(), [HEALTHCARE_FILE]: yaml.dump(catalogue) };
  if (tests) texts[TESTS_FILE] = yaml.dump(tests);
  return buildPlan(buildOk(makeInput(baseConfig(), texts))).ruleTests;
}

const files = plannedTests(healthcareCatalogue(), { tests: HAND_WRITTEN });
const healthcare = files.filter((file) => file.vertical === "healthcare");
const groupNamed = (name: string) =>
  healthcare.flatMap((file) => file.groups).find((group) => group.name.startsWith(name));

const TIERS_ALERT = "HealthcareCustomerTiersUnknown";
const SLO_PAGE = "HealthcareFtlLatencyFastBurn";
const SLO_TICKET = "HealthcareFtlLatencySlowBurn";
const CRM_PAGE = "HealthcareCrmSuccessFastBurn";
const CRM_TICKET = "HealthcareCrmSuccessSlowBurn";

describe("the rule test files of a vertical", () => {
  it("a vertical without cases still has its one-minute file, with no groups", () => {
    assert.deepEqual(
      files.filter((file) => file.vertical === "real-estate"),
      [{ vertical: "real-estate", file: "real-estate.test.yaml", evaluationInterval: "1m", groups: [] }],
    );
  });

  it("one file per evaluation interval, the one-minute file first; 60s is one minute and 600s ten", () => {
    assert.deepEqual(
      healthcare.map((file) => [
        file.file,
        file.evaluationInterval,
        file.groups.map((group) => group.name.split(":")[0]),
      ]),
      [
        [
          "healthcare.test.yaml",
          "1m",
          [
            "crash loop",
            "every 60s",
            SLO_PAGE,
            SLO_TICKET,
            SLO_PAGE,
            CRM_PAGE,
            CRM_TICKET,
            TIERS_ALERT,
            TIERS_ALERT,
          ],
        ],
        ["healthcare.10m.test.yaml", "10m", ["daily", "daily, in seconds"]],
      ],
    );
    for (const group of healthcare.flatMap((file) => file.groups))
      assert.equal(Object.hasOwn(group, "evaluation_interval"), false, group.name);
  });

  it("a hand-written case keeps its series and checks; expected alerts take the rule's labels under the case's", () => {
    assert.deepEqual(groupNamed("crash loop"), {
      name: "crash loop",
      interval: "1m",
      input_series: [crashLooping],
      alert_rule_test: [
        check("6m", "HealthcareCrashLoop", [
          {
            exp_labels: {
              alert_type: "infra",
              severity: "critical",
              vertical: "healthcare",
              team: "platform",
              auto_remediation: "restart-pod",
              pod: "api-0",
            },
            exp_annotations: { summary: "Crash looping" },
          },
        ]),
        // A tool alert also carries its tool, and goes to the tool's owner; the case's severity wins.
        check("6m", "HealthcareCrmToolErrors", [
          {
            exp_labels: {
              alert_type: "tool",
              severity: "critical",
              vertical: "healthcare",
              team: "crm-owners",
              tool_name: "crm",
            },
            exp_annotations: {},
          },
        ]),
      ],
    });
    assert.deepEqual(groupNamed("every 60s")?.alert_rule_test, [check("2m", "Watchdog")]);
  });

  it("an SLO's generated cases expect its burn alerts with their routing labels and the firing window", () => {
    const sloLabels = {
      alert_type: "model",
      vertical: "healthcare",
      team: "ai-eng",
      slo: "ftl-latency",
      symptom: "ftl-latency",
    };
    const firing = (name: string) =>
      groupNamed(name)?.alert_rule_test.flatMap((test) =>
        test.exp_alerts.map((expected) => [test.alertname, test.eval_time, expected.exp_labels]),
      );
    assert.deepEqual(firing(SLO_PAGE), [
      [SLO_PAGE, "203m", { ...sloLabels, severity: "critical", slo_window: "5m" }],
    ]);
    assert.deepEqual(
      firing(SLO_TICKET)?.map(([alertname, , labels]) => [alertname, labels]),
      Array(3).fill([SLO_TICKET, { ...sloLabels, severity: "warning", slo_window: "6h" }]),
    );
  });

  it("a tool SLO's burn alerts also carry its tool, and go to the tool's owner", () => {
    assert.deepEqual(
      groupNamed(CRM_PAGE)?.alert_rule_test.flatMap((test) =>
        test.exp_alerts.map((expected) => expected.exp_labels),
      ),
      [
        {
          alert_type: "tool",
          severity: "critical",
          vertical: "healthcare",
          team: "crm-owners",
          tool_name: "crm",
          slo: "crm-success",
          symptom: "crm-success",
          slo_window: "5m",
        },
      ],
    );
  });

  it("the customer-tiers alert fires ten minutes after its vertical's info series goes, and is quiet while it is there", () => {
    const strictest = "enterprise";
    const annotations = {
      summary: "Customer tiers of healthcare are unknown",
      description: `No callsphere_customer_info{vertical="healthcare"} series for 10m: billing's exporter is down or not scraped. Per-customer alerts of healthcare still fire, but at its strictest tier (${strictest}), so customers on cheaper tiers may page at any hour until it is back.`,
    };
    const info = (vertical: string) =>
      `callsphere_customer_info{customer="acme",vertical="${vertical}",tier="enterprise"}`;
    assert.deepEqual(
      healthcare[0].groups.filter((group) => group.name.startsWith(TIERS_ALERT)),
      [
        {
          name: `${TIERS_ALERT}: fires once no info series of healthcare has been seen for 10m`,
          interval: "1m",
          input_series: [{ series: info("not-healthcare"), values: "1x15" }],
          alert_rule_test: [
            check("9m", TIERS_ALERT),
            check("11m", TIERS_ALERT, [
              {
                exp_labels: {
                  alert_type: "infra",
                  severity: "warning",
                  vertical: "healthcare",
                  team: "platform",
                },
                exp_annotations: annotations,
              },
            ]),
          ],
        },
        {
          name: `${TIERS_ALERT}: quiet while healthcare's info series is there`,
          interval: "1m",
          input_series: [{ series: info("healthcare"), values: "1x15" }],
          alert_rule_test: [check("11m", TIERS_ALERT)],
        },
      ],
    );
  });

  it("a catalogue's own alert named like the customer-tiers alert gets no generated cases", () => {
    const catalogue = baseCatalogue("Healthcare");
    catalogue.groups.push({
      name: "billing",
      rules: [
        {
          alert: TIERS_ALERT,
          expr: "absent(billing_up)",
          labels: { alert_type: "infra", severity: "warning" },
          annotations: { summary: "Billing is not scraped" },
        },
      ],
    });
    const own = plannedTests(catalogue).filter((file) => file.vertical === "healthcare");
    assert.deepEqual(own, [
      { vertical: "healthcare", file: "healthcare.test.yaml", evaluationInterval: "1m", groups: [] },
    ]);
  });

  it("an expected alert of no rule of the file keeps only the labels the case wrote", () => {
    const model = buildOk(makeInput());
    const vertical = model.verticals[0];
    const stray: PromtoolTestGroup = {
      name: "stray",
      input_series: [],
      alert_rule_test: [
        {
          eval_time: "1m",
          alertname: "NoSuchAlert",
          exp_alerts: [{ exp_labels: { pod: "api-0" }, exp_annotations: {} }],
        },
      ],
    };
    const planned = buildRuleTestFiles({ ...vertical, ruleTests: [stray] }, model.config.customers);
    assert.deepEqual(planned, [
      { vertical: "healthcare", file: "healthcare.test.yaml", evaluationInterval: "1m", groups: [stray] },
    ]);
  });
});
