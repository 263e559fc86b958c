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

  it("holds back a symptom's weaker alerts behind its strongest: P1 over critical over warning", () => {
    const severe = alert("HealthcareFtlP95Severe");
    const high = alert("HealthcareFtlP95High");
    const fast = alert("HealthcareFtlLatencyFastBurn");
    const slow = alert("HealthcareFtlLatencySlowBurn");
    assert.ok(holds(severe, high), "the SEV1 holds back the 800 ms page");
    assert.ok(holds(severe, fast) && holds(severe, slow), "the SEV1 holds back the SLO's page and ticket");
    assert.ok(holds(fast, slow), "the SLO's page holds back its ticket");
    assert.ok(holds(fast, high), "the SLO's page holds back the threshold page of its symptom");
    for (const weaker of [high, fast, slow]) assert.ok(!holds(weaker, severe), "nothing holds back the SEV1");
    assert.ok(!holds(slow, fast) && !holds(high, fast), "never upwards");
  });

  it("never lets alerts of equal rank hold each other back, nor another vertical's or customer's", () => {
    const high = alert("HealthcareFtlP95High");
    const twin = { ...high, alertname: "HealthcareFtlP95HighTwin" };
    assert.ok(!holds(high, twin) && !holds(twin, high), "two threshold pages of one symptom");
    assert.ok(!holds(alert("SalesFtlLatencyFastBurn"), high), "the same symptom in another vertical");
    const fast = alert("HealthcareFtlLatencyFastBurn");
    assert.ok(!holds(fast, alert("HealthcareConversationSuccessRatioLow")), "another symptom");
    const perCustomer = (customer: string) => ({ ...fast, customer });
    assert.ok(holds(perCustomer("acme"), { ...high, customer: "acme" }));
    assert.ok(!holds(perCustomer("acme"), { ...high, customer: "bolt" }), "another customer");
    assert.ok(!holds(fast, { ...high, customer: "bolt" }), "a vertical's page does not hide one customer's");
  });
});
