// Validation of the stack config and the alert catalogues: every broken field is reported with the file,
// the path inside it and a message saying what to do; all problems are collected; no stack trace is shown.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import yaml from "js-yaml";
import { SECRET_CONFIG_KEYS } from "../../core/conventions";
import { formatIssue, ValidationError } from "../../core/errors";
import { type Alert, alertsOf } from "../../core/rules";
import { buildModel } from "../../input/model";
import type { SecretRef } from "../../input/secrets";
import { checkSecrets, type SecretPresence, secretFindings } from "../../input/secrets";
import { timeZoneProblem } from "../../input/timeZones";
import {
  assertHasIssue,
  assertRejects,
  baseCatalogue,
  baseCatalogueTexts,
  baseConfig,
  buildErrors,
  buildOk,
  type CatalogueFixture,
  HEALTHCARE_FILE,
  inputWithConfig,
  inputWithHealthcare,
  inputWithHealthcareText,
  makeInput,
  PREFIX,
  REAL_ESTATE_FILE,
  type RuleFixture,
  STACK_FILE,
  setIn,
  validationErrorOf,
} from "./fixtures";

// Rules of the healthcare baseline catalogue, by position (see fixtures.ts):
//   groups[0].rules[0]  Watchdog                   infra, info
//   groups[1].rules[0]  vertical:ftl_ms:p95        recording rule
//   groups[1].rules[1]  HealthcareFtlP95High       model, critical, for 5m
//   groups[2].rules[0]  HealthcareServiceDown      infra, critical, for 2m
//   groups[2].rules[1]  HealthcareCrashLoop        infra, critical, auto_remediation, runbook_url
//   groups[3].rules[0]  HealthcareCrmToolErrors    tool (crm), warning
//   groups[4].rules[0]  HealthcareLlmCostSpike5x   model, critical, category cost-spike, "> 5"
function rule(catalogue: CatalogueFixture, group: number, index: number): RuleFixture {
  const found = catalogue.groups[group]?.rules[index];
  assert.ok(found, `fixture has no groups[${group}].rules[${index}]`);
  return found;
}

function labels(item: RuleFixture): Record<string, string> {
  item.labels ??= {};
  return item.labels;
}

function annotations(item: RuleFixture): Record<string, string> {
  item.annotations ??= {};
  return item.annotations;
}

const MODEL = [1, 1] as const;
const INFRA = [2, 0] as const;
const INFRA_REMEDIATED = [2, 1] as const;
const TOOL = [3, 0] as const;
const COST = [4, 0] as const;

function alertNamed(name: string, input = makeInput()): Alert {
  const model = buildOk(input);
  const found = model.verticals.flatMap(alertsOf).find((alert) => alert.name === name);
  assert.ok(found, `no alert ${name} in the model`);
  return found;
}

describe("baseline", () => {
  it("the unmodified baseline config and catalogues validate", () => {
    const model = buildOk(makeInput());
    assert.deepEqual(
      model.verticals.map((vertical) => vertical.id),
      ["healthcare", "real-estate"],
    );
    assert.equal(alertsOf(model.verticals[0]).length, 6);
    assert.equal(model.verticals[1].catalogueFile, REAL_ESTATE_FILE);
  });

  it("routing decides the team: model → ai-eng, infra → platform, tool crm → crm-owners", () => {
    assert.equal(alertNamed("HealthcareFtlP95High").team, "ai-eng");
    assert.equal(alertNamed("HealthcareServiceDown").team, "platform");
    assert.equal(alertNamed("HealthcareCrmToolErrors").team, "crm-owners");
  });
});

interface CatalogueCase {
  name: string;
  edit: (catalogue: CatalogueFixture) => void;
  path: string;
  message: RegExp;
}

const catalogueCases: CatalogueCase[] = [
  {
    name: "a rule copied from another vertical, still selecting its series",
    edit: (c) => {
      rule(c, ...MODEL).expr =
        'histogram_quantile(0.95, sum by (le) (rate(callsphere_ftl_ms_bucket{vertical="real-estate"}[5m]))) > 800';
    },
    path: "groups[1].rules[1].expr",
    message:
      /^callsphere_ftl_ms_bucket\{vertical="real-estate"\} selects another vertical's series; the rules of healthcare select vertical="healthcare"$/,
  },
  {
    name: "an infra rule watching another vertical's namespace",
    edit: (c) => {
      rule(c, ...INFRA).expr = '(sum(up{namespace="real-estate"}) or vector(0)) == 0';
    },
    path: "groups[2].rules[0].expr",
    message:
      /^up\{namespace="real-estate"\} selects another vertical's series; the rules of healthcare select namespace="healthcare"$/,
  },
  {
    name: "a regex selecting two verticals' series",
    edit: (c) => {
      rule(c, ...TOOL).expr =
        'sum(rate(callsphere_tool_calls_total{vertical=~"healthcare|real-estate",tool_name="crm",status_code=~"5.."}[5m])) > 0.02';
    },
    path: "groups[3].rules[0].expr",
    message:
      /^callsphere_tool_calls_total\{vertical=~"healthcare\|real-estate"\} also selects real-estate; the rules of healthcare select vertical="healthcare"$/,
  },
  {
    name: "a symptom that is not a kebab-case name",
    edit: (c) => {
      labels(rule(c, ...MODEL)).symptom = "FTL latency";
    },
    path: "groups[1].rules[1].labels.symptom",
    message: /^"FTL latency" is not a symptom name: lower-case kebab-case/,
  },
  {
    name: "one symptom owned by two teams (the platform's crash loop beside the AI engineers' FTL page)",
    edit: (c) => {
      labels(rule(c, ...MODEL)).symptom = "ftl-latency";
      labels(rule(c, ...INFRA_REMEDIATED)).symptom = "ftl-latency";
    },
    path: "groups[2].rules[1].labels.symptom",
    message:
      /^symptom "ftl-latency" belongs to ai-eng \(HealthcareFtlP95High at groups\[1\]\.rules\[1\]\), but this alert goes to platform: the alerts of one symptom hold each other back, so they need one owner$/,
  },
  {
    name: "an impact the project does not know",
    edit: (c) => {
      labels(rule(c, ...INFRA)).impact = "everything";
    },
    path: "groups[2].rules[0].labels.impact",
    message: /^"everything" is not an impact; the one value is "vertical"$/,
  },
  {
    name: "a model alert claiming its vertical is down",
    edit: (c) => {
      labels(rule(c, ...MODEL)).impact = "vertical";
    },
    path: "groups[1].rules[1].labels.impact",
    message: /^only an infra alert can say its vertical is down/,
  },
  {
    name: "a healthcare outage (SEV1 to the executive) that is not P1",
    edit: (c) => {
      const outage = labels(rule(c, ...INFRA));
      outage.impact = "vertical";
      delete outage.priority;
    },
    path: "groups[2].rules[0].labels.priority",
    message: /^an outage of healthcare, whose SEV1 reaches the executive team, must be priority P1/,
  },
  {
    name: "per-customer alert whose expression drops the customer label",
    edit: (c) => {
      Object.assign(rule(c, ...TOOL), {
        scope: "customer",
        expr: 'sum by (tool_name) (rate(callsphere_tool_calls_total{status_code=~"5.."}[5m])) > 1',
      });
    },
    path: "groups[3].rules[0].expr",
    message:
      /^a per-customer alert must keep the "customer" label, and `sum by \(tool_name\) \(rate\(callsphere_tool_calls_total\{stat…` drops it \(add it to the `by \(…\)`, or match `on` it\)$/,
  },
  {
    name: "per-customer alert with a tier label of its own",
    edit: (c) => {
      Object.assign(rule(c, ...TOOL), {
        scope: "customer",
        expr: "sum by (customer, tool_name) (rate(callsphere_tool_calls_total[5m])) > 1",
      });
      labels(rule(c, ...TOOL)).tier = "business";
    },
    path: "groups[3].rules[0].labels.tier",
    message:
      /^a per-customer alert takes each customer's tier from the customer info series; remove this label$/,
  },
  {
    name: "an alert named like the customer-tiers alert, in a vertical with per-customer alerts",
    edit: (c) => {
      Object.assign(rule(c, ...TOOL), {
        scope: "customer",
        expr: "sum by (customer, tool_name) (rate(callsphere_tool_calls_total[5m])) > 1",
      });
      rule(c, ...INFRA).alert = "HealthcareCustomerTiersUnknown";
    },
    path: "groups[2].rules[0].alert",
    message:
      /^"HealthcareCustomerTiersUnknown" is the alert the render generates when the vertical's customer tiers are unknown \(the vertical has per-customer alerts\); rename this alert$/,
  },
  {
    name: "a group named like the customer-tiers group, in a vertical with per-customer alerts",
    edit: (c) => {
      Object.assign(rule(c, ...TOOL), {
        scope: "customer",
        expr: "sum by (customer, tool_name) (rate(callsphere_tool_calls_total[5m])) > 1",
      });
      c.groups[4].name = "customer-tiers";
    },
    path: "groups[4].name",
    message: /^"customer-tiers" is the group the render generates for the customer-tiers alert/,
  },
  {
    name: "scope on a recording rule",
    edit: (c) => {
      Object.assign(rule(c, 1, 0), { scope: "customer" });
    },
    path: "groups[1].rules[0].scope",
    message: /^applies to alerts; a recording rule has no scope$/,
  },
  {
    name: "an unknown scope",
    edit: (c) => {
      Object.assign(rule(c, ...TOOL), { scope: "tenant" });
    },
    path: "groups[3].rules[0].scope",
    message: /vertical|customer/,
  },
  {
    name: "missing alert_type",
    edit: (c) => delete labels(rule(c, ...MODEL)).alert_type,
    path: "groups[1].rules[1].labels.alert_type",
    message: /^is required \(one of infra, model, tool\)$/,
  },
  {
    name: 'unknown alert_type "db"',
    edit: (c) => {
      labels(rule(c, ...INFRA)).alert_type = "db";
    },
    path: "groups[2].rules[0].labels.alert_type",
    message: /^"db" is not one of infra, model, tool$/,
  },
  {
    name: "tool alert without tool_name",
    edit: (c) => delete labels(rule(c, ...TOOL)).tool_name,
    path: "groups[3].rules[0].labels.tool_name",
    message: /is required on tool alerts/,
  },
  {
    name: 'label name Prometheus rejects ("bad-label")',
    edit: (c) => {
      labels(rule(c, ...INFRA))["bad-label"] = "x";
    },
    path: "groups[2].rules[0].labels.bad-label",
    message: /^"bad-label" is not a valid Prometheus label name/,
  },
  {
    name: 'label name starting with "__" (reserved)',
    edit: (c) => {
      labels(rule(c, ...INFRA)).__reserved = "x";
    },
    path: "groups[2].rules[0].labels.__reserved",
    message: /^"__reserved" is not a valid Prometheus label name/,
  },
  {
    name: 'annotation name Prometheus rejects ("run book")',
    edit: (c) => {
      annotations(rule(c, ...INFRA))["run book"] = "https://runbooks.example/x";
    },
    path: "groups[2].rules[0].annotations.run book",
    message: /^"run book" is not a valid Prometheus annotation name/,
  },
  {
    name: "PromQL syntax error on one line",
    edit: (c) => {
      rule(c, ...INFRA).expr = "sum(rate(up[5m])";
    },
    path: "groups[2].rules[0].expr",
    message: /^PromQL syntax error at line 1, column 17\b/,
  },
  {
    name: "PromQL syntax error in a multi-line expression reports its line",
    edit: (c) => {
      rule(c, ...INFRA).expr = "(\n  sum(rate(up[5m]))\n  /\n  sum(rate(up[1h]))\n) > > 5\n";
    },
    path: "groups[2].rules[0].expr",
    message: /^PromQL syntax error at line 5, column 5 near "> 5"$/,
  },
  {
    name: "PromQL syntax error in a recording rule",
    edit: (c) => {
      rule(c, 1, 0).expr = "rate(x[5 minutes])";
    },
    path: "groups[1].rules[0].expr",
    message: /^PromQL syntax error at line 1, column \d+/,
  },
  {
    name: 'for: "5 minutes"',
    edit: (c) => {
      rule(c, ...INFRA).for = "5 minutes";
    },
    path: "groups[2].rules[0].for",
    message: /^"5 minutes" is not a Prometheus duration/,
  },
  {
    name: 'for: "5x"',
    edit: (c) => {
      rule(c, ...INFRA).for = "5x";
    },
    path: "groups[2].rules[0].for",
    message: /^"5x" is not a Prometheus duration/,
  },
  {
    name: 'keep_firing_for: "5 minutes"',
    edit: (c) => {
      rule(c, ...MODEL).keep_firing_for = "5 minutes";
    },
    path: "groups[1].rules[1].keep_firing_for",
    message: /^"5 minutes" is not a Prometheus duration/,
  },
  {
    name: 'keep_firing_for: "5x"',
    edit: (c) => {
      rule(c, ...MODEL).keep_firing_for = "5x";
    },
    path: "groups[1].rules[1].keep_firing_for",
    message: /^"5x" is not a Prometheus duration/,
  },
  {
    name: "for: one millisecond beyond the 292 years a Go duration holds",
    edit: (c) => {
      rule(c, ...INFRA).for = "106751d23h47m16s855ms";
    },
    path: "groups[2].rules[0].for",
    message:
      /^"106751d23h47m16s855ms" is out of range: Prometheus and Alertmanager refuse a duration over 292 years/,
  },
  {
    name: "keep_firing_for: 999999999d",
    edit: (c) => {
      rule(c, ...MODEL).keep_firing_for = "999999999d";
    },
    path: "groups[1].rules[1].keep_firing_for",
    message: /^"999999999d" is out of range/,
  },
  {
    name: "a group interval beyond 292 years",
    edit: (c) => {
      c.groups[2].interval = "300y";
    },
    path: "groups[2].interval",
    message: /^"300y" is out of range/,
  },
  {
    name: "duplicate alert name in two groups of one vertical",
    edit: (c) => {
      rule(c, ...TOOL).alert = "HealthcareFtlP95High";
    },
    path: "groups[3].rules[0].alert",
    message: /already defined at groups\[1\]\.rules\[1\]; alert names are unique within a vertical/,
  },
  {
    name: "tier label naming an unknown tier",
    edit: (c) => {
      labels(rule(c, ...INFRA)).tier = "platinum";
    },
    path: "groups[2].rules[0].labels.tier",
    message: /^"platinum" is not a tier \(tiers: enterprise, business, trial\)$/,
  },
  {
    // `tier in config.tiers` also finds properties inherited from Object.prototype.
    name: 'tier label naming an Object.prototype property ("constructor")',
    edit: (c) => {
      labels(rule(c, ...INFRA)).tier = "constructor";
    },
    path: "groups[2].rules[0].labels.tier",
    message: /^"constructor" is not a tier \(tiers: enterprise, business, trial\)$/,
  },
  {
    name: "vertical label that is not the file's vertical",
    edit: (c) => {
      labels(rule(c, ...INFRA)).vertical = "sales";
    },
    path: "groups[2].rules[0].labels.vertical",
    message: /^"sales" is not this file's vertical "healthcare"$/,
  },
  {
    name: "team label contradicting routing (model alert labelled team: platform)",
    edit: (c) => {
      labels(rule(c, ...MODEL)).team = "platform";
    },
    path: "groups[1].rules[1].labels.team",
    message: /^"platform" contradicts routing: model alerts go to "ai-eng"/,
  },
  {
    name: "team label contradicting a tool owner",
    edit: (c) => {
      labels(rule(c, ...TOOL)).team = "integrations";
    },
    path: "groups[3].rules[0].labels.team",
    message: /contradicts routing: tool alerts for tool "crm" go to "crm-owners"/,
  },
  {
    name: "model alert with for shorter than 3m",
    edit: (c) => {
      rule(c, ...MODEL).for = "2m";
    },
    path: "groups[1].rules[1].for",
    message: /at least 3m .*\(got "2m"\)$/,
  },
  {
    name: "model alert without for",
    edit: (c) => delete rule(c, ...MODEL).for,
    path: "groups[1].rules[1].for",
    message: /at least 3m .*\(got none\)$/,
  },
  {
    name: "unknown severity",
    edit: (c) => {
      labels(rule(c, ...INFRA)).severity = "urgent";
    },
    path: "groups[2].rules[0].labels.severity",
    message: /^"urgent" is not one of critical, warning, info$/,
  },
  {
    // `rawSeverity in SEVERITY_ALIASES` also finds properties inherited from Object.prototype.
    name: 'severity naming an Object.prototype property ("toString")',
    edit: (c) => {
      labels(rule(c, ...INFRA)).severity = "toString";
    },
    path: "groups[2].rules[0].labels.severity",
    message: /^"toString" is not one of critical, warning, info$/,
  },
  {
    name: "missing severity",
    edit: (c) => delete labels(rule(c, ...INFRA)).severity,
    path: "groups[2].rules[0].labels.severity",
    message: /^is required \(one of critical, warning, info\)$/,
  },
  {
    name: 'alert name without the vertical prefix ("FtlHigh")',
    edit: (c) => {
      rule(c, ...MODEL).alert = "FtlHigh";
    },
    path: "groups[1].rules[1].alert",
    message: /^"FtlHigh" must be CamelCase and start with the vertical's prefix "Healthcare"$/,
  },
  {
    name: "alert name that is only the prefix",
    edit: (c) => {
      rule(c, ...MODEL).alert = "Healthcare";
    },
    path: "groups[1].rules[1].alert",
    message: /must be CamelCase and start with the vertical's prefix "Healthcare"/,
  },
  {
    name: "Watchdog missing",
    edit: (c) => {
      c.groups.splice(0, 1);
    },
    path: "groups",
    message: /^needs exactly one "Watchdog" alert \(found 0\)/,
  },
  {
    name: "Watchdog twice",
    edit: (c) => {
      c.groups[2].rules.push(structuredClone(rule(c, 0, 0)));
    },
    path: "groups",
    message: /^needs exactly one "Watchdog" alert \(found 2\)/,
  },
  {
    name: 'critical cost-spike alert ending in "> 3"',
    edit: (c) => {
      const item = rule(c, ...COST);
      item.expr = item.expr.replace(/> 5$/, "> 3");
    },
    path: "groups[4].rules[0].expr",
    message: /must fire only above 5× baseline: end the expression with "> 5" or more \(found 3\)/,
  },
  {
    name: 'paging cost-spike alert (severity: page) ending in "> 3"',
    edit: (c) => {
      const item = rule(c, ...COST);
      item.expr = item.expr.replace(/> 5$/, "> 3");
      labels(item).severity = "page";
    },
    path: "groups[4].rules[0].expr",
    message: /must fire only above 5× baseline.*\(found 3\)/,
  },
  {
    // With `bool` the comparison returns 0 or 1 for every series instead of filtering, so the alert
    // fires all the time whatever the ratio: it is not a threshold of 5.
    name: 'critical cost-spike alert ending in "> bool 5"',
    edit: (c) => {
      const item = rule(c, ...COST);
      item.expr = item.expr.replace(/> 5$/, "> bool 5");
    },
    path: "groups[4].rules[0].expr",
    message: /must fire only above 5× baseline/,
  },
  {
    name: "critical cost-spike alert without a top-level threshold",
    edit: (c) => {
      rule(c, ...COST).expr = "sum(rate(callsphere_llm_cost_usd_total[1h]))";
    },
    path: "groups[4].rules[0].expr",
    message: /must fire only above 5× baseline/,
  },
  {
    name: "unknown category",
    edit: (c) => {
      labels(rule(c, ...COST)).category = "cost";
    },
    path: "groups[4].rules[0].labels.category",
    message: /^"cost" is not one of cost-spike$/,
  },
  {
    name: "auto_remediation on a model alert",
    edit: (c) => {
      labels(rule(c, ...MODEL)).auto_remediation = "restart-pod";
    },
    path: "groups[1].rules[1].labels.auto_remediation",
    message: /is allowed only on infra alerts; a model alert keeps a human in the loop/,
  },
  {
    name: "auto_remediation on an infra alert without runbook_url",
    edit: (c) => delete annotations(rule(c, ...INFRA_REMEDIATED)).runbook_url,
    path: "groups[2].rules[1].labels.auto_remediation",
    message: /needs a runbook_url annotation/,
  },
  {
    name: "a runbook URL with a user and password",
    edit: (c) => {
      annotations(rule(c, ...INFRA_REMEDIATED)).runbook_url =
        "https://ops:hunter2@wiki.example/runbooks/crash";
    },
    path: "groups[2].rules[1].annotations.runbook_url",
    message: /^links a URL that carries a credential \(a user name and password\), which every notification/,
  },
  {
    name: "a dashboard link with a token parameter in a description",
    edit: (c) => {
      annotations(rule(c, ...MODEL)).description =
        "See (https://grafana.example/d/x?var=1&auth_token=hunter2).";
    },
    path: "groups[1].rules[1].annotations.description",
    message: /carries a credential \(the query parameter auth_token\)/,
  },
  {
    name: "a label with a URL and a user name",
    edit: (c) => {
      labels(rule(c, ...MODEL)).dashboard = "https://ops@grafana.example/d/x";
    },
    path: "groups[1].rules[1].labels.dashboard",
    message: /carries a credential \(a user name\)/,
  },
  {
    name: 'unknown field in a rule ("expression:")',
    edit: (c) => {
      const item = rule(c, ...INFRA);
      item.expression = item.expr;
      delete (item as { expr?: string }).expr;
    },
    path: "groups[2].rules[0].expression",
    message: /^is not a known field/,
  },
  {
    name: "rule with neither alert nor record",
    edit: (c) => delete rule(c, ...INFRA).alert,
    path: "groups[2].rules[0]",
    message: /needs exactly one of `alert` or `record`/,
  },
  {
    name: "a replica label on an alert, which would make a Prometheus pair's copies two alerts",
    edit: (c) => {
      labels(rule(c, ...INFRA)).prometheus_replica = "prometheus-k8s-0";
    },
    path: "groups[2].rules[0].labels.prometheus_replica",
    message: /^"prometheus_replica" tells HA replicas apart/,
  },
  {
    name: "priority outside P1 to P5",
    edit: (c) => {
      labels(rule(c, ...INFRA)).priority = "P0";
    },
    path: "groups[2].rules[0].labels.priority",
    message: /^"P0" is not a priority \(P1 to P5\)$/,
  },
];

describe("catalogue validation", () => {
  for (const testCase of catalogueCases) {
    it(testCase.name, () => {
      assertRejects(inputWithHealthcare(testCase.edit), {
        file: HEALTHCARE_FILE,
        path: testCase.path,
        message: testCase.message,
      });
    });
  }

  it('invalid YAML is reported with its line ("line N, column M")', () => {
    const text = [
      "groups:",
      "  - name: meta",
      "    rules:",
      "      - alert: Watchdog",
      "        expr: vector(1)",
      "       labels: {}", // line 6: indented one column less than `expr`
      "",
    ].join("\n");
    const error = assertRejects(inputWithHealthcareText(text), {
      file: HEALTHCARE_FILE,
      path: "",
      message: /^is not valid YAML at line 6, column \d+: /,
    });
    assert.match(error.message, /^alerts\/healthcare\.yaml: is not valid YAML at line 6/m);
  });

  it('a catalogue whose top level is not "groups" is rejected', () => {
    assertRejects(inputWithHealthcareText("rules: []\n"), {
      file: HEALTHCARE_FILE,
      path: "rules",
      message: /is not a known field/,
    });
  });

  it("the real-estate catalogue is checked against its own prefix", () => {
    const catalogue = baseCatalogue("RealEstate");
    rule(catalogue, ...MODEL).alert = "HealthcareFtlP95High";
    const input = makeInput(baseConfig(), {
      [HEALTHCARE_FILE]: yaml.dump(baseCatalogue("Healthcare")),
      [REAL_ESTATE_FILE]: yaml.dump(catalogue),
    });
    assertRejects(input, {
      file: REAL_ESTATE_FILE,
      path: "groups[1].rules[1].alert",
      message: /prefix "RealEstate"/,
    });
  });
});

describe("catalogue values that are accepted", () => {
  it("severity: page is accepted and normalised to critical in the model", () => {
    const input = inputWithHealthcare((c) => {
      labels(rule(c, ...INFRA)).severity = "page";
    });
    const alert = alertNamed("HealthcareServiceDown", input);
    assert.equal(alert.severity, "critical");
    assert.equal(alert.labels.severity, "critical");
  });

  it('a critical cost-spike alert ending in "> 5" passes', () => {
    const alert = alertNamed("HealthcareLlmCostSpike5x");
    assert.match(alert.expr, /> 5$/);
    assert.equal(alert.severity, "critical");
    assert.equal(alert.category, "cost-spike");
  });

  it('a critical cost-spike alert ending in "> 10" passes', () => {
    const input = inputWithHealthcare((c) => {
      const item = rule(c, ...COST);
      item.expr = item.expr.replace(/> 5$/, "> 10");
    });
    buildOk(input);
  });

  it('a warning cost-spike alert ending in "> 3" passes (it does not page)', () => {
    const input = inputWithHealthcare((c) => {
      const item = rule(c, ...COST);
      item.expr = item.expr.replace(/> 5$/, "> 3");
      labels(item).severity = "warning";
    });
    buildOk(input);
  });

  it("a model alert with for exactly 3m passes", () => {
    buildOk(
      inputWithHealthcare((c) => {
        rule(c, ...MODEL).for = "3m";
      }),
    );
  });

  it("labels that agree with routing and the file pass (team, vertical, tier)", () => {
    const input = inputWithHealthcare((c) => {
      Object.assign(labels(rule(c, ...MODEL)), { team: "ai-eng", vertical: "healthcare", tier: "business" });
    });
    const alert = alertNamed("HealthcareFtlP95High", input);
    assert.equal(alert.team, "ai-eng");
    assert.equal(alert.tier, "business");
  });

  for (const tool of ["zendesk", "constructor"]) {
    it(`a tool toolOwners does not name ("${tool}") goes to routing.toolFallbackTeam`, () => {
      const input = inputWithHealthcare((c) => {
        labels(rule(c, ...TOOL)).tool_name = tool;
      });
      const alert = alertNamed("HealthcareCrmToolErrors", input);
      assert.equal(alert.toolName, tool);
      assert.equal(alert.team, "integrations");
    });
  }

  it("a multi-line expression that parses passes", () => {
    buildOk(
      inputWithHealthcare((c) => {
        rule(c, ...INFRA).expr = "(\n  sum(up)\n  or\n  vector(0)\n) == 0\n";
      }),
    );
  });
});

interface ConfigCase {
  name: string;
  edit: (config: Record<string, unknown>) => void;
  path: string;
  message: RegExp;
}

/** A case that replaces one value, at `keys`. */
function set(
  name: string,
  keys: (string | number)[],
  value: unknown,
  path: string,
  message: RegExp,
): ConfigCase {
  return { name, edit: (config) => setIn(config, keys, value), path, message };
}

/** A case that sets the business tier's time zone, which both Alertmanager and PagerDuty read. */
const tierZone = (name: string, zone: string, message: RegExp): ConfigCase =>
  set(name, ["tiers", "business", "timeZone"], zone, "tiers.business.timeZone", message);

const configCases: ConfigCase[] = [
  set(
    "malformed member e-mail",
    ["teams", 1, "members", 0, "email"],
    "dana.levi",
    "teams[1].members[0].email",
    /^"dana\.levi" is not an e-mail address$/,
  ),
  set(
    "malformed team mailbox",
    ["teams", 0, "email"],
    "platform oncall@callsphere.example",
    "teams[0].email",
    /^"platform oncall@callsphere\.example" is not an e-mail address$/,
  ),
  set(
    "malformed escalation secondary",
    ["teams", 0, "escalation", "secondary", 0],
    "sre-lead@callsphere",
    "teams[0].escalation.secondary[0]",
    /^"sre-lead@callsphere" is not an e-mail address$/,
  ),
  set(
    "unknown member time zone",
    ["teams", 1, "members", 0, "timeZone"],
    "Mars/Olympus_Mons",
    "teams[1].members[0].timeZone",
    /^"Mars\/Olympus_Mons" is not a time zone of the tz database, spelled as it spells it \(use e\.g\. America\/New_York, Europe\/London or Etc\/UTC\)$/,
  ),
  set(
    "member time zone that is an abbreviation",
    ["teams", 1, "members", 1, "timeZone"],
    "PST",
    "teams[1].members[1].timeZone",
    /^"PST" is not a time zone of the tz database/,
  ),
  tierZone(
    "unknown business tier time zone",
    "America/Gotham",
    /^"America\/Gotham" is not a time zone of the tz database/,
  ),
  // Intl accepts any case, but Alertmanager (Go's time.LoadLocation) and PagerDuty need the exact name.
  tierZone(
    "business tier time zone in the wrong case",
    "america/new_york",
    /^"america\/new_york" is not a time zone of the tz database, spelled as it spells it/,
  ),
  tierZone(
    "a time zone with one letter in the wrong case",
    "America/New_york",
    /^"America\/New_york" is not a time zone of the tz database, spelled as it spells it/,
  ),
  tierZone(
    "a tz database link in the wrong case",
    "US/eastern",
    /^"US\/eastern" is not a time zone of the tz database, spelled as it spells it/,
  ),
  // Alertmanager (Go's tz database) takes these; PagerDuty takes only the zones of its list.
  set(
    "a member time zone of the tz database that PagerDuty does not take (EST5EDT)",
    ["teams", 1, "members", 0, "timeZone"],
    "EST5EDT",
    "teams[1].members[0].timeZone",
    /^"EST5EDT" is a tz database zone, which Alertmanager takes, but PagerDuty does not; write the same zone as America\/New_York$/,
  ),
  tierZone(
    "a business tier in UTC, which PagerDuty spells Etc/UTC",
    "UTC",
    /^"UTC" is a tz database zone, which Alertmanager takes, but PagerDuty does not; write the same zone as Etc\/UTC$/,
  ),
  set(
    "a rotation time zone PagerDuty spells otherwise (Europe/Kyiv)",
    ["teams", 0, "rotation", "timeZone"],
    "Europe/Kyiv",
    "teams[0].rotation.timeZone",
    /^"Europe\/Kyiv" is a tz database zone, which Alertmanager takes, but PagerDuty does not; write the same zone as Europe\/Kiev$/,
  ),
  set(
    "a tz database zone PagerDuty has no name for (Pacific/Kiritimati)",
    ["teams", 1, "members", 0, "timeZone"],
    "Pacific/Kiritimati",
    "teams[1].members[0].timeZone",
    /^"Pacific\/Kiritimati" is a tz database zone, which Alertmanager takes, but PagerDuty does not; use one of its list, e\.g\. America\/New_York, Europe\/London or Etc\/UTC$/,
  ),
  set(
    "vertical selling an unknown tier",
    ["verticals", 1, "tiers", 0],
    "gold",
    "verticals[1].tiers[0]",
    /^"gold" is not a tier \(tiers: enterprise, business, trial\)$/,
  ),
  // `tier in config.tiers` also finds properties inherited from Object.prototype.
  set(
    'vertical selling an Object.prototype property ("constructor") as a tier',
    ["verticals", 1, "tiers", 0],
    "constructor",
    "verticals[1].tiers[0]",
    /^"constructor" is not a tier \(tiers: enterprise, business, trial\)$/,
  ),
  set(
    "vertical selling no tier",
    ["verticals", 1, "tiers"],
    [],
    "verticals[1].tiers",
    /needs at least one tier this vertical sells/,
  ),
  set(
    "vertical with the replaced defaultTier",
    ["verticals", 1, "defaultTier"],
    "business",
    "verticals[1].defaultTier",
    /^was replaced by `tiers`, the list of tiers this vertical sells/,
  ),
  set(
    "routing.modelTeam naming an unknown team",
    ["routing", "modelTeam"],
    "ml-team",
    "routing.modelTeam",
    /^"ml-team" is not a team \(teams: platform, ai-eng, integrations, /,
  ),
  set(
    "toolOwners.crm naming an unknown team",
    ["toolOwners", "crm"],
    "crm-team",
    "toolOwners.crm",
    /^"crm-team" is not a team \(teams: /,
  ),
  set(
    "a vertical whose catalogue file does not exist",
    ["verticals", 1, "catalogue"],
    "alerts/realestate.yaml",
    "verticals[1].catalogue",
    /^"alerts\/realestate\.yaml" does not exist$/,
  ),
  {
    name: "duplicate team id",
    edit: (config) => {
      const teams = config.teams as { id: string }[];
      teams.push(structuredClone(teams[1]));
    },
    path: "teams[6].id",
    message: /^"ai-eng" is declared twice$/,
  },
  {
    name: "team id ending in a receiver qualifier",
    edit: (config) => {
      const teams = config.teams as { id: string }[];
      teams.push({ ...structuredClone(teams[1]), id: "ops-email" });
    },
    path: "teams[6].id",
    message: /^"ops-email" ends in "-email", which receiver names reserve$/,
  },
  set(
    "a vertical called alerting, the name of the alerts about the alerting's rule file",
    ["verticals", 1, "id"],
    "alerting",
    "verticals[1].id",
    /^"alerting" is the rule file of the alerts about the alerting \(Alertmanager and Prometheus failing\); name the vertical otherwise$/,
  ),
  set(
    "duplicate vertical id",
    ["verticals", 1, "id"],
    "healthcare",
    "verticals[1].id",
    /^"healthcare" is declared twice$/,
  ),
  set(
    "business tier that ends before it starts",
    ["tiers", "business", "end"],
    "08:00",
    "tiers.business.end",
    /^"08:00" must be later than start "09:00"$/,
  ),
  set(
    "business tier that ends when it starts",
    ["tiers", "business", "end"],
    "09:00",
    "tiers.business.end",
    /^"09:00" must be later than start "09:00"$/,
  ),
  set(
    'bad clock "25:00"',
    ["tiers", "business", "start"],
    "25:00",
    "tiers.business.start",
    /^"25:00" is not a time of day in 24-hour HH:MM form$/,
  ),
  set(
    "unknown weekday",
    ["tiers", "business", "days", 2],
    "funday",
    "tiers.business.days[2]",
    /^"funday" is not one of monday, tuesday, wednesday, thursday, friday, saturday, sunday$/,
  ),
  set(
    "a vertical id longer than a Kubernetes label value, which its rule objects carry",
    ["verticals", 1, "id"],
    `r${"e".repeat(63)}`,
    "verticals[1].id",
    /^is too long for Kubernetes: as the label agent-alert-routing\/vertical of its rule objects it is 64 characters; a label value allows 63$/,
  ),
  {
    name: "a team id that makes its SEV1 key file longer than a Secret's key",
    edit: (config) => {
      const teams = config.teams as { id: string }[];
      teams.push({ ...structuredClone(teams[1]), id: `t${"e".repeat(234)}` });
    },
    path: "teams[6].id",
    message:
      /^is too long for Kubernetes: its file pagerduty-<id>-sev1\.key in Alertmanager's key Secret is 254 characters; a Secret's key allows 253$/,
  },
  set(
    "a heartbeat URL with a user name and password",
    ["alertmanager", "heartbeat", "url"],
    "https://ops:hunter2@heartbeat.example/ping",
    "alertmanager.heartbeat.url",
    /^carries a credential \(a user name and password\), which the program would write in plain text to the files it renders \(alertmanager\.yaml, summary\.md\) and the stack's state; put the token in the secret heartbeatToken, which Alertmanager sends as a bearer token \(`pulumi config set --secret heartbeatToken <value>`\)$/,
  ),
  set(
    "a heartbeat URL with a token in its query",
    ["alertmanager", "heartbeat", "url"],
    "https://heartbeat.example/ping?check=am&token=hunter2",
    "alertmanager.heartbeat.url",
    /^carries a credential \(the query parameter token\), .*; put the token in the secret heartbeatToken/,
  ),
  set(
    "a PagerDuty URL with an API key in its query",
    ["alertmanager", "pagerdutyUrl"],
    "https://events.pagerduty.example/v2/enqueue?api_key=hunter2",
    "alertmanager.pagerdutyUrl",
    /^carries a credential \(the query parameter api_key\), .*; PagerDuty's Events API takes none in its URL: each receiver sends its service's integration key, from the key Secret$/,
  ),
  {
    name: "a Slack API URL with an access token",
    edit: (config) => {
      config.slack = { apiUrl: "https://slack.example/api/?access_token=hunter2" };
    },
    path: "slack.apiUrl",
    message:
      /^carries a credential \(the query parameter access_token\), .*; put the token in the secret slackToken \(`pulumi config set --secret slackToken <value>`\)$/,
  },
  set(
    "an SMTP smarthost with a user and password",
    ["email", "smarthost"],
    "ops:hunter2@smtp.example:587",
    "email.smarthost",
    /^carries a credential \(a user name\), .*; put the user in email\.authUsername and the password in the secret smtpPassword \(`pulumi config set --secret smtpPassword <value>`\)$/,
  ),
  set(
    "a runbook base URL with a token as its user name",
    ["alertmanager", "alertingRunbookBaseUrl"],
    "https://ghp_hunter2@wiki.example/runbooks",
    "alertmanager.alertingRunbookBaseUrl",
    /^carries a credential \(a user name\), .*; keep it in a Pulumi secret, never in plain config$/,
  ),
  {
    name: "a Slack webhook as the Slack API URL",
    edit: (config) => {
      config.slack = { apiUrl: "https://hooks.slack.com/services/T000/B000/hunter2" };
    },
    path: "slack.apiUrl",
    message: /^carries a credential \(a Slack webhook, whose path is its credential\), /,
  },
  set(
    "a runbook base URL with an API key",
    ["alertmanager", "alertingRunbookBaseUrl"],
    "https://wiki.example/runbooks?apiKey=hunter2&space=ops",
    "alertmanager.alertingRunbookBaseUrl",
    /^carries a credential \(the query parameter apiKey\), .*; keep it in a Pulumi secret, never in plain config$/,
  ),
  {
    name: 'unknown top-level key ("verticles")',
    edit: (config) => {
      config.verticles = structuredClone(config.verticals);
    },
    path: "verticles",
    message: /^is not a known field \(check its spelling\)$/,
  },
  set(
    "bad duration in alertmanager.timings.critical.groupWait",
    ["alertmanager", "timings", "critical", "groupWait"],
    "30 seconds",
    "alertmanager.timings.critical.groupWait",
    /^"30 seconds" is not a Prometheus duration/,
  ),
  set(
    "zero groupInterval, which Alertmanager refuses",
    ["alertmanager", "timings", "critical", "groupInterval"],
    "0s",
    "alertmanager.timings.critical.groupInterval",
    /^"0s" must be more than 0/,
  ),
  set(
    "zero repeatInterval, which Alertmanager refuses",
    ["alertmanager", "costSpike", "repeatInterval"],
    "0m",
    "alertmanager.costSpike.repeatInterval",
    /^"0m" must be more than 0/,
  ),
  set(
    "zero heartbeat repeatInterval, the heartbeat route's group interval",
    ["alertmanager", "heartbeat", "repeatInterval"],
    "0s",
    "alertmanager.heartbeat.repeatInterval",
    /^"0s" must be more than 0/,
  ),
  set(
    "groupInterval beyond 292 years",
    ["alertmanager", "timings", "warning", "groupInterval"],
    "999999999d",
    "alertmanager.timings.warning.groupInterval",
    /^"999999999d" is out of range/,
  ),
  set(
    "javascript: heartbeat URL",
    ["alertmanager", "heartbeat", "url"],
    "javascript:alert(1)",
    "alertmanager.heartbeat.url",
    /^"javascript:alert\(1\)" must be an http or https URL with a host/,
  ),
  set(
    "file: PagerDuty URL",
    ["alertmanager", "pagerdutyUrl"],
    "file:///etc/passwd",
    "alertmanager.pagerdutyUrl",
    /^"file:\/\/\/etc\/passwd" must be an http or https URL with a host/,
  ),
  set(
    "ftp: runbook base URL",
    ["alertmanager", "alertingRunbookBaseUrl"],
    "ftp://runbooks.callsphere.example",
    "alertmanager.alertingRunbookBaseUrl",
    /must be an http or https URL with a host/,
  ),
  {
    name: "http URL without its slashes, which Go reads without a host",
    edit: (config) => {
      config.slack = { apiUrl: "http:slack.example/api" };
    },
    path: "slack.apiUrl",
    message: /must be an http or https URL with a host/,
  },
  set(
    "unknown coverage value in a tier",
    ["tiers", "enterprise", "coverage"],
    "24/7",
    "tiers.enterprise.coverage",
    /^"24\/7" is not one of 24x7, business-hours, email-only$/,
  ),
  {
    name: "alert-grouping window of 0 (PagerDuty's 'until the incident resolves')",
    edit: (config) => {
      config.pagerduty = { alertGrouping: { windowMinutes: 0 } };
    },
    path: "pagerduty.alertGrouping.windowMinutes",
    message:
      /^is too small: the shortest window is 1 minute; 0 \(group until the incident resolves\) is not offered$/,
  },
  {
    name: "alert-grouping window longer than PagerDuty's 24 hours",
    edit: (config) => {
      config.pagerduty = { alertGrouping: { windowMinutes: 1441 } };
    },
    path: "pagerduty.alertGrouping.windowMinutes",
    message: /^is too big: the longest window PagerDuty offers is 1440 minutes \(24 hours\)$/,
  },
  {
    name: "alert-grouping window that is not a whole number of minutes",
    edit: (config) => {
      config.pagerduty = { alertGrouping: { windowMinutes: 2.5 } };
    },
    path: "pagerduty.alertGrouping.windowMinutes",
    message: /^must be an integer \(got float\)$/,
  },
  {
    name: "alert grouping with a misspelled window",
    edit: (config) => {
      config.pagerduty = { alertGrouping: { windowMinute: 5 } };
    },
    path: "pagerduty.alertGrouping.windowMinute",
    message: /^is not a known field \(check its spelling\)$/,
  },
  set(
    "a replica label in alertmanager.groupBy, which would split a Prometheus pair's copies",
    ["alertmanager", "groupBy"],
    ["alertname", "vertical", "prometheus_replica"],
    "alertmanager.groupBy[2]",
    /^"prometheus_replica" names a label that tells HA replicas apart/,
  ),
  {
    name: "a replica label as the customer label, which every vertical's routes group by",
    edit: (config) => {
      config.customers = { customerLabel: "replica" };
    },
    path: "customers.customerLabel",
    message: /^"replica" names a label that tells HA replicas apart/,
  },
  {
    name: "missing required key (routing)",
    edit: (config) => delete config.routing,
    path: "routing",
    message: /^is required$/,
  },
];

describe("stack config validation", () => {
  for (const testCase of configCases) {
    it(testCase.name, () => {
      const config = baseConfig();
      testCase.edit(config);
      assertRejects(makeInput(config), {
        file: STACK_FILE,
        path: PREFIX + testCase.path,
        message: testCase.message,
      });
    });
  }

  it("accepts a zero groupWait, the longest duration Go holds, and an upper-case https URL", () => {
    const config = baseConfig();
    setIn(config, ["alertmanager", "timings", "critical", "groupWait"], "0s");
    setIn(config, ["alertmanager", "timings", "critical", "repeatInterval"], "106751d23h47m16s854ms");
    setIn(config, ["alertmanager", "heartbeat", "url"], "HTTPS://heartbeat.callsphere.example/ping");
    const { alertmanager } = buildOk(makeInput(config)).config;
    assert.equal(alertmanager.timings.critical.groupWait, "0s");
    assert.equal(alertmanager.heartbeat.url, "HTTPS://heartbeat.callsphere.example/ping");
  });

  it("time zones both Alertmanager and PagerDuty take pass, also those Intl spells otherwise", () => {
    const config = baseConfig();
    setIn(config, ["tiers", "business", "timeZone"], "Etc/UTC");
    setIn(config, ["teams", 0, "members", 0, "timeZone"], "Asia/Kolkata");
    setIn(config, ["teams", 1, "members", 0, "timeZone"], "America/Argentina/Buenos_Aires");
    setIn(config, ["teams", 1, "rotation", "timeZone"], "Etc/GMT+12");
    buildOk(makeInput(config));
  });

  it("a zone PagerDuty takes but this machine's tz database lacks is refused, naming Alertmanager", () => {
    assert.equal(
      timeZoneProblem("America/Godthab", () => false),
      "is a zone PagerDuty takes, but not one of the tz database Alertmanager reads",
    );
  });

  it("ids at Kubernetes' limits pass: a 63-character vertical, a team whose longest key file is 253", () => {
    const vertical = `r${"e".repeat(62)}`;
    const config = baseConfig();
    setIn(config, ["verticals", 1, "id"], vertical);
    const teams = config.teams as { id: string }[];
    teams.push({ ...structuredClone(teams[1]), id: `t${"e".repeat(233)}` });
    const catalogue = yaml.dump(baseCatalogue(`R${"e".repeat(62)}`));
    buildOk(makeInput(config, { ...baseCatalogueTexts(), [REAL_ESTATE_FILE]: catalogue }));
  });

  it("a credential in a URL is refused without being repeated", () => {
    const error = buildErrors(
      inputWithConfig(
        ["alertmanager", "heartbeat", "url"],
        "https://ops:hunter2@heartbeat.example/ping?token=x",
      ),
    );
    assert.equal(error.issues.length, 1, error.message);
    assert.doesNotMatch(error.message, /hunter2|ops:/);
  });

  it("URLs without a credential pass, whatever their path", () => {
    const config = baseConfig();
    setIn(
      config,
      ["alertmanager", "heartbeat", "url"],
      "https://heartbeat.example/ping/3f2a?check=alertmanager",
    );
    setIn(config, ["alertmanager", "pagerdutyUrl"], "https://events.pagerduty.com/v2/enqueue");
    buildOk(makeInput(config));
  });

  it("accepts an alert-grouping window from 1 minute to 1440 (PagerDuty's bounds)", () => {
    for (const windowMinutes of [1, 1440]) {
      const config = baseConfig();
      config.pagerduty = { alertGrouping: { windowMinutes } };
      assert.deepEqual(buildOk(makeInput(config)).config.pagerduty.alertGrouping, { windowMinutes });
    }
  });

  it("paths are printed in the message as `Pulumi.test.yaml: agent-alert-routing:<path>: <message>`", () => {
    const error = buildErrors(inputWithConfig(["teams", 1, "members", 0, "email"], "dana.levi"));
    assert.match(
      error.message,
      /^Pulumi\.test\.yaml: agent-alert-routing:teams\[1\]\.members\[0\]\.email: "dana\.levi" is not/m,
    );
  });
});

describe("ValidationError", () => {
  it("its message has one `file: path: message` line per issue and no stack trace", () => {
    const cases = [
      buildErrors(inputWithConfig(["teams", 0, "email"], "nope")),
      buildErrors(
        inputWithHealthcare((c) => {
          rule(c, ...INFRA).expr = "sum(";
        }),
      ),
      buildErrors(inputWithHealthcareText("groups: [\n")),
    ];
    for (const error of cases) {
      assert.ok(error instanceof ValidationError);
      assert.equal(error.name, "ValidationError");
      assert.ok(!error.message.includes("    at "), `stack trace in message:\n${error.message}`);
      assert.equal(error.message, error.issues.map(formatIssue).join("\n"));
      assert.equal(error.message.split("\n").length, error.issues.length);
    }
  });

  it("collects every issue of a catalogue: two independent errors → two issues", () => {
    const error = buildErrors(
      inputWithHealthcare((c) => {
        labels(rule(c, ...INFRA)).severity = "urgent";
        labels(rule(c, ...TOOL)).vertical = "sales";
      }),
    );
    assert.equal(error.issues.length, 2, error.message);
    assertHasIssue(error, {
      file: HEALTHCARE_FILE,
      path: "groups[2].rules[0].labels.severity",
      message: /urgent/,
    });
    assertHasIssue(error, {
      file: HEALTHCARE_FILE,
      path: "groups[3].rules[0].labels.vertical",
      message: /sales/,
    });
  });

  it("collects issues across catalogue files", () => {
    const healthcare = baseCatalogue("Healthcare");
    labels(rule(healthcare, ...INFRA)).severity = "urgent";
    const realEstate = baseCatalogue("RealEstate");
    rule(realEstate, ...INFRA).for = "5x";
    const error = buildErrors(
      makeInput(baseConfig(), {
        [HEALTHCARE_FILE]: yaml.dump(healthcare),
        [REAL_ESTATE_FILE]: yaml.dump(realEstate),
      }),
    );
    assert.equal(error.issues.length, 2, error.message);
    assertHasIssue(error, {
      file: HEALTHCARE_FILE,
      path: "groups[2].rules[0].labels.severity",
      message: /./,
    });
    assertHasIssue(error, { file: REAL_ESTATE_FILE, path: "groups[2].rules[0].for", message: /"5x"/ });
  });

  it("collects every schema issue of the stack config: two independent errors → two issues", () => {
    const config = baseConfig();
    setIn(config, ["teams", 1, "members", 0, "email"], "dana.levi");
    setIn(config, ["tiers", "business", "start"], "25:00");
    const error = buildErrors(makeInput(config));
    assert.equal(error.issues.length, 2, error.message);
    assertHasIssue(error, {
      file: STACK_FILE,
      path: `${PREFIX}teams[1].members[0].email`,
      message: /e-mail/,
    });
    assertHasIssue(error, {
      file: STACK_FILE,
      path: `${PREFIX}tiers.business.start`,
      message: /time of day/,
    });
  });

  it("collects every cross-reference issue of the stack config: three errors → three issues", () => {
    const config = baseConfig();
    setIn(config, ["routing", "modelTeam"], "ml-team");
    setIn(config, ["verticals", 0, "tiers"], ["business", "gold", "business"]);
    const error = buildErrors(makeInput(config));
    assert.equal(error.issues.length, 3, error.message);
    assertHasIssue(error, { file: STACK_FILE, path: `${PREFIX}routing.modelTeam`, message: /ml-team/ });
    assertHasIssue(error, { file: STACK_FILE, path: `${PREFIX}verticals[0].tiers[1]`, message: /gold/ });
    assertHasIssue(error, {
      file: STACK_FILE,
      path: `${PREFIX}verticals[0].tiers[2]`,
      message: /listed twice/,
    });
  });

  it("buildModel does not throw anything but a ValidationError for a broken input", () => {
    assert.throws(() => buildModel(inputWithConfig(["teams"], "not a list")), ValidationError);
    assert.throws(() => buildModel(makeInput({})), ValidationError);
  });
});

describe("checkSecrets", () => {
  const files: SecretRef[] = [
    { configKey: SECRET_CONFIG_KEYS.slackWebhookUrls, field: "platform" },
    { configKey: SECRET_CONFIG_KEYS.slackWebhookUrls, field: "ai-eng" },
    { configKey: SECRET_CONFIG_KEYS.smtpPassword },
  ];
  const allSet: Record<string, SecretPresence> = {
    slackWebhookUrls: { secret: true, fields: ["platform", "ai-eng"] },
    smtpPassword: { secret: true },
  };
  const presenceOf =
    (values: Record<string, SecretPresence>) =>
    (key: string): SecretPresence | undefined =>
      Object.hasOwn(values, key) ? values[key] : undefined;

  it("passes when every secret is set as a Pulumi secret", () => {
    checkSecrets(STACK_FILE, files, presenceOf(allSet));
  });

  it("a missing field of an object secret names the field and the set command", () => {
    const error = validationErrorOf(() =>
      checkSecrets(
        STACK_FILE,
        files,
        presenceOf({ ...allSet, slackWebhookUrls: { secret: true, fields: ["platform"] } }),
      ),
    );
    assert.equal(error.issues.length, 1, error.message);
    const issue = assertHasIssue(error, {
      file: STACK_FILE,
      path: "agent-alert-routing:slackWebhookUrls.ai-eng",
      message: /pulumi config set --secret/,
    });
    assert.match(issue.message, /--path 'slackWebhookUrls\.ai-eng'/);
    assert.ok(!error.message.includes("    at "));
  });

  it("a missing single-value secret names the key and the set command", () => {
    const error = validationErrorOf(() =>
      checkSecrets(STACK_FILE, files, presenceOf({ slackWebhookUrls: allSet.slackWebhookUrls })),
    );
    assert.equal(error.issues.length, 1, error.message);
    assertHasIssue(error, {
      file: STACK_FILE,
      path: "agent-alert-routing:smtpPassword",
      message: /pulumi config set --secret smtpPassword <value>/,
    });
  });

  it("a missing object secret reports each field it needs", () => {
    const error = validationErrorOf(() =>
      checkSecrets(STACK_FILE, files, presenceOf({ smtpPassword: { secret: true } })),
    );
    assert.deepEqual(
      error.issues.map((issue) => issue.path),
      ["agent-alert-routing:slackWebhookUrls.platform", "agent-alert-routing:slackWebhookUrls.ai-eng"],
    );
  });

  it("a value present but not secret must be a Pulumi secret (reported once per key)", () => {
    const error = validationErrorOf(() =>
      checkSecrets(
        STACK_FILE,
        files,
        presenceOf({ ...allSet, slackWebhookUrls: { secret: false, fields: ["platform", "ai-eng"] } }),
      ),
    );
    assert.equal(error.issues.length, 1, error.message);
    assertHasIssue(error, {
      file: STACK_FILE,
      path: "agent-alert-routing:slackWebhookUrls",
      message: /must be a Pulumi secret/,
    });
    assert.ok(!error.message.includes("    at "));
  });

  it("a single value present but not secret must be a Pulumi secret", () => {
    const error = validationErrorOf(() =>
      checkSecrets(STACK_FILE, files, presenceOf({ ...allSet, smtpPassword: { secret: false } })),
    );
    assertHasIssue(error, {
      file: STACK_FILE,
      path: "agent-alert-routing:smtpPassword",
      message:
        /^must be a Pulumi secret; set it again with `pulumi config set --secret smtpPassword <value>`$/,
    });
  });

  it("every value in plain text inside a secret is refused by its path, also one the plan does not need", () => {
    const presence = presenceOf({
      ...allSet,
      slackWebhookUrls: {
        secret: true,
        fields: ["platform", "ai-eng", "retired"],
        plainFields: ["retired", "platform.note"],
      },
    });
    const error = validationErrorOf(() => checkSecrets(STACK_FILE, files, presence));
    assert.deepEqual(
      error.issues.map((issue) => formatIssue(issue)),
      [
        "Pulumi.test.yaml: agent-alert-routing:slackWebhookUrls.retired: must be a Pulumi secret; set it again with `pulumi config set --secret --path 'slackWebhookUrls.retired' <value>`",
        "Pulumi.test.yaml: agent-alert-routing:slackWebhookUrls.platform.note: must be a Pulumi secret; set it again with `pulumi config set --secret --path 'slackWebhookUrls.platform.note' <value>`",
      ],
    );
  });

  it("a provider's token in plain text is refused with the command that sets it as a secret", () => {
    const plainToken = presenceOf({ ...allSet, "pagerduty:token": { secret: false } });
    const error = validationErrorOf(() => checkSecrets(STACK_FILE, files, plainToken));
    assert.deepEqual(
      error.issues.map((issue) => formatIssue(issue)),
      [
        "Pulumi.test.yaml: pagerduty:token: must be a Pulumi secret; set it again with `pulumi config set --secret pagerduty:token <token>`",
      ],
    );
    checkSecrets(STACK_FILE, files, presenceOf({ ...allSet, "pagerduty:token": { secret: true } }));
  });

  it("an entry in plain text beside secret ones must be a Pulumi secret, and only that entry", () => {
    const presence = presenceOf({
      ...allSet,
      slackWebhookUrls: { secret: true, fields: ["platform", "ai-eng"], plainFields: ["ai-eng"] },
    });
    const error = validationErrorOf(() => checkSecrets(STACK_FILE, files, presence));
    assert.equal(error.issues.length, 1, error.message);
    assertHasIssue(error, {
      file: STACK_FILE,
      path: "agent-alert-routing:slackWebhookUrls.ai-eng",
      message:
        /^must be a Pulumi secret; set it again with `pulumi config set --secret --path 'slackWebhookUrls\.ai-eng' <value>`$/,
    });
    assert.deepEqual(
      secretFindings(files, presence).map(({ path, state }) => [path, state]),
      [
        ["agent-alert-routing:slackWebhookUrls.platform", "set"],
        ["agent-alert-routing:slackWebhookUrls.ai-eng", "plain"],
        ["agent-alert-routing:smtpPassword", "set"],
      ],
    );
  });
});
