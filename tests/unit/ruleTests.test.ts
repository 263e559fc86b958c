// Rule tests: the hand-written cases in alerts/tests/ are validated like the catalogue, cover every
// alert, and reach promtool with the labels routing fills in; the SLO cases are generated.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import yaml from "js-yaml";
import { buildModel } from "../../input/model";
import { missingCases } from "../../input/ruleTests";
import { buildPlan } from "../../plan/plan";
import type { RuleTestFilePlan } from "../../plan/ruleTests";
import { counterValues } from "../../slo/tests";
import { stackInput } from "../support/stack";
import { stackNames } from "../support/tools";
import { assertRejects, baseCatalogueTexts, baseConfig, buildOk, makeInput } from "./fixtures";

const TESTS_FILE = "alerts/tests/healthcare.yaml";

/** A valid hand-written tests file for the baseline healthcare catalogue (see fixtures.ts). */
function baseTests(): Record<string, unknown> {
  return {
    tests: [
      {
        name: "HealthcareCrashLoop fires after 5 minutes",
        interval: "1m",
        input_series: [
          {
            series: 'kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff",pod="api-0"}',
            values: "1x10",
          },
        ],
        alert_rule_test: [
          { eval_time: "2m", alertname: "HealthcareCrashLoop" },
          {
            eval_time: "6m",
            alertname: "HealthcareCrashLoop",
            exp_alerts: [{ exp_labels: { pod: "api-0" }, exp_annotations: { summary: "Crash looping" } }],
          },
        ],
      },
    ],
  };
}

function inputWithTests(edit: (tests: Record<string, unknown>) => void = () => {}) {
  const tests = baseTests();
  edit(tests);
  return makeInput(baseConfig(), { ...baseCatalogueTexts(), [TESTS_FILE]: yaml.dump(tests) });
}

type Group = { alert_rule_test: Record<string, unknown>[]; [key: string]: unknown };
const firstGroup = (tests: Record<string, unknown>) => (tests.tests as Group[])[0];

describe("hand-written rule tests: validation", () => {
  it("the baseline tests file validates and is kept on the vertical", () => {
    const model = buildOk(inputWithTests());
    assert.equal(model.verticals[0].ruleTests.length, 1);
    assert.equal(model.verticals[1].ruleTests.length, 0, "a vertical without a tests file has none");
  });

  const cases: {
    name: string;
    edit: (tests: Record<string, unknown>) => void;
    path: string;
    message: RegExp;
  }[] = [
    {
      name: "an alertname the catalogue does not define",
      edit: (t) => {
        firstGroup(t).alert_rule_test[0].alertname = "HealthcareCrashLooping";
      },
      path: "tests[0].alert_rule_test[0].alertname",
      message: /^"HealthcareCrashLooping" is not an alert of this vertical's catalogue$/,
    },
    {
      name: "rule_files, which the render writes",
      edit: (t) => {
        t.rule_files = ["healthcare.yaml"];
      },
      path: "rule_files",
      message: /^is written by the render; remove it from this file$/,
    },
    {
      name: "an eval_time that is not a duration",
      edit: (t) => {
        firstGroup(t).alert_rule_test[1].eval_time = "6 minutes";
      },
      path: "tests[0].alert_rule_test[1].eval_time",
      message: /^"6 minutes" is not a Prometheus duration/,
    },
    {
      name: "an evaluation_interval that is not a duration",
      edit: (t) => {
        firstGroup(t).evaluation_interval = "daily";
      },
      path: "tests[0].evaluation_interval",
      message: /^"daily" is not a Prometheus duration/,
    },
    {
      name: "an expected label name Prometheus rejects",
      edit: (t) => {
        const expected = (firstGroup(t).alert_rule_test[1].exp_alerts as { exp_labels: object }[])[0];
        expected.exp_labels = { "pod-name": "api-0" };
      },
      path: "tests[0].alert_rule_test[1].exp_alerts[0].exp_labels.pod-name",
      message: /is not a valid Prometheus label name/,
    },
    {
      name: "a misspelt field",
      edit: (t) => {
        firstGroup(t).input_serie = [];
      },
      path: "tests[0].input_serie",
      message: /^is not a known field/,
    },
    {
      name: "a group without alert_rule_test",
      edit: (t) => {
        firstGroup(t).alert_rule_test = [];
      },
      path: "tests[0].alert_rule_test",
      message: /needs at least one alert_rule_test/,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assertRejects(inputWithTests(c.edit), { file: TESTS_FILE, path: c.path, message: c.message });
    });
  }

  it("invalid YAML is reported against the tests file", () => {
    const input = makeInput(baseConfig(), { ...baseCatalogueTexts(), [TESTS_FILE]: "tests: [\n" });
    assertRejects(input, { file: TESTS_FILE, path: "", message: /^is not valid YAML/ });
  });
});

describe("rendered test files", () => {
  const files = (): RuleTestFilePlan[] => buildPlan(buildOk(inputWithTests())).ruleTests;

  it("fill the labels the rule sets under the ones the case expects", () => {
    const file = files().find((candidate) => candidate.vertical === "healthcare");
    const check = file?.groups[0].alert_rule_test[1];
    assert.deepEqual(check?.exp_alerts[0].exp_labels, {
      alert_type: "infra",
      severity: "critical",
      vertical: "healthcare",
      team: "platform",
      auto_remediation: "restart-pod",
      pod: "api-0",
    });
    assert.deepEqual(check?.exp_alerts[0].exp_annotations, { summary: "Crash looping" });
    assert.deepEqual(file?.groups[0].alert_rule_test[0].exp_alerts, [], "a quiet check stays empty");
  });

  it("a group with its own evaluation_interval goes to a file of its own, without the field", () => {
    const input = inputWithTests((t) => {
      (t.tests as Group[]).push({
        ...structuredClone(firstGroup(t)),
        name: "daily",
        evaluation_interval: "10m",
      });
    });
    const healthcare = buildPlan(buildOk(input)).ruleTests.filter((file) => file.vertical === "healthcare");
    assert.deepEqual(
      healthcare.map((file) => [file.file, file.evaluationInterval, file.groups.map((group) => group.name)]),
      [
        ["healthcare.test.yaml", "1m", ["HealthcareCrashLoop fires after 5 minutes"]],
        ["healthcare.10m.test.yaml", "10m", ["daily"]],
      ],
    );
    assert.equal(Object.hasOwn(healthcare[1].groups[0], "evaluation_interval"), false);
  });

  it("counter values use promtool's expanding notation, one sample a minute from 0", () => {
    assert.equal(
      counterValues([
        { perMinute: 0, minutes: 3 },
        { perMinute: 5, minutes: 2 },
        { perMinute: 7, minutes: 1 },
      ]),
      "0 0+0x2 5+5x1 17",
    );
  });
});

describe("the real catalogues' tests", () => {
  for (const stack of stackNames()) {
    it(`${stack}: each hand-written alert fires, stays quiet, and (model) rides out a blip`, () => {
      const model = buildModel(stackInput(stack));
      const missing = model.verticals.flatMap((vertical) =>
        missingCases(vertical).map((gap) => `${vertical.id}: ${gap.alert} lacks ${gap.missing}`),
      );
      assert.deepEqual(missing, []);
    });
  }

  it("missingCases notices an alert without tests (it can fail)", () => {
    const model = buildOk(inputWithTests());
    const gaps = missingCases(model.verticals[0]).map((gap) => `${gap.alert}: ${gap.missing}`);
    assert.ok(gaps.includes("HealthcareServiceDown: a firing case"));
    assert.ok(gaps.includes("HealthcareFtlP95High: a two-minute blip case"));
    assert.ok(!gaps.some((gap) => gap.startsWith("HealthcareCrashLoop:")), gaps.join("\n"));
  });

  it("every SLO alert of prod has generated cases: the page fires, the ticket fires, both stay quiet", () => {
    const plan = buildPlan(buildModel(stackInput("prod")));
    const checks = plan.ruleTests.flatMap((file) => file.groups.flatMap((group) => group.alert_rule_test));
    const sloAlerts = plan.ruleFiles.flatMap((file) =>
      file.groups.flatMap((group) =>
        group.name.includes("-slo-") ? group.rules.flatMap((rule) => (rule.alert ? [rule.alert] : [])) : [],
      ),
    );
    assert.equal(sloAlerts.length, 12, "six SLOs in prod, a page and a ticket each");
    for (const alert of sloAlerts) {
      const own = checks.filter((check) => check.alertname === alert);
      assert.ok(
        own.some((check) => check.exp_alerts.length > 0),
        `${alert} never fires`,
      );
      assert.ok(
        own.some((check) => check.exp_alerts.length === 0),
        `${alert} is never quiet`,
      );
    }
  });

  it("a 99.5% SLO's fast page is expected 3 minutes either side of 50 minutes into a 17.28× burn", () => {
    const plan = buildPlan(buildModel(stackInput("prod")));
    const file = plan.ruleTests.find((candidate) => candidate.file === "healthcare.test.yaml");
    const group = file?.groups.find((candidate) =>
      candidate.name.startsWith("HealthcareFtlLatencyFastBurn: a burn"),
    );
    assert.ok(group, "no fast-burn case for healthcare");
    // 1.2 × 14.4: the 1h window holds 14.4× the budget after 60 / 1.2 = 50 minutes (2% of 30 days).
    assert.match(group.name, /a burn of 17\.28× the budget pages after 50 minutes/);
    // 150 healthy minutes, then the burn: quiet at 47 minutes in, firing at 53, resolved after it stops.
    assert.deepEqual(
      group.alert_rule_test.map((check) => [check.eval_time, check.exp_alerts.length]),
      [
        ["197m", 0],
        ["203m", 1],
        ["216m", 0],
      ],
    );
    assert.equal(group.alert_rule_test[1].exp_alerts[0].exp_labels.slo_window, "5m");
  });
});
