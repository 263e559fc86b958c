// Where each domain fact's alert goes, asked of amtool with the labels the rendered rule carries.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import yaml from "js-yaml";
import { renderStack, requireTool, run, tempDir } from "../support/tools";

const amtool = requireTool("amtool");
const dir = renderStack("prod", tempDir("routes"));
const configFile = path.join(dir, "alertmanager.yaml");

interface RuleFile {
  groups: { rules: { alert?: string; labels?: Record<string, string> }[] }[];
}
interface Receiver {
  name: string;
  pagerduty_configs?: unknown[];
  slack_configs?: unknown[];
  email_configs?: unknown[];
}
const receivers = (yaml.load(fs.readFileSync(configFile, "utf8")) as { receivers: Receiver[] }).receivers;

/** The labels an alert leaves Prometheus with: the rendered rule's labels plus its name. */
function alertLabels(vertical: string, alert: string): Record<string, string> {
  const file = yaml.load(fs.readFileSync(path.join(dir, "rules", `${vertical}.yaml`), "utf8")) as RuleFile;
  const rule = file.groups.flatMap((group) => group.rules).find((candidate) => candidate.alert === alert);
  assert.ok(rule, `${alert} is not in the rendered ${vertical} rules`);
  return { alertname: alert, ...rule.labels };
}

function routesTest(labels: Record<string, string>, expected: string[]): void {
  const args = Object.entries(labels).map(([key, value]) => `${key}=${value}`);
  const result = run(amtool, [
    "config",
    "routes",
    "test",
    `--config.file=${configFile}`,
    `--verify.receivers=${expected.join(",")}`,
    ...args,
  ]);
  assert.equal(
    result.status,
    0,
    `amtool routed ${args.join(" ")} to ${result.stdout.trim()}; expected ${expected.join(",")}`,
  );
  assert.equal(result.stdout.trim(), expected.join(","));
}

const cases: {
  fact: string;
  vertical: string;
  alert: string;
  extra?: Record<string, string>;
  expect: string[];
}[] = [
  {
    fact: "healthcare FTL p95 pages AI engineering",
    vertical: "healthcare",
    alert: "HealthcareFtlP95High",
    expect: ["ai-eng"],
  },
  {
    fact: "healthcare SEV1 FTL takes the SEV1 service",
    vertical: "healthcare",
    alert: "HealthcareFtlP95Severe",
    expect: ["ai-eng-sev1"],
  },
  {
    // real-estate is a business-hours vertical: the pager route and its off-hours twin both match,
    // and the time intervals decide which one notifies.
    fact: "CRM webhook 5xx for everyone pages the CRM owners at the strictest tier real estate sells",
    vertical: "real-estate",
    alert: "RealEstateCrmWebhook5xx",
    expect: ["crm-owners"],
  },
  {
    fact: "CRM webhook 5xx for a business customer pages the CRM owners in hours, tells them outside",
    vertical: "real-estate",
    alert: "RealEstateCrmWebhook5xx",
    extra: { tier: "business" },
    expect: ["crm-owners", "crm-owners-offhours"],
  },
  {
    fact: "CRM webhook 5xx for a trial customer is e-mail only",
    vertical: "real-estate",
    alert: "RealEstateCrmWebhook5xx",
    extra: { tier: "trial" },
    expect: ["crm-owners-email"],
  },
  {
    fact: "calendar API 429 reaches the calendar owners",
    vertical: "real-estate",
    alert: "RealEstateCalendarApi429",
    expect: ["calendar-owners"],
  },
  {
    fact: "an unowned tool falls to integrations",
    vertical: "healthcare",
    alert: "HealthcareEhrToolErrors",
    expect: ["integrations"],
  },
  {
    fact: "sales WebSocket backpressure pages platform",
    vertical: "sales",
    alert: "SalesWebsocketBackpressure",
    expect: ["platform"],
  },
  {
    fact: "after-hours queue depth pages platform",
    vertical: "after-hours",
    alert: "AfterHoursQueueDepthHigh",
    expect: ["platform"],
  },
  {
    fact: "after-hours per-job model errors page AI engineering",
    vertical: "after-hours",
    alert: "AfterHoursJobModelErrors",
    expect: ["ai-eng"],
  },
  {
    fact: "a trial customer of salon gets e-mail only",
    vertical: "salon",
    alert: "SalonCrashLoop",
    extra: { tier: "trial" },
    expect: ["platform-email"],
  },
  {
    fact: "an explicit trial tier gets e-mail only, even in healthcare",
    vertical: "healthcare",
    alert: "HealthcareFtlP95High",
    extra: { tier: "trial" },
    expect: ["ai-eng-email"],
  },
  {
    fact: "a warning goes to Slack without paging",
    vertical: "sales",
    alert: "SalesPm2RestartsHigh",
    expect: ["platform-slack"],
  },
  {
    fact: "a cost spike under 5x is batched to Slack",
    vertical: "sales",
    alert: "SalesLlmCostSpike2x",
    expect: ["ai-eng-slack"],
  },
  { fact: "a cost spike over 5x pages", vertical: "sales", alert: "SalesLlmCostSpike5x", expect: ["ai-eng"] },
  {
    fact: "a cost spike for a trial customer is e-mail only, like everything of the trial tier",
    vertical: "sales",
    alert: "SalesLlmCostSpike2x",
    extra: { tier: "trial" },
    expect: ["ai-eng-email"],
  },
  {
    fact: "the Watchdog reaches the heartbeat",
    vertical: "sales",
    alert: "Watchdog",
    expect: ["platform-heartbeat"],
  },
  {
    fact: "an unknown tier reaches the catch-all, where a human sees it",
    vertical: "sales",
    alert: "SalesCrashLoop",
    extra: { tier: "gold" },
    expect: ["platform-unrouted"],
  },
  {
    fact: "severity page is an alias of critical",
    vertical: "sales",
    alert: "SalesCrashLoop",
    extra: { severity: "page" },
    expect: ["platform"],
  },
];

describe("amtool config routes test: each domain fact", () => {
  for (const c of cases) {
    it(c.fact, () => routesTest({ ...alertLabels(c.vertical, c.alert), ...c.extra }, c.expect));
  }

  it("info alerts are recorded and routed nowhere", () => {
    routesTest({ alertname: "Anything", severity: "info", vertical: "sales", alert_type: "infra" }, [
      "platform-blackhole",
    ]);
    const blackhole = receivers.find((receiver) => receiver.name === "platform-blackhole");
    assert.deepEqual(Object.keys(blackhole ?? {}), ["name"]);
  });

  it("stock alerts without alert_type reach platform at their own severity", () => {
    // kube-prometheus-stack's rules, as it ships them: no alert_type, no vertical.
    const stock = { namespace: "monitoring", node: "node-1" };
    routesTest({ alertname: "KubeNodeNotReady", severity: "critical", ...stock }, ["platform"]);
    routesTest({ alertname: "KubeNodeNotReady", severity: "warning", ...stock }, ["platform-slack"]);
    routesTest({ alertname: "PrometheusRuleFailures", severity: "critical", ...stock }, ["platform"]);
    routesTest({ alertname: "InfoInhibitor", severity: "none", ...stock }, ["platform-blackhole"]);
  });

  it("only our own Watchdog, which carries its vertical, reaches the heartbeat; the stock one nothing", () => {
    routesTest({ ...alertLabels("sales", "Watchdog") }, ["platform-heartbeat"]);
    routesTest({ alertname: "Watchdog", severity: "none", namespace: "monitoring" }, ["platform-blackhole"]);
  });

  it("warnings and e-mail-only receivers have no PagerDuty config", () => {
    for (const name of [
      "platform-slack",
      "ai-eng-slack",
      "platform-email",
      "ai-eng-email",
      "crm-owners-offhours",
    ]) {
      const receiver = receivers.find((candidate) => candidate.name === name);
      assert.ok(receiver, `${name} is not rendered`);
      assert.equal(receiver.pagerduty_configs, undefined, `${name} pages`);
    }
    const email = receivers.find((candidate) => candidate.name === "platform-email");
    assert.equal(email?.slack_configs, undefined, "the e-mail-only tier must not post to Slack");
    assert.equal(email?.email_configs?.length, 1);
  });
});
