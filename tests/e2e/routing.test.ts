// Every routing fact of DESIGN.md, through real Prometheus and Alertmanager running production's
// rendered configuration, inside business hours. Each scenario owns its alerts and verticals, so
// they run concurrently; none fires a critical infra alert, which would inhibit another's alerts.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { assertHeldBack, assertNoPage, assertNothingUnexpected, assertPaged, Ledger } from "./expect";
import { Harness } from "./harness";
import {
  costCounter,
  costRatioExpr,
  FAST,
  failTool,
  failToolFor,
  healthyFtl,
  healthyTool,
  SLOW,
  setFtl,
  spendSpike,
  VERY_SLOW,
} from "./series";
import { seconds, teamEmail } from "./stackConfig";
import { holdsFalse, waitFor } from "./wait";

const TEST_MS = 150_000;
const ledger = new Ledger();
let h: Harness;

describe("routing through the real binaries", { timeout: 400_000 }, () => {
  before(
    async () => {
      h = await Harness.start({
        name: "routing",
        businessHours: "inside",
        backfill: [costCounter("healthcare"), costCounter("after-hours")],
        seed: (metrics) => {
          healthyFtl(metrics, "healthcare");
          healthyTool(metrics, "healthcare", "ehr", "503");
          healthyTool(metrics, "real-estate", "crm", "502");
          healthyTool(metrics, "real-estate", "calendar", "429");
          healthyTool(metrics, "salon", "calendar", "503");
          metrics.setRate("callsphere_websocket_backpressure_events_total", { vertical: "sales" }, 0);
          metrics.set(
            "callsphere_websocket_send_buffer_bytes",
            { vertical: "sales", instance: "ws-1" },
            2 ** 20,
          );
          metrics.setRate(
            "callsphere_model_errors_total",
            { vertical: "after-hours", job_name: "callback" },
            0,
          );
          metrics.set(
            "kube_pod_container_status_waiting_reason",
            { namespace: "salon", reason: "CrashLoopBackOff", pod: "salon-agent-0", container: "agent" },
            0,
          );
        },
      });
    },
    { timeout: 180_000 },
  );
  after(() => h?.stop());

  describe("scenarios", { concurrency: true }, () => {
    it("healthcare FTL p95, one symptom: the SLO's page holds back the 800 ms page and its ticket, the SEV1 holds back all three, and a crash loop beside it holds back nothing", {
      timeout: TEST_MS,
    }, async (t) => {
      // The one page of each strength; the 800 ms page and the SLO's ticket must reach nobody.
      ledger.expect("HealthcareFtlLatencyFastBurn", { pagerduty: ["ai-eng"], slack: ["ai-eng"] });
      ledger.expect("HealthcareFtlP95Severe", { pagerduty: ["ai-eng-sev1"], slack: ["ai-eng"] });
      // A container crash-looping all along: it does not say healthcare is down (no impact: vertical),
      // so it pages platform and holds back no latency alert, the SEV1 least of all.
      ledger.expect("HealthcareCrashLoop", { pagerduty: ["platform"], slack: ["platform"] });
      h.metrics.set(
        "kube_pod_container_status_waiting_reason",
        {
          namespace: "healthcare",
          reason: "CrashLoopBackOff",
          pod: "healthcare-agent-0",
          container: "agent",
        },
        1,
      );
      await waitFor(
        "the crash loop's page",
        () => h.pages("HealthcareCrashLoop", "trigger")[0],
        h.forOf("healthcare", "HealthcareCrashLoop") + 30_000,
        () => h.deliveries(),
      );
      const common = { vertical: "healthcare", team: "ai-eng", alertType: "model" };
      // p95 in (800, 1000] ms: the SLO burns fast, and the 800 ms threshold alert fires behind it.
      const slow = setFtl(h.metrics, "healthcare", { [FAST]: 10, [SLOW]: 1e4 });
      const fast = await assertPaged(t, h, {
        ...common,
        alert: "HealthcareFtlLatencyFastBurn",
        receiver: "ai-eng",
        crossedAt: slow,
      });
      const within = h.forOf("healthcare", "HealthcareFtlP95High") + 30_000;
      await assertHeldBack(h, "HealthcareFtlP95High", "HealthcareFtlLatencyFastBurn", within);
      await assertHeldBack(h, "HealthcareFtlLatencySlowBurn", "HealthcareFtlLatencyFastBurn", within);
      assert.equal(await h.ruleState("HealthcareFtlP95Severe"), "inactive");

      const verySlow = setFtl(h.metrics, "healthcare", { [FAST]: 10, [SLOW]: 1e4, [VERY_SLOW]: 1e6 });
      const severe = await assertPaged(t, h, {
        ...common,
        alert: "HealthcareFtlP95Severe",
        receiver: "ai-eng-sev1",
        crossedAt: verySlow,
      });
      for (const weaker of [
        "HealthcareFtlP95High",
        "HealthcareFtlLatencyFastBurn",
        "HealthcareFtlLatencySlowBurn",
      ])
        await assertHeldBack(h, weaker, "HealthcareFtlP95Severe", 15_000);
      // Held back, the SLO's page is not repeated, and the 800 ms page never went out at all.
      await assertNoPage(h, "HealthcareFtlP95High", seconds(h.timings.critical.groupInterval) * 1000 + 2000);
      assert.equal(h.pages("HealthcareFtlLatencyFastBurn", "trigger").length, 1);
      assert.deepEqual(h.slackFor("HealthcareFtlLatencySlowBurn"), []);

      setFtl(h.metrics, "healthcare", { [FAST]: 1e10 });
      const resolve = await h.waitForPage("HealthcareFtlP95Severe", 60_000, "resolve");
      assert.equal(resolve.dedupKey, severe.dedupKey, "the SEV1's resolve would not close its incident");
      assert.equal(resolve.routingKey, severe.routingKey);
      await waitFor(
        "the Slack resolve of the SEV1",
        () => h.slackFor("HealthcareFtlP95Severe", "resolved")[0],
        15_000,
      );
      assert.ok(
        fast.dedupKey !== severe.dedupKey,
        "the SLO's page and the SEV1 are two incidents on two services",
      );
    });

    it("an unknown tool (healthcare ehr) pages the integrations fallback", {
      timeout: TEST_MS,
    }, async (t) => {
      ledger.expect("HealthcareEhrToolErrors", { pagerduty: ["integrations"], slack: ["integrations"] });
      // Failing series without a customer are a customer billing does not list: the per-customer
      // alert fires too, at healthcare's strictest tier.
      ledger.expect("HealthcareCustomerEhrFailing", { pagerduty: ["integrations"], slack: ["integrations"] });
      await assertPaged(t, h, {
        alert: "HealthcareEhrToolErrors",
        vertical: "healthcare",
        receiver: "integrations",
        team: "integrations",
        alertType: "tool",
        toolName: "ehr",
        crossedAt: failTool(h.metrics, "healthcare", "ehr", "503"),
      });
    });

    it("real-estate CRM webhook 5xx pages crm-owners once, through the SLO's page that holds back the threshold page, without e-mail", {
      timeout: TEST_MS,
    }, async (t) => {
      // The threshold alert shares the CRM SLO's symptom: while the fast burn pages, it waits.
      ledger.expect("RealEstateCrmToolSuccessFastBurn", { pagerduty: ["crm-owners"], slack: ["crm-owners"] });
      ledger.expect("RealEstateCustomerCrmFailing", { pagerduty: ["crm-owners"], slack: ["crm-owners"] });
      const crossedAt = failTool(h.metrics, "real-estate", "crm", "502");
      await assertPaged(t, h, {
        alert: "RealEstateCrmToolSuccessFastBurn",
        vertical: "real-estate",
        receiver: "crm-owners",
        team: "crm-owners",
        alertType: "tool",
        toolName: "crm",
        crossedAt,
      });
      const within = h.forOf("real-estate", "RealEstateCrmWebhook5xx") + 30_000;
      await assertHeldBack(h, "RealEstateCrmWebhook5xx", "RealEstateCrmToolSuccessFastBurn", within);
      await assertHeldBack(h, "RealEstateCrmToolSuccessSlowBurn", "RealEstateCrmToolSuccessFastBurn", within);
      // Real estate sells enterprise, so an alert without a tier pages, and no off-hours twin e-mails.
      assert.deepEqual(h.emailsFor("RealEstateCrmToolSuccessFastBurn"), []);
    });

    it("stock alerts (no alert_type): KubeNodeNotReady critical pages platform, warning reaches its Slack, and the stock Watchdog beats nothing", {
      timeout: TEST_MS,
    }, async () => {
      ledger.expect("KubeNodeNotReady", { pagerduty: ["platform"], slack: ["platform"] });
      const stock = { alertname: "KubeNodeNotReady", job: "kube-state-metrics", namespace: "kube-system" };
      const sentAt = Date.now();
      await h.postAlerts([
        { ...stock, severity: "critical", node: "node-a" },
        // kube-prometheus-stack's own Watchdog: severity none, no alert_type, no vertical.
        { alertname: "Watchdog", severity: "none", prometheus: "monitoring/kube-prometheus-stack" },
      ]);
      const groupWaitMs = seconds(h.timings.critical.groupWait) * 1000;
      const page = await h.waitForPage("KubeNodeNotReady", groupWaitMs + 10_000, "trigger", sentAt);
      assert.equal(page.receiver, "platform");
      assert.match(String(page.details.firing), /node = node-a/);
      await h.postAlerts([{ ...stock, severity: "warning", node: "node-b" }]);
      const warning = await waitFor(
        "the warning in platform's Slack",
        () => h.slackFor("KubeNodeNotReady", "firing").find((message) => message.text.includes("node-b")),
        seconds(h.timings.warning.groupWait) * 1000 + 10_000,
        () => h.deliveries(),
      );
      assert.equal(warning.team, "platform");
      // Over a flush of the pager route and more than a heartbeat: the warning never pages.
      await holdsFalse(
        "the warning must page nobody",
        () =>
          h.pagerduty.events.some((event) => String(event.details.firing).includes("node-b"))
            ? h.deliveries()
            : undefined,
        seconds(h.timings.critical.groupInterval) * 1000 + 2000,
      );
      // The heartbeat hears only our Watchdogs, each with its vertical; the stock one never.
      assert.ok(
        h.heartbeat.beats.every((beat) => beat.groupLabels.vertical),
        JSON.stringify(h.heartbeat.beats.map((beat) => beat.groupLabels)),
      );
      assert.deepEqual(h.slackFor("Watchdog"), []);
      assert.deepEqual(h.emailsFor("Watchdog"), []);
    });

    it("real-estate calendar API 429 pages calendar-owners", { timeout: TEST_MS }, async (t) => {
      ledger.expect("RealEstateCalendarApi429", {
        pagerduty: ["calendar-owners"],
        slack: ["calendar-owners"],
      });
      await assertPaged(t, h, {
        alert: "RealEstateCalendarApi429",
        vertical: "real-estate",
        receiver: "calendar-owners",
        team: "calendar-owners",
        alertType: "tool",
        toolName: "calendar",
        crossedAt: failTool(h.metrics, "real-estate", "calendar", "429"),
      });
    });

    it("sales WebSocket backpressure pages platform", { timeout: TEST_MS }, async (t) => {
      ledger.expect("SalesWebsocketBackpressure", { pagerduty: ["platform"], slack: ["platform"] });
      // The rule wants more than one event a second over 5 minutes.
      h.metrics.setRate("callsphere_websocket_backpressure_events_total", { vertical: "sales" }, 1000);
      await assertPaged(t, h, {
        alert: "SalesWebsocketBackpressure",
        vertical: "sales",
        receiver: "platform",
        team: "platform",
        alertType: "infra",
        crossedAt: Date.now(),
      });
    });

    it("after-hours per-job model errors page ai-eng", { timeout: TEST_MS }, async (t) => {
      ledger.expect("AfterHoursJobModelErrors", { pagerduty: ["ai-eng"], slack: ["ai-eng"] });
      h.metrics.setRate(
        "callsphere_model_errors_total",
        { vertical: "after-hours", job_name: "callback" },
        100,
      );
      await assertPaged(t, h, {
        alert: "AfterHoursJobModelErrors",
        vertical: "after-hours",
        receiver: "ai-eng",
        team: "ai-eng",
        alertType: "model",
        crossedAt: Date.now(),
      });
    });

    it("a trial customer's alert (salon calendar) reaches e-mail only", { timeout: TEST_MS }, async (t) => {
      // cora buys salon's trial tier: real Prometheus joins billing's info series for the tier.
      const alert = "SalonCustomerCalendarFailing";
      const mailbox = teamEmail("calendar-owners");
      ledger.expect(alert, { email: [mailbox] });
      const crossedAt = failToolFor(h.metrics, "salon", "calendar", "503", "cora", "acme");
      const email = await waitFor(
        `the e-mail about ${alert}`,
        () => h.emailsFor(alert)[0],
        h.forOf("salon", alert) + 30_000,
        () => h.deliveries(),
      );
      assert.deepEqual(email.recipients, [mailbox]);
      assert.match(email.subject, new RegExp(`^\\[FIRING:1\\] ${alert} `));
      t.diagnostic(`latency ${alert} (e-mail): ${((email.at - crossedAt) / 1000).toFixed(1)} s`);
      // The page and the Slack message would have left in the same flush as the e-mail.
      await assertNoPage(h, alert, 3000);
      assert.deepEqual(h.slackFor(alert), []);
    });

    it("a warning reaches the owner's Slack without paging", { timeout: TEST_MS }, async (t) => {
      ledger.expect("SalesWebsocketSendBufferHigh", { slack: ["platform"] });
      h.metrics.set(
        "callsphere_websocket_send_buffer_bytes",
        { vertical: "sales", instance: "ws-1" },
        2 ** 23,
      );
      const crossedAt = Date.now();
      const message = await waitFor(
        "the Slack message about SalesWebsocketSendBufferHigh",
        () => h.slackFor("SalesWebsocketSendBufferHigh", "firing")[0],
        h.forOf("sales", "SalesWebsocketSendBufferHigh") + 30_000,
        () => h.deliveries(),
      );
      assert.equal(message.team, "platform");
      t.diagnostic(
        `latency SalesWebsocketSendBufferHigh (Slack): ${((message.at - crossedAt) / 1000).toFixed(1)} s`,
      );
      await assertNoPage(h, "SalesWebsocketSendBufferHigh", 3000);
    });

    it("a cost spike under 5x reaches Slack only, batched", { timeout: TEST_MS }, async (t) => {
      ledger.expect("HealthcareLlmCostSpike2x", { slack: ["ai-eng"] });
      const crossedAt = spendSpike(h.metrics, "healthcare", 3);
      // The setup is right only if the ratio really sits between the two thresholds.
      const ratio = await waitFor(
        "the healthcare spend ratio to reach 3x",
        async () => {
          const value = Number((await h.query(costRatioExpr("healthcare")))[0]?.value[1]);
          return value > 2.5 ? value : undefined;
        },
        10_000,
      );
      assert.ok(ratio > 2 && ratio < 5, `spend ratio ${ratio}`);
      const message = await waitFor(
        "the Slack message about HealthcareLlmCostSpike2x",
        () => h.slackFor("HealthcareLlmCostSpike2x", "firing")[0],
        h.forOf("healthcare", "HealthcareLlmCostSpike2x") + 30_000,
        () => h.deliveries(),
      );
      assert.equal(message.team, "ai-eng");
      const batch = seconds(h.timings.costSpike.groupWait) * 1000;
      const ms = message.at - crossedAt;
      t.diagnostic(`latency HealthcareLlmCostSpike2x (Slack, cost-spike batch): ${(ms / 1000).toFixed(1)} s`);
      // Held for the cost-spike batch's group_wait, not the warnings' shorter one.
      assert.ok(ms >= h.forOf("healthcare", "HealthcareLlmCostSpike2x") + batch);
      assert.equal(await h.ruleState("HealthcareLlmCostSpike5x"), "inactive");
      await assertNoPage(h, "HealthcareLlmCostSpike2x", 3000);
    });

    it("a cost spike over 5x pages", { timeout: TEST_MS }, async (t) => {
      ledger.expect("AfterHoursLlmCostSpike5x", { pagerduty: ["ai-eng"], slack: ["ai-eng"] });
      // Above 5x the 2x rule fires as well, and goes to the hourly Slack batch.
      ledger.expect("AfterHoursLlmCostSpike2x", { slack: ["ai-eng"] });
      await assertPaged(t, h, {
        alert: "AfterHoursLlmCostSpike5x",
        vertical: "after-hours",
        receiver: "ai-eng",
        team: "ai-eng",
        alertType: "model",
        crossedAt: spendSpike(h.metrics, "after-hours", 10),
      });
    });
  });

  it("nobody else received anything", () => {
    assertNothingUnexpected(h, ledger);
    assert.ok(h.heartbeat.beats.length > 0, "the Watchdog heartbeat never arrived");
  });
});
