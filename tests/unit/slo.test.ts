// SLOs: validation of the `slos:` and `histograms:` catalogue sections (file, path, message), the
// burn-rate windows against the SRE Workbook's table, and the rendered alert against Sloth's shape.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parser } from "@prometheus-io/lezer-promql";
import yaml from "js-yaml";
import { type Alert, alertsOf, type RecordingRule } from "../../core/rules";
import { buildModel } from "../../input/model";
import { buildPlan } from "../../plan/plan";
import { burnAlertExpr, leMatcher } from "../../slo/rules";
import { BURN_WINDOWS, burnFactor, SLO_RATIO_WINDOWS } from "../../slo/spec";
import { stackInput } from "../support/stack";
import {
  assertRejects,
  baseCatalogue,
  baseCatalogueTexts,
  baseConfig,
  buildOk,
  HEALTHCARE_FILE,
  makeInput,
} from "./fixtures";

type Spec = Record<string, unknown>;

/** A valid latency SLO and an events SLO, to break one field at a time. */
function baseSlos(): Spec[] {
  return [
    {
      name: "ftl-latency",
      description: "First tokens within 800 ms.",
      objective: 99.5,
      alert_type: "model",
      runbook_url: "https://runbooks.example/ftl-slo",
      sli: {
        latency: {
          histogram: "callsphere_ftl_ms_bucket",
          selector: { vertical: "healthcare" },
          threshold: 800,
        },
      },
    },
    {
      name: "crm-tool-success",
      description: "CRM calls succeed.",
      objective: 99,
      alert_type: "tool",
      tool_name: "crm",
      runbook_url: "https://runbooks.example/crm-slo",
      sli: {
        events: {
          error_query:
            'sum(rate(callsphere_tool_calls_total{tool_name="crm",status_code=~"5.."}[{{.window}}]))',
          total_query: 'sum(rate(callsphere_tool_calls_total{tool_name="crm"}[{{.window}}]))',
          test_series: {
            error: 'callsphere_tool_calls_total{tool_name="crm",status_code="500"}',
            success: 'callsphere_tool_calls_total{tool_name="crm",status_code="200"}',
          },
        },
      },
    },
  ];
}

interface SloCatalogue {
  histograms: Record<string, number[]>;
  slos: Spec[];
}

function inputWithSlos(edit: (catalogue: SloCatalogue) => void = () => {}) {
  const extra: SloCatalogue = {
    histograms: { callsphere_ftl_ms_bucket: [100, 200, 500, 800, 1000, 2000] },
    slos: baseSlos(),
  };
  edit(extra);
  const text = yaml.dump({ ...baseCatalogue("Healthcare"), ...extra });
  return makeInput(baseConfig(), { ...baseCatalogueTexts(), [HEALTHCARE_FILE]: text });
}

const latency = (c: SloCatalogue) => (c.slos[0].sli as { latency: Spec }).latency;
const events = (c: SloCatalogue) => (c.slos[1].sli as { events: Spec }).events;

interface Case {
  name: string;
  edit: (catalogue: SloCatalogue) => void;
  path: string;
  message: RegExp;
}

const cases: Case[] = [
  {
    name: "an events SLI counting another vertical's errors",
    edit: (c) => {
      events(c).error_query =
        'sum(rate(callsphere_tool_calls_total{vertical="real-estate",tool_name="crm",status_code=~"5.."}[{{.window}}]))';
    },
    path: "slos[1].sli.events.error_query",
    message:
      /^callsphere_tool_calls_total\{vertical="real-estate"\} selects another vertical's series; the rules of healthcare select vertical="healthcare"$/,
  },
  {
    name: "a latency SLI on another vertical's histogram",
    edit: (c) => {
      latency(c).selector = { vertical: "real-estate" };
    },
    path: "slos[0].sli.latency.selector",
    message: /selects another vertical's series/,
  },
  {
    name: "a symptom another team's SLO already owns",
    edit: (c) => {
      c.slos[1].symptom = "ftl-latency";
    },
    path: "slos[1].symptom",
    message:
      /^symptom "ftl-latency" belongs to ai-eng \(HealthcareFtlLatencyFastBurn at slos\[0\]\), but this alert goes to crm-owners/,
  },
  {
    name: "a symptom that is not kebab-case",
    edit: (c) => {
      c.slos[0].symptom = "FtlLatency";
    },
    path: "slos[0].symptom",
    message: /^"FtlLatency" must be lower-case kebab-case/,
  },
  {
    name: "objective of 100 (no error budget)",
    edit: (c) => {
      c.slos[0].objective = 100;
    },
    path: "slos[0].objective",
    message: /^100 is not a percentage between 0 and 100, exclusive \(e\.g\. 99\.5\)$/,
  },
  {
    name: "objective of 0",
    edit: (c) => {
      c.slos[1].objective = 0;
    },
    path: "slos[1].objective",
    message: /^0 is not a percentage between 0 and 100, exclusive/,
  },
  {
    name: "objective written as a ratio above 100 (995)",
    edit: (c) => {
      c.slos[1].objective = 995;
    },
    path: "slos[1].objective",
    message: /^995 is not a percentage/,
  },
  {
    name: "objective so low the 14.4× page could never fire (90)",
    edit: (c) => {
      c.slos[1].objective = 90;
    },
    path: "slos[1].objective",
    message: /^90 leaves a 10% error budget, so the 14\.4× page would need 144% errors .*above 93\.06$/,
  },
  {
    name: "model SLO whose page fires on a blip shorter than 3m (99.9)",
    edit: (c) => {
      c.slos[0].objective = 99.9;
    },
    path: "slos[0].objective",
    message:
      /^at 99\.9 a total outage of 52s pages; .* shorter than 3m, so use an objective of 99\.65 or less$/,
  },
  {
    name: "objective that is not a number",
    edit: (c) => {
      c.slos[0].objective = "99.5%";
    },
    path: "slos[0].objective",
    message: /^must be a number \(got string\)$/,
  },
  {
    name: "period that is not a duration",
    edit: (c) => {
      c.slos[0].period = "a month";
    },
    path: "slos[0].period",
    message: /^"a month" is not a Prometheus duration/,
  },
  {
    name: "period shorter than the 3d window",
    edit: (c) => {
      c.slos[0].period = "1d";
    },
    path: "slos[0].period",
    message: /^"1d" is shorter than the longest alert window \(3d\)$/,
  },
  {
    name: "latency SLI on a metric that is not a _bucket histogram",
    edit: (c) => {
      latency(c).histogram = "callsphere_ftl_ms";
    },
    path: "slos[0].sli.latency.histogram",
    message:
      /^"callsphere_ftl_ms" is not a histogram: a latency SLI reads a bucket series ending in _bucket$/,
  },
  {
    name: "latency SLI on a histogram whose buckets are not declared",
    edit: (c) => {
      latency(c).histogram = "callsphere_tool_call_duration_seconds_bucket";
    },
    path: "slos[0].sli.latency.histogram",
    message: /is not declared under histograms; declare its bucket boundaries there$/,
  },
  {
    name: "latency threshold that is not a declared le bucket (750)",
    edit: (c) => {
      latency(c).threshold = 750;
    },
    path: "slos[0].sli.latency.threshold",
    message:
      /^750 is not a bucket boundary of callsphere_ftl_ms_bucket \(le: 100, 200, 500, 800, 1000, 2000\)/,
  },
  {
    name: "latency selector on le",
    edit: (c) => {
      latency(c).selector = { le: "800" };
    },
    path: "slos[0].sli.latency.selector.le",
    message: /cannot select the histogram's series/,
  },
  {
    name: "histograms entry that is not a _bucket series",
    edit: (c) => {
      c.histograms.callsphere_ftl_ms = [100, 800];
    },
    path: "histograms.callsphere_ftl_ms",
    message: /is not a histogram's bucket series/,
  },
  {
    name: "histogram boundaries out of order",
    edit: (c) => {
      c.histograms.callsphere_ftl_ms_bucket = [800, 100];
    },
    path: "histograms.callsphere_ftl_ms_bucket",
    message: /ascending order/,
  },
  {
    name: "error_query that does not parse as PromQL",
    edit: (c) => {
      events(c).error_query = 'sum(rate(callsphere_tool_calls_total{status_code=~"5.."}[{{.window}}])';
    },
    path: "slos[1].sli.events.error_query",
    message: /^is not PromQL: syntax error at line 1, column \d+/,
  },
  {
    name: "error_query that sums a range vector, which Prometheus refuses",
    edit: (c) => {
      events(c).error_query = 'sum(callsphere_tool_calls_total{status_code=~"5.."}[{{.window}}])';
    },
    path: "slos[1].sli.events.error_query",
    message:
      /^is not PromQL Prometheus loads: at line 1, column 5: expected type instant vector in aggregation expression "sum", got range vector$/,
  },
  {
    name: "total_query that gives a range vector",
    edit: (c) => {
      events(c).total_query = "callsphere_tool_calls_total[{{.window}}]";
    },
    path: "slos[1].sli.events.total_query",
    message: /^gives a range vector; the SLO's ratio needs an instant vector or a scalar$/,
  },
  {
    name: "total_query without the window placeholder",
    edit: (c) => {
      events(c).total_query = "sum(rate(callsphere_tool_calls_total[5m]))";
    },
    path: "slos[1].sli.events.total_query",
    message: /must take its range from "\[\{\{\.window\}\}\]"/,
  },
  {
    name: "test series that is not a series",
    edit: (c) => {
      (events(c).test_series as Spec).error = 'rate(x{a="b"}[5m])';
    },
    path: "slos[1].sli.events.test_series.error",
    message: /is not a series like metric\{label="value", …\}$/,
  },
  {
    name: "an SLI with both events and latency",
    edit: (c) => {
      (c.slos[0].sli as Spec).events = events(c);
    },
    path: "slos[0].sli",
    message: /^needs exactly one of `events` \(error and total queries\) or `latency` \(a histogram\)$/,
  },
  {
    name: "an SLI with neither",
    edit: (c) => {
      c.slos[0].sli = {};
    },
    path: "slos[0].sli",
    message: /^needs exactly one of `events`/,
  },
  {
    name: "tool SLO without tool_name",
    edit: (c) => delete c.slos[1].tool_name,
    path: "slos[1].tool_name",
    message: /^is required on tool SLOs; it chooses the integration's owner$/,
  },
  {
    name: "owner contradicting routing (model SLO with team: platform)",
    edit: (c) => {
      c.slos[0].team = "platform";
    },
    path: "slos[0].team",
    message: /^"platform" contradicts routing: model alerts go to "ai-eng"/,
  },
  {
    name: "owner contradicting a tool owner",
    edit: (c) => {
      c.slos[1].team = "integrations";
    },
    path: "slos[1].team",
    message: /contradicts routing: tool alerts for tool "crm" go to "crm-owners"/,
  },
  {
    name: "unknown alert_type",
    edit: (c) => {
      c.slos[0].alert_type = "latency";
    },
    path: "slos[0].alert_type",
    message: /"latency" is not one of infra, model, tool/,
  },
  {
    name: "name that is not kebab-case",
    edit: (c) => {
      c.slos[0].name = "FtlLatency";
    },
    path: "slos[0].name",
    message: /must be lower-case kebab-case/,
  },
  {
    name: "the same name twice",
    edit: (c) => {
      c.slos[1].name = "ftl-latency";
    },
    path: "slos[1].name",
    message: /^"ftl-latency" is already declared at slos\[0\]$/,
  },
  {
    name: "missing runbook_url (the page needs one)",
    edit: (c) => delete c.slos[0].runbook_url,
    path: "slos[0].runbook_url",
    message: /^is required$/,
  },
  {
    name: "unknown field",
    edit: (c) => {
      c.slos[0].objectve = 99;
    },
    path: "slos[0].objectve",
    message: /^is not a known field/,
  },
];

describe("SLO validation", () => {
  it("the baseline SLOs validate", () => {
    buildOk(inputWithSlos());
  });

  for (const c of cases) {
    it(c.name, () => {
      assertRejects(inputWithSlos(c.edit), { file: HEALTHCARE_FILE, path: c.path, message: c.message });
    });
  }

  it("a generated alert name that a catalogue alert already uses is refused", () => {
    const input = inputWithSlos((c) => {
      c.slos[0].name = "ftl";
    });
    const text = input.readFile(HEALTHCARE_FILE) as string;
    const renamed = text.replace("alert: HealthcareFtlP95High", "alert: HealthcareFtlFastBurn");
    const clash = makeInput(baseConfig(), { ...baseCatalogueTexts(), [HEALTHCARE_FILE]: renamed });
    assertRejects(clash, {
      file: HEALTHCARE_FILE,
      path: "slos[0].name",
      message:
        /^generates alert "HealthcareFtlFastBurn", which groups\[1\]\.rules\[1\] already defines; rename one/,
    });
  });

  it("a catalogue group named like an SLO's group is refused", () => {
    const input = inputWithSlos();
    const text = (input.readFile(HEALTHCARE_FILE) as string).replace("name: tools", "name: slo-ftl-latency");
    assertRejects(makeInput(baseConfig(), { ...baseCatalogueTexts(), [HEALTHCARE_FILE]: text }), {
      file: HEALTHCARE_FILE,
      path: "slos[0].name",
      message: /^generates rule group "slo-ftl-latency", which groups\[3\] already uses/,
    });
  });

  it("a model SLO at 99.65 keeps a 3m blip quiet, so it passes; period defaults to 30d", () => {
    const model = buildOk(
      inputWithSlos((c) => {
        c.slos[0].objective = 99.65;
      }),
    );
    assert.equal(model.verticals[0].slos[0].period, "30d");
  });
});

describe("burn-rate windows against the SRE Workbook", () => {
  it("match the published table for a 30-day budget: windows, factors and budget spent", () => {
    const thirtyDays = 30 * 86_400;
    // The Workbook's "Alerting on SLOs", recommended parameters (Sloth's defaults for 30d):
    // long window, short window, burn rate, share of the 30-day error budget consumed, notification.
    const workbook = [
      ["1h", "5m", 14.4, 2, "page"],
      ["6h", "30m", 6, 5, "page"],
      ["1d", "2h", 3, 10, "ticket"],
      ["3d", "6h", 1, 10, "ticket"],
    ];
    assert.deepEqual(
      BURN_WINDOWS.map((w) => [w.long, w.short, burnFactor(w, thirtyDays), w.budgetPercent, w.alert]),
      workbook,
    );
  });

  it("record the error ratio over every window the alerts read, and only those", () => {
    const used = new Set(BURN_WINDOWS.flatMap((w) => [w.long, w.short]));
    assert.deepEqual([...SLO_RATIO_WINDOWS].sort(), [...used].sort());
    assert.deepEqual([...SLO_RATIO_WINDOWS], ["5m", "30m", "1h", "2h", "6h", "1d", "3d"]);
  });

  it("scale with the period: a 28-day budget gives Sloth's 13.44", () => {
    assert.equal(burnFactor(BURN_WINDOWS[0], 28 * 86_400), 13.44);
  });
});

/** Whitespace-insensitive, and blind to the Prometheus-legal space after a comma in a selector. */
function normalise(expr: string): string {
  return expr.replace(/\s+/g, " ").replace(/\( /g, "(").replace(/ \)/g, ")").trim();
}

/** The expression's syntax tree as node names, nested: a structural comparison that ignores spacing. */
function tree(expr: string): string {
  const out: string[] = [];
  parser.parse(expr).iterate({
    enter: (node) => {
      out.push(`${node.name}(`);
    },
    leave: (node) => {
      const text = expr.slice(node.from, node.to);
      const leaf = node.node.firstChild === null ? `=${text}` : "";
      out.push(`${leaf})`);
    },
  });
  return out.join("");
}

describe("the rendered page alert against the shape Sloth documents", () => {
  // Sloth v0.10's page alert for a 99.9% SLO, as in its generated rules for "myservice", where ID stands
  // for `sloth_id="myservice-requests-availability", sloth_service="myservice",
  // sloth_slo="requests-availability"` and BUDGET for its precomputed 0.0009999999999999432. Our names:
  // the ID labels → `slo`/`vertical`, `sloth_window` → `slo_window`, the budget written `(1 - 0.999)`.
  const sloth = `(
    (slo:sli_error:ratio_rate5m{ID} > (14.4 * BUDGET))
    and ignoring (sloth_window)
    (slo:sli_error:ratio_rate1h{ID} > (14.4 * BUDGET))
)
or ignoring (sloth_window)
(
    (slo:sli_error:ratio_rate30m{ID} > (6 * BUDGET))
    and ignoring (sloth_window)
    (slo:sli_error:ratio_rate6h{ID} > (6 * BUDGET))
)`;
  const adapted = sloth
    .replaceAll("{ID}", '{slo="crm-tool-success", vertical="healthcare"}')
    .replaceAll("sloth_window", "slo_window")
    .replaceAll("BUDGET", "(1 - 0.999)");

  const slo = () => {
    const model = buildOk(
      inputWithSlos((c) => {
        c.slos[1].objective = 99.9;
      }),
    );
    const found = model.verticals[0].slos.find((candidate) => candidate.name === "crm-tool-success");
    assert.ok(found);
    return found;
  };

  it("is the same expression once names are mapped (normalised text)", () => {
    assert.equal(normalise(burnAlertExpr(slo(), "page")), normalise(adapted));
  });

  it("has the same syntax tree (parsed with @prometheus-io/lezer-promql)", () => {
    assert.equal(tree(burnAlertExpr(slo(), "page")), tree(adapted));
    assert.match(tree(adapted), /^PromQL\(BinaryExpr\(ParenExpr/);
  });
});

function sloGroupOf(stack: string, vertical: string) {
  const model = buildModel(stackInput(stack));
  const found = model.verticals.find((candidate) => candidate.id === vertical);
  assert.ok(found, `no vertical ${vertical}`);
  return { model, vertical: found };
}

describe("generated rules", () => {
  it("every prod vertical declares at least one SLO, and healthcare keeps its FTL threshold page", () => {
    const model = buildModel(stackInput("prod"));
    for (const vertical of model.verticals) assert.ok(vertical.slos.length > 0, vertical.id);
    const healthcare = model.verticals.find((vertical) => vertical.id === "healthcare");
    const names = alertsOf(healthcare as NonNullable<typeof healthcare>).map((alert) => alert.name);
    assert.ok(names.includes("HealthcareFtlP95High"));
    assert.ok(names.includes("HealthcareFtlLatencyFastBurn"));
    assert.ok(names.includes("HealthcareFtlLatencySlowBurn"));
  });

  it("each SLO records its error ratio over 5m to 3d, labelled with the SLO, vertical and window", () => {
    const { vertical } = sloGroupOf("prod", "healthcare");
    const group = vertical.groups.find((candidate) => candidate.name === "slo-ftl-latency");
    assert.ok(group);
    const records = group.rules.filter((rule): rule is RecordingRule => rule.kind === "record");
    assert.deepEqual(
      records.map((rule) => [rule.record, rule.labels.slo_window]),
      SLO_RATIO_WINDOWS.map((window) => [`slo:sli_error:ratio_rate${window}`, window]),
    );
    for (const rule of records) {
      assert.deepEqual(rule.labels, {
        slo: "ftl-latency",
        vertical: "healthcare",
        slo_window: rule.labels.slo_window,
      });
      assert.match(rule.expr, /callsphere_ftl_ms_bucket\{vertical="healthcare", le=~"800\(\\\\\.0\)\?"\}/);
      assert.match(rule.expr, /callsphere_ftl_ms_count\{vertical="healthcare"\}/);
    }
  });

  it("the le matcher takes both client spellings of an integral bound, and a fraction as it is", () => {
    assert.equal(leMatcher(800), 'le=~"800(\\\\.0)?"');
    assert.equal(leMatcher(0.25), 'le="0.25"');
  });

  it("the page is critical, the ticket a warning, and routing labels are filled as for alerts", () => {
    const { model } = sloGroupOf("prod", "real-estate");
    const plan = buildPlan(model);
    const file = plan.ruleFiles.find((candidate) => candidate.vertical === "real-estate");
    const rules = file?.groups.flatMap((group) => group.rules) ?? [];
    const page = rules.find((rule) => rule.alert === "RealEstateCrmToolSuccessFastBurn");
    const ticket = rules.find((rule) => rule.alert === "RealEstateCrmToolSuccessSlowBurn");
    const routing = {
      alert_type: "tool",
      vertical: "real-estate",
      team: "crm-owners",
      tool_name: "crm",
      // The SLO's name, and the symptom its page, ticket and threshold alerts share.
      slo: "crm-tool-success",
      symptom: "crm-tool-success",
    };
    assert.deepEqual(page?.labels, { ...routing, severity: "critical" });
    assert.deepEqual(ticket?.labels, { ...routing, severity: "warning" });
    assert.equal(
      page?.annotations?.runbook_url,
      "https://runbooks.callsphere.example/real-estate/crm-tool-slo",
    );
    assert.ok(page?.annotations?.summary && page.annotations.description);
    assert.equal(page?.for, undefined, "the short window, not `for`, keeps a burn alert from flapping");
  });

  it("SLO alerts count for on-call coverage like catalogue alerts (they are in the model's alerts)", () => {
    const { vertical } = sloGroupOf("prod", "it-helpdesk");
    const alert = alertsOf(vertical).find(
      (candidate) => candidate.name === "ItHelpdeskTicketingToolSuccessFastBurn",
    );
    assert.ok(alert);
    assert.equal((alert as Alert).team, "integrations");
    assert.equal((alert as Alert).slo, "ticketing-tool-success");
  });
});
