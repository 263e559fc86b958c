// What must NOT page, through the real binaries: a business-tier customer's alert outside its hours
// (Slack and e-mail instead), a blip shorter than the rule's `for`, and a model alert held back by its
// vertical's infra outage. The stack is production's with business hours that exclude the present.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { assertHeldBack, assertNoPage, assertNothingUnexpected, assertPaged, Ledger } from "./expect";
import { Harness } from "./harness";
import {
  CONVERSATIONS,
  FAST,
  failTool,
  failToolFor,
  HEALTHY_RATE,
  healthyFtl,
  healthyFtlHistory,
  healthyTool,
  SLOW,
  setFtl,
} from "./series";
import { scaled, seconds, teamEmail } from "./stackConfig";
import { waitFor } from "./wait";

const TEST_MS = 150_000;
const ledger = new Ledger();
let h: Harness;

describe("gating through the real binaries (outside business hours)", { timeout: 400_000 }, () => {
  before(
    async () => {
      h = await Harness.start({
        name: "gating",
        businessHours: "outside",
        // A day of steady traffic behind the latency histogram: the SLO's long windows then weigh a
        // blip as production would, instead of against the test's first minute.
        backfill: healthyFtlHistory("healthcare"),
        seed: (metrics) => {
          healthyFtl(metrics, "healthcare");
          healthyTool(metrics, "real-estate", "crm", "502");
          healthyTool(metrics, "healthcare", "ehr", "503");
          metrics.setRate(CONVERSATIONS, { vertical: "healthcare", outcome: "success" }, 10);
          metrics.setRate(CONVERSATIONS, { vertical: "healthcare", outcome: "failure" }, 0);
          metrics.set("bull_queue_waiting_jobs", { vertical: "after-hours", queue: "calls" }, 10);
          metrics.setRate(
            "callsphere_model_errors_total",
            { vertical: "after-hours", job_name: "callback" },
            0,
          );
        },
      });
    },
    { timeout: 180_000 },
  );
  after(() => h?.stop());

  describe("scenarios", { concurrency: true }, () => {
    it("outside business hours, a business customer's failing CRM reaches Slack and e-mail, and pages nobody", {
      timeout: TEST_MS,
    }, async (t) => {
      // Real Prometheus joins billing's info series: bolt buys real estate's business tier.
      const alert = "RealEstateCustomerCrmFailing";
      const mailbox = teamEmail("crm-owners");
      ledger.expect(alert, { slack: ["crm-owners"], email: [mailbox] });
      const crossedAt = failToolFor(h.metrics, "real-estate", "crm", "502", "bolt", "acme");
      const due = h.forOf("real-estate", alert) + 30_000;
      const slack = await waitFor(
        "the off-hours Slack message",
        () => h.slackFor(alert, "firing")[0],
        due,
        () => h.deliveries(),
      );
      const email = await waitFor(
        "the off-hours e-mail",
        () => h.emailsFor(alert)[0],
        due,
        () => h.deliveries(),
      );
      assert.equal(slack.team, "crm-owners");
      assert.deepEqual(email.recipients, [mailbox]);
      const fired = (await h.amAlerts(alert)).map((firing) => firing.labels);
      assert.deepEqual(
        fired.map((labels) => [labels.customer, labels.tier]),
        [["bolt", "business"]],
        "the alert carries its customer and the tier billing gives it",
      );
      t.diagnostic(`latency ${alert} off hours (Slack): ${((slack.at - crossedAt) / 1000).toFixed(1)} s`);
      // The pager route flushes with its off-hours twin; muted, it sends nothing in that flush or after.
      await assertNoPage(h, alert, seconds(h.timings.critical.groupInterval) * 1000 + 2000);
      assert.deepEqual(h.slackFor("RealEstateCrmWebhook5xx", "firing"), [], "one customer is not an outage");
    });

    it("a two-minute blip on a model alert whose for is 5m pages nobody", { timeout: TEST_MS }, async (t) => {
      const alert = "HealthcareFtlP95High";
      const forMs = h.forOf("healthcare", alert);
      assert.ok(forMs >= scaled(180), "the blip proves nothing unless for is at least 3 (scaled) minutes");
      const blipMs = scaled(120);
      // 20x the healthy volume answered slowly: more than 5% of the 5m window, so p95 crosses 800 ms,
      // yet too little of the day's traffic to burn the SLO's budget fast.
      const start = setFtl(h.metrics, "healthcare", { [FAST]: HEALTHY_RATE, [SLOW]: 20 * HEALTHY_RATE });
      await waitFor(
        "the blip to make the alert pending",
        async () => {
          const state = await h.ruleState(alert);
          return state === "pending" ? state : undefined;
        },
        blipMs,
      );
      const pendingAfter = Date.now() - start;
      // A blip is a length of time by definition: this is the one wait that is not for a condition.
      await sleep(Math.max(0, start + blipMs - Date.now()));
      // Recovery: enough fast answers that the slow ones fall under 5% of the window again.
      setFtl(h.metrics, "healthcare", { [FAST]: 2000 * HEALTHY_RATE });
      await waitFor(
        "the alert to return to inactive",
        async () => {
          const state = await h.ruleState(alert);
          assert.notEqual(state, "firing", `${alert} fired on a blip shorter than its for`);
          return state === "inactive" ? state : undefined;
        },
        forMs,
      );
      t.diagnostic(
        `blip: pending ${(pendingAfter / 1000).toFixed(1)} s after it began, inactive again ` +
          `${((Date.now() - start) / 1000).toFixed(1)} s after (for is ${forMs / 1000} s)`,
      );
      // Had it fired, the page would be due for + evaluation + group_wait after the blip began.
      const due = forMs + 1000 + seconds(h.timings.critical.groupWait) * 1000 + 3000;
      await assertNoPage(h, alert, Math.max(0, start + due - Date.now()));
      const everFired = await h.query(`max_over_time(ALERTS{alertname="${alert}",alertstate="firing"}[5m])`);
      assert.deepEqual(everFired, [], `${alert} fired during the blip`);
      assert.deepEqual(h.slackFor(alert), []);
    });

    it("a healthcare outage (impact: vertical, P1) pages platform's SEV1 service and holds back the vertical's model and tool alerts", {
      timeout: TEST_MS,
    }, async (t) => {
      ledger.expect("HealthcareServiceDown", { pagerduty: ["platform-sev1"], slack: ["platform"] });
      // The service stops answering its scrapes: no healthcare target is up.
      h.metrics.upTargetAnswers = false;
      // The SEV1 service of platform, whose escalation ends at the executive team.
      await assertPaged(t, h, {
        alert: "HealthcareServiceDown",
        vertical: "healthcare",
        receiver: "platform-sev1",
        team: "platform",
        alertType: "infra",
        crossedAt: Date.now(),
      });
      // While it fires, the EHR tool fails and conversations fail: symptoms of the outage.
      failTool(h.metrics, "healthcare", "ehr", "503");
      h.metrics.setRate(CONVERSATIONS, { vertical: "healthcare", outcome: "failure" }, 90);
      for (const symptom of [
        "HealthcareEhrToolErrors",
        "HealthcareCustomerEhrFailing",
        "HealthcareConversationSuccessRatioLow",
      ]) {
        const held = await assertHeldBack(
          h,
          symptom,
          "HealthcareServiceDown",
          h.forOf("healthcare", symptom) + 30_000,
        );
        assert.deepEqual(held.status.silencedBy, []);
      }
      await assertNoPage(
        h,
        "HealthcareEhrToolErrors",
        seconds(h.timings.critical.groupInterval) * 1000 + 2000,
      );
      assert.deepEqual(h.pages("HealthcareCustomerEhrFailing"), []);
      assert.deepEqual(h.slackFor("HealthcareConversationSuccessRatioLow"), []);
    });

    it("a critical infra alert holds back the same vertical's model alert", {
      timeout: TEST_MS,
    }, async (t) => {
      ledger.expect("AfterHoursQueueDepthHigh", { pagerduty: ["platform"], slack: ["platform"] });
      ledger.expect("AfterHoursQueueDepthElevated", { slack: ["platform"] });
      // after-hours queue depth pages platform (a routing fact of its own)...
      h.metrics.set("bull_queue_waiting_jobs", { vertical: "after-hours", queue: "calls" }, 800);
      const infra = await assertPaged(t, h, {
        alert: "AfterHoursQueueDepthHigh",
        vertical: "after-hours",
        receiver: "platform",
        team: "platform",
        alertType: "infra",
        crossedAt: Date.now(),
      });
      // ...and while it fires, the vertical's model errors reach Alertmanager but nobody.
      h.metrics.setRate(
        "callsphere_model_errors_total",
        { vertical: "after-hours", job_name: "callback" },
        100,
      );
      const [source] = await h.amAlerts("AfterHoursQueueDepthHigh");
      const held = await waitFor(
        "AfterHoursJobModelErrors to reach Alertmanager, inhibited",
        async () =>
          (await h.amAlerts("AfterHoursJobModelErrors")).find((a) => a.status.state === "suppressed"),
        h.forOf("after-hours", "AfterHoursJobModelErrors") + 20_000,
      );
      assert.deepEqual(held.status.inhibitedBy, [source.fingerprint]);
      assert.deepEqual(held.status.silencedBy, []);
      await assertNoPage(
        h,
        "AfterHoursJobModelErrors",
        seconds(h.timings.critical.groupInterval) * 1000 + 2000,
      );
      assert.deepEqual(h.slackFor("AfterHoursJobModelErrors"), []);
      assert.equal(h.pages("AfterHoursQueueDepthHigh", "trigger").length, 1);
      assert.equal(infra.receiver, "platform");
    });
  });

  it("nobody else received anything", () => {
    assertNothingUnexpected(h, ledger);
  });
});
