// Each vertical's business service depends on exactly the team services its alerts can page: read
// off the rendered Alertmanager config with the routing evaluator, at every hour of a week, for every
// tier each alert can be routed under, never from the plan that declared the dependencies.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import yaml from "js-yaml";
import { createRouter, routeStatusAt } from "../../alertmanager/evaluate";
import type { AmConfig } from "../../alertmanager/types";
import type { ProgramRun } from "../../cli/mockEngine";
import type { StackFile } from "../../cli/stackFile";
import { named, ofType, runStack, unwrap } from "../support/program";

const BUSINESS = "pagerduty:index/businessService:BusinessService";
const DEPENDENCY = "pagerduty:index/serviceDependency:ServiceDependency";
const SERVICE = "pagerduty:index/service:Service";
const WEEK = Array.from(
  { length: 168 },
  (_, hour) => new Date(Date.parse("2026-01-12T00:30:00Z") + hour * 3600_000),
);

let run: ProgramRun & { stackFile: StackFile };
before(async () => {
  run = await runStack("prod");
});

interface RuleFile {
  groups: { rules: { alert?: string; expr: string; labels?: Record<string, string> }[] }[];
}

describe("the prod program: business services", () => {
  it("declares one business service per vertical, each depending on exactly the team services its alerts page", () => {
    const verticals = (run.stackFile.values.verticals as { id: string; tiers: string[] }[]).map((v) => v);
    const businesses = ofType(run, BUSINESS);
    assert.equal(businesses.length, verticals.length);

    const secret = ofType(run, "kubernetes:core/v1:Secret").find((s) =>
      s.name.endsWith("-alertmanager-config"),
    );
    assert.ok(secret, "prod declares the operator's config Secret");
    const text = String((unwrap(secret.inputs.stringData) as Record<string, unknown>)["alertmanager.yaml"]);
    const config = yaml.load(unwrap(text) as string) as AmConfig;
    const router = createRouter(config);
    const paging = new Set(config.receivers.filter((r) => r.pagerduty_configs?.length).map((r) => r.name));
    // A service is named for the receiver that pages it; its resource name ends in `-service-<receiver>`.
    const serviceByReceiver = new Map(
      ofType(run, SERVICE).map((service) => [service.name.replace(/^.*-service-/, ""), service.name]),
    );

    for (const vertical of verticals) {
      const rules = ofType(run, "kubernetes:monitoring.coreos.com/v1:PrometheusRule")
        .filter((object) => object.name.includes(`-prometheusrule-${vertical.id}-`))
        .flatMap((object) => (object.inputs.spec as RuleFile).groups.flatMap((group) => group.rules))
        .filter((rule) => rule.alert);
      const expected = new Set<string>();
      for (const rule of rules) {
        const labels: Record<string, string> = { ...rule.labels, alertname: rule.alert ?? "" };
        // A per-customer rule joins the info series: its alerts carry any tier the vertical sells.
        const perCustomer = rule.expr.includes("group_left");
        const tiers = labels.tier ? [labels.tier] : perCustomer ? ["", ...vertical.tiers] : [""];
        for (const tier of tiers) {
          for (const node of router.match(tier ? { ...labels, tier } : labels)) {
            if (paging.has(node.receiver) && WEEK.some((at) => routeStatusAt(config, node, at).active)) {
              expected.add(node.receiver);
            }
          }
        }
      }
      const business = named(run, `alert-routing-business-${vertical.id}`);
      const declared = ofType(run, DEPENDENCY)
        .filter((dependency) => dependency.name.startsWith(`${business.name}-on-`))
        .map((dependency) => dependency.name.slice(`${business.name}-on-`.length));
      assert.deepEqual(declared.sort(), [...expected].sort(), vertical.id);
      for (const receiver of declared)
        assert.ok(serviceByReceiver.has(receiver), `${receiver} is a declared service`);
    }
  });

  it("names each business service for its vertical and marks it as this stack's", () => {
    const names = ofType(run, BUSINESS).map((service) => String(service.inputs.name));
    assert.deepEqual(names, ["Healthcare", "Real Estate", "Sales", "After Hours", "Salon", "It Helpdesk"]);
    for (const service of ofType(run, BUSINESS)) {
      assert.match(String(service.inputs.description), /Managed by agent-alert-routing, stack prod\.$/);
      assert.equal(service.protect, true, "prod protects its business services");
    }
  });
});
