// Inhibition is scoped to a whole vertical's outage, and never hides a SEV1: checked with the
// routing evaluator's inhibition over the prod config the pipeline renders, pair by pair.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { inhibitingAlert } from "../../alertmanager/inhibit";
import type { AmConfig, LabelSet } from "../../alertmanager/types";
import { compileRouting } from "../../pipeline/compile";
import { sev1Violations } from "../../review/review";
import { stackInput } from "../support/stack";

const prod = compileRouting({ ...stackInput("prod"), stack: "prod" });
const config = prod.alertmanager.config;

/** A rendered rule's labels, as its alerts leave Prometheus. */
function alert(name: string, extra: LabelSet = {}): LabelSet {
  const rule = prod.plan.ruleFiles
    .flatMap((file) => file.groups.flatMap((group) => group.rules))
    .find((candidate) => candidate.alert === name);
  assert.ok(rule, `no rendered alert ${name}`);
  return { ...rule.labels, alertname: name, ...extra };
}
const holds = (source: LabelSet, target: LabelSet, on: AmConfig = config) =>
  inhibitingAlert(on, [source], target) !== undefined;

describe("inhibition in prod", () => {
  it("lets a whole-vertical outage hold back its vertical's model and tool alerts, and nothing else", () => {
    assert.ok(holds(alert("AfterHoursQueueDepthHigh"), alert("AfterHoursJobModelErrors")));
    assert.ok(holds(alert("AfterHoursQueueDepthHigh"), alert("AfterHoursCalendarToolErrors")));
    assert.ok(
      !holds(alert("AfterHoursQueueDepthHigh"), alert("SalesIntentAccuracyDrop")),
      "another vertical",
    );
    assert.ok(!holds(alert("AfterHoursQueueDepthHigh"), alert("AfterHoursCrashLoop")), "infra is no symptom");
  });

  it("lets a crash loop, which does not say its vertical is down, hold back nothing", () => {
    assert.ok(!holds(alert("HealthcareCrashLoop"), alert("HealthcareFtlP95Severe")));
    assert.ok(!holds(alert("HealthcareCrashLoop"), alert("HealthcareFtlP95High")));
    assert.ok(!holds(alert("SalonCrashLoop"), alert("SalonCalendarApi5xx")));
  });

  it("lets a SEV1 outage hold back a SEV1 symptom, and a lesser outage never", () => {
    assert.ok(holds(alert("HealthcareServiceDown"), alert("HealthcareFtlP95Severe")));
    const lesser = { ...alert("AfterHoursQueueDepthHigh") };
    assert.ok(!holds(lesser, alert("AfterHoursJobModelErrors", { priority: "P1" })));
  });

  it("scopes an outage that names a customer to that customer", () => {
    const outage = alert("AfterHoursQueueDepthHigh", { customer: "acme" });
    const tool = (customer: string) =>
      alert("AfterHoursCustomerCalendarFailing", { customer, tier: "business" });
    assert.ok(holds(outage, tool("acme")));
    assert.ok(!holds(outage, tool("bolt")));
    // Without a customer, the outage is everyone's.
    assert.ok(holds(alert("AfterHoursQueueDepthHigh"), tool("bolt")));
  });

  it("has no pair of catalogue alerts in which a lesser alert holds back a SEV1", () => {
    assert.deepEqual(sev1Violations(prod.plan, config), []);
    assert.ok(!prod.review.findings.some((finding) => finding.kind === "sev1-held-back"));
  });

  it("finds the pairs the old, broad rule broke (the review can fail)", () => {
    const broad: AmConfig = {
      ...config,
      inhibit_rules: [
        {
          source_matchers: ['alert_type="infra"', 'severity=~"critical|page"'],
          target_matchers: ['alert_type=~"model|tool"'],
          equal: ["vertical"],
        },
      ],
    };
    const messages = sev1Violations(prod.plan, broad).map((finding) => finding.message);
    assert.ok(
      messages.some((message) =>
        message.startsWith("HealthcareCrashLoop (not P1) holds back the SEV1 alert HealthcareFtlP95Severe"),
      ),
      messages.join("\n"),
    );
  });
});
