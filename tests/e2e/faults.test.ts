// PagerDuty failing, with nothing lost: Alertmanager retries a 500 and a 429 and the page arrives
// once; with PagerDuty unreachable, Slack still gets the alert and the page follows when it returns.
// The faults share one PagerDuty stand-in, so they run one after the other.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { assertNothingUnexpected, assertPaged, expectedLatency, Ledger } from "./expect";
import { alertOf, Harness } from "./harness";
import { failTool, healthyTool } from "./series";
import { seconds, teamEmail } from "./stackConfig";
import { holdsFalse, waitFor } from "./wait";

const TEST_MS = 150_000;
const ledger = new Ledger();
let h: Harness;

describe("PagerDuty faults through the real binaries", { timeout: 400_000 }, () => {
  before(
    async () => {
      h = await Harness.start({
        name: "faults",
        businessHours: "inside",
        seed: (metrics) => {
          metrics.setRate("callsphere_websocket_backpressure_events_total", { vertical: "sales" }, 0);
          metrics.setRate(
            "callsphere_model_errors_total",
            { vertical: "after-hours", job_name: "callback" },
            0,
          );
          healthyTool(metrics, "healthcare", "ehr", "503");
        },
      });
    },
    { timeout: 180_000 },
  );
  after(() => h?.stop());

  // First: the later faults make Alertmanager give up on PagerDuty too, and the alert, once firing,
  // is not notified again within its repeat interval.
  it("PagerDuty answering 500 to every event: the notification-failure alert reaches platform by Slack and e-mail, never PagerDuty", {
    timeout: TEST_MS,
  }, async (t) => {
    const alert = "AfterHoursJobModelErrors";
    const failure = "AlertingNotificationsFailing";
    ledger.expect(alert, { pagerduty: ["ai-eng"], slack: ["ai-eng"] });
    ledger.expect(failure, { slack: ["platform"], email: [teamEmail("platform")] });
    h.pagerduty.failEvery(500);
    const crossedAt = Date.now();
    h.metrics.setRate(
      "callsphere_model_errors_total",
      { vertical: "after-hours", job_name: "callback" },
      100,
    );
    // Alertmanager retries within a flush for at least 10 s, then counts the notification as failed;
    // Prometheus scrapes that within a second and fires after the alert's (scaled) `for`.
    const due =
      expectedLatency(h, "after-hours", alert, h.timings.critical.groupWait) +
      10_000 +
      h.forOf("alerting", failure) +
      seconds(h.timings.critical.groupWait) * 1000;
    const slack = await waitFor(
      `${failure} in platform's Slack`,
      () => h.slackFor(failure, "firing")[0],
      due + 30_000,
      () => h.deliveries(),
    );
    const email = await waitFor(
      `${failure} in platform's mailbox`,
      () => h.emailsFor(failure)[0],
      15_000,
      () => h.deliveries(),
    );
    assert.equal(slack.team, "platform");
    assert.deepEqual(email.recipients, [teamEmail("platform")]);
    const [firing] = await h.amAlerts(failure);
    assert.equal(firing.labels.integration, "pagerduty", "the alert names the integration that fails");
    const attempts = h.pagerduty.events.filter((event) => alertOf(event) === alert);
    assert.ok(
      attempts.length > 1 && attempts.every((event) => event.status === 500),
      "PagerDuty took nothing",
    );
    assert.deepEqual(h.pages(failure), [], "the failure must not be sent through the integration that fails");
    t.diagnostic(
      `${failure} reached Slack ${((slack.at - crossedAt) / 1000).toFixed(1)} s after ${alert} crossed ` +
        `(${attempts.length} refused attempts to page ai-eng)`,
    );
    // PagerDuty heals: the held page goes out at the next flush.
    h.pagerduty.failEvery(undefined);
    const page = await h.waitForPage(alert, 30_000, "trigger");
    assert.equal(page.receiver, "ai-eng");
  });

  it("PagerDuty answers 500, then 429, then recovers: the page arrives once", {
    timeout: TEST_MS,
  }, async (t) => {
    const alert = "SalesWebsocketBackpressure";
    ledger.expect(alert, { pagerduty: ["platform"], slack: ["platform"] });
    h.pagerduty.force(500, 429);
    h.metrics.setRate("callsphere_websocket_backpressure_events_total", { vertical: "sales" }, 1000);
    const page = await assertPaged(t, h, {
      alert,
      vertical: "sales",
      receiver: "platform",
      team: "platform",
      alertType: "infra",
      crossedAt: Date.now(),
    });
    const attempts = h.pagerduty.events.filter((event) => alertOf(event) === alert);
    assert.deepEqual(
      attempts.map((event) => event.status),
      [500, 429, 202],
      "Alertmanager should retry the 500 and the 429 and stop at the first success",
    );
    assert.ok(attempts.every((event) => event.dedupKey === page.dedupKey && event.eventAction === "trigger"));
    t.diagnostic(`retries: ${attempts.map((e) => `${e.status} at +${e.at - attempts[0].at} ms`).join(", ")}`);
    // A second trigger would open a second incident only if the dedup_key changed; there must be none.
    await holdsFalse(
      "the page must arrive once",
      () => (h.pages(alert, "trigger").length > 1 ? h.deliveries() : undefined),
      seconds(h.timings.critical.groupInterval) * 1000 + 2000,
    );
  });

  it("PagerDuty down: Slack still gets the alert, and the page arrives when it is back", {
    timeout: TEST_MS,
  }, async (t) => {
    const alert = "HealthcareEhrToolErrors";
    ledger.expect(alert, { pagerduty: ["integrations"], slack: ["integrations"] });
    // The failing series name no customer: the per-customer alert fires too, at the strictest tier.
    ledger.expect("HealthcareCustomerEhrFailing", { pagerduty: ["integrations"], slack: ["integrations"] });
    await h.pagerduty.stop();
    const crossedAt = failTool(h.metrics, "healthcare", "ehr", "503");
    const due = expectedLatency(h, "healthcare", alert, h.timings.critical.groupWait);
    const slack = await waitFor(
      "the Slack message while PagerDuty is down",
      () => h.slackFor(alert, "firing")[0],
      due + 30_000,
      () => h.deliveries(),
    );
    assert.equal(slack.team, "integrations");
    // Down for longer than Alertmanager retries within one flush (group_interval, at least 10 s),
    // so the page has to survive a failed flush, not just a retry. The outage is a span of time by
    // definition: this wait is not for a condition.
    const downFor = Math.max(10_000, seconds(h.timings.critical.groupInterval) * 1000) + 2000;
    await sleep(downFor);
    const backAt = Date.now();
    await h.pagerduty.start();
    const page = await h.waitForPage(alert, 30_000, "trigger", backAt);
    assert.equal(page.receiver, "integrations");
    t.diagnostic(
      `PagerDuty down for ${((backAt - slack.at) / 1000).toFixed(1)} s after Slack; the page arrived ` +
        `${((page.at - backAt) / 1000).toFixed(1)} s after it came back ` +
        `(${((page.at - crossedAt) / 1000).toFixed(1)} s after the crossing)`,
    );
    await holdsFalse(
      "the page must arrive once",
      () => (h.pages(alert, "trigger").length > 1 ? h.deliveries() : undefined),
      seconds(h.timings.critical.groupInterval) * 1000 + 2000,
    );
    assert.equal(h.slackFor(alert, "firing").length, 1, "Slack was told twice");
  });

  it("nobody else received anything", () => {
    assertNothingUnexpected(h, ledger);
  });
});
