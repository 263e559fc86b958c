// Where each SLO alert goes, asked of amtool with the labels the rendered rule carries, and when it
// pages, read from the routing matrix (the evaluator conformance.test.ts holds to amtool): the page
// follows the vertical's tier like any catalogue alert, and the ticket goes to the owner's Slack.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import yaml from "js-yaml";
import type { AmConfig } from "../../alertmanager/types";
import { buildModel } from "../../input/model";
import { buildPlan } from "../../plan/plan";
import { type MomentId, routingMatrix } from "../../review/matrix";
import { stackInput } from "../support/stack";
import { renderStack, requireTool, run, tempDir } from "../support/tools";

const amtool = requireTool("amtool");
const dir = renderStack("prod", tempDir("slo-routes"));
const configFile = path.join(dir, "alertmanager.yaml");

interface RuleFile {
  groups: { name: string; rules: { alert?: string; labels?: Record<string, string> }[] }[];
}

/** Every SLO alert of the rendered prod rule files, with the labels it leaves Prometheus with. */
function sloAlerts(): Map<string, { vertical: string; labels: Record<string, string> }> {
  const found = new Map<string, { vertical: string; labels: Record<string, string> }>();
  const rules = path.join(dir, "rules");
  for (const file of fs.readdirSync(rules).filter((name) => !name.endsWith(".test.yaml"))) {
    const vertical = file.slice(0, -".yaml".length);
    for (const group of (yaml.load(fs.readFileSync(path.join(rules, file), "utf8")) as RuleFile).groups) {
      if (!group.name.startsWith(`${vertical}-slo-`)) continue;
      for (const rule of group.rules) {
        if (rule.alert)
          found.set(rule.alert, { vertical, labels: { alertname: rule.alert, ...rule.labels } });
      }
    }
  }
  return found;
}

/** Receivers per moment: weekday 11:00, weekday 03:00 and Saturday 11:00 in New York (the business tier). */
type When = Record<MomentId, string[]>;
const always = (...receivers: string[]): When => ({
  "business-hours": receivers,
  night: receivers,
  weekend: receivers,
});

interface Case {
  fact: string;
  alert: string;
  /** What `amtool config routes test` prints: every receiver whose route matches, muted or not. */
  amtool: string[];
  when: When;
  pages: MomentId[];
}

const cases: Case[] = [
  {
    fact: "healthcare FTL SLO page (enterprise, model) pages AI engineering at any hour",
    alert: "HealthcareFtlLatencyFastBurn",
    amtool: ["ai-eng"],
    when: always("ai-eng"),
    pages: ["business-hours", "night", "weekend"],
  },
  {
    fact: "healthcare FTL SLO ticket goes to AI engineering's Slack",
    alert: "HealthcareFtlLatencySlowBurn",
    amtool: ["ai-eng-slack"],
    when: always("ai-eng-slack"),
    pages: [],
  },
  {
    fact: "sales FTL SLO page (enterprise) pages AI engineering at any hour",
    alert: "SalesFtlLatencyFastBurn",
    amtool: ["ai-eng"],
    when: always("ai-eng"),
    pages: ["business-hours", "night", "weekend"],
  },
  {
    fact: "sales FTL SLO ticket goes to AI engineering's Slack",
    alert: "SalesFtlLatencySlowBurn",
    amtool: ["ai-eng-slack"],
    when: always("ai-eng-slack"),
    pages: [],
  },
  {
    fact: "real-estate CRM SLO page (vertical-wide: enterprise, the strictest it sells) pages the CRM owners at any hour",
    alert: "RealEstateCrmToolSuccessFastBurn",
    amtool: ["crm-owners"],
    when: always("crm-owners"),
    pages: ["business-hours", "night", "weekend"],
  },
  {
    fact: "real-estate CRM SLO ticket goes to the CRM owners' Slack",
    alert: "RealEstateCrmToolSuccessSlowBurn",
    amtool: ["crm-owners-slack"],
    when: always("crm-owners-slack"),
    pages: [],
  },
  {
    fact: "after-hours calendar SLO page (enterprise, tool) pages the calendar owners at any hour",
    alert: "AfterHoursCalendarToolSuccessFastBurn",
    amtool: ["calendar-owners"],
    when: always("calendar-owners"),
    pages: ["business-hours", "night", "weekend"],
  },
  {
    fact: "after-hours calendar SLO ticket goes to the calendar owners' Slack",
    alert: "AfterHoursCalendarToolSuccessSlowBurn",
    amtool: ["calendar-owners-slack"],
    when: always("calendar-owners-slack"),
    pages: [],
  },
  {
    fact: "it-helpdesk ticketing SLO page (enterprise, unowned tool) pages integrations at any hour",
    alert: "ItHelpdeskTicketingToolSuccessFastBurn",
    amtool: ["integrations"],
    when: always("integrations"),
    pages: ["business-hours", "night", "weekend"],
  },
  {
    fact: "it-helpdesk ticketing SLO ticket goes to integrations' Slack",
    alert: "ItHelpdeskTicketingToolSuccessSlowBurn",
    amtool: ["integrations-slack"],
    when: always("integrations-slack"),
    pages: [],
  },
  {
    fact: "salon conversation SLO page (vertical-wide: enterprise, though salon also sells trial) pages AI engineering",
    alert: "SalonConversationSuccessFastBurn",
    amtool: ["ai-eng"],
    when: always("ai-eng"),
    pages: ["business-hours", "night", "weekend"],
  },
  {
    fact: "salon conversation SLO ticket goes to AI engineering's Slack",
    alert: "SalonConversationSuccessSlowBurn",
    amtool: ["ai-eng-slack"],
    when: always("ai-eng-slack"),
    pages: [],
  },
];

describe("SLO alerts reach their owner according to tier", () => {
  const alerts = sloAlerts();
  const model = buildModel(stackInput("prod"));
  const config = yaml.load(fs.readFileSync(configFile, "utf8")) as AmConfig;
  const matrix = routingMatrix(model, buildPlan(model), config);

  it("every SLO alert of prod has a case here", () => {
    assert.deepEqual([...alerts.keys()].sort(), cases.map((c) => c.alert).sort());
  });

  for (const c of cases) {
    it(c.fact, () => {
      const alert = alerts.get(c.alert);
      assert.ok(alert, `${c.alert} is not in the rendered rule files`);
      const args = Object.entries(alert.labels).map(([key, value]) => `${key}=${value}`);
      const result = run(amtool, [
        "config",
        "routes",
        "test",
        `--config.file=${configFile}`,
        `--verify.receivers=${c.amtool.join(",")}`,
        ...args,
      ]);
      assert.equal(result.status, 0, `amtool routed ${args.join(" ")} to ${result.stdout.trim()}`);

      const tier = model.verticals.find((vertical) => vertical.id === alert.vertical)?.strictestTier;
      const row = matrix.find((candidate) => candidate.alert === c.alert && candidate.tier === tier);
      assert.ok(row, `no matrix row for ${c.alert} under its strictest tier ${tier}`);
      for (const [moment, receivers] of Object.entries(c.when) as [MomentId, string[]][]) {
        assert.deepEqual(row.cells[moment].receivers, receivers, `${c.alert} at ${moment}`);
        assert.equal(row.cells[moment].pages, c.pages.includes(moment), `${c.alert} pages at ${moment}?`);
      }
    });
  }
});
