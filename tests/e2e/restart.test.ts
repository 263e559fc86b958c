// The dead man's switch and restarts, through the real binaries: the Watchdog reaches its heartbeat
// on schedule; Alertmanager stopped gracefully and started again on the same storage neither pages
// twice nor forgets a silence; and a killed Prometheus stops the heartbeat, which is how a dead
// pipeline shows. One harness, one step after another, since each step disturbs the others.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { assertNothingUnexpected, assertPaged, Ledger } from "./expect";
import { Harness } from "./harness";
import { failTool, healthyTool } from "./series";
import { seconds } from "./stackConfig";
import type { Heartbeat } from "./standIns";
import { holdsFalse, waitFor } from "./wait";

const TEST_MS = 150_000;
const ledger = new Ledger();
let h: Harness;

/** Gaps between consecutive heartbeats of each Watchdog group (one per vertical), in ms. */
function gapsByGroup(beats: readonly Heartbeat[]): Map<string, number[]> {
  const last = new Map<string, number>();
  const gaps = new Map<string, number[]>();
  for (const beat of beats) {
    const group = beat.groupLabels.vertical ?? "";
    const previous = last.get(group);
    if (previous !== undefined) gaps.set(group, [...(gaps.get(group) ?? []), beat.at - previous]);
    last.set(group, beat.at);
  }
  return gaps;
}

describe("heartbeat and restarts through the real binaries", { timeout: 400_000 }, () => {
  before(
    async () => {
      h = await Harness.start({
        name: "restart",
        businessHours: "inside",
        seed: (metrics) => {
          metrics.setRate("callsphere_websocket_backpressure_events_total", { vertical: "sales" }, 0);
          healthyTool(metrics, "healthcare", "ehr", "503");
        },
      });
    },
    { timeout: 180_000 },
  );
  after(() => h?.stop());

  it("the Watchdog reaches the heartbeat repeatedly, at its period", { timeout: TEST_MS }, async (t) => {
    const period = seconds(h.timings.heartbeatRepeat) * 1000;
    const from = Date.now();
    // Prod's six verticals, and the rule file of the alerts about the alerting: one group each.
    const verticals = 7;
    const beats = await waitFor(
      "four heartbeats from every rule file's Watchdog",
      () => {
        const recent = h.heartbeat.beats.filter((beat) => beat.at >= from);
        const counts = new Map<string, number>();
        for (const beat of recent)
          counts.set(beat.groupLabels.vertical, (counts.get(beat.groupLabels.vertical) ?? 0) + 1);
        const all = counts.size === verticals && counts.has("alerting");
        return all && [...counts.values()].every((n) => n >= 4) ? recent : undefined;
      },
      12 * period + 10_000,
    );
    assert.ok(
      beats.every((beat) => beat.authorized),
      "a heartbeat went without its bearer token",
    );
    const all = [...gapsByGroup(beats).values()].flat();
    t.diagnostic(
      `heartbeat gaps per vertical (period ${period} ms): ` +
        `${all.map((ms) => (ms / 1000).toFixed(1)).join(" ")} s`,
    );
    // The heartbeat route's repeat_interval sits a tenth below its group_interval, so every tick
    // sends: with the two equal, a tick a moment early would skip to the next and halve the rate.
    for (const gap of all) {
      assert.ok(gap >= period - 500 && gap <= period + 1500, `heartbeat gap ${gap} ms, period ${period} ms`);
    }
  });

  it("Alertmanager restarted gracefully: no duplicate page, and a silence still holds", {
    timeout: TEST_MS,
  }, async (t) => {
    ledger.expect("SalesWebsocketBackpressure", { pagerduty: ["platform"], slack: ["platform"] });
    // The EHR failure below names no customer, so its per-customer alert pages too; only the
    // vertical-wide alert is silenced.
    ledger.expect("HealthcareCustomerEhrFailing", { pagerduty: ["integrations"], slack: ["integrations"] });
    h.metrics.setRate("callsphere_websocket_backpressure_events_total", { vertical: "sales" }, 1000);
    const first = await assertPaged(t, h, {
      alert: "SalesWebsocketBackpressure",
      vertical: "sales",
      receiver: "platform",
      team: "platform",
      alertType: "infra",
      crossedAt: Date.now(),
    });
    const silence = await h.createSilence(
      { alertname: "HealthcareEhrToolErrors", vertical: "healthcare" },
      "e2e: silenced before the restart",
    );

    const exitCode = await h.restartAlertmanager();
    assert.equal(exitCode, 0, "Alertmanager did not shut down cleanly on SIGTERM");
    const restartedAt = Date.now();
    failTool(h.metrics, "healthcare", "ehr", "503");

    // Alertmanager keeps no alerts across a restart; Prometheus re-sends the firing one every second.
    await waitFor(
      "Prometheus to re-send the firing alert to the new Alertmanager",
      async () => ((await h.amAlerts("SalesWebsocketBackpressure")).length > 0 ? true : undefined),
      15_000,
    );
    const silenced = await waitFor(
      "HealthcareEhrToolErrors to reach Alertmanager, silenced",
      async () => (await h.amAlerts("HealthcareEhrToolErrors")).find((a) => a.status.state === "suppressed"),
      h.forOf("healthcare", "HealthcareEhrToolErrors") + 20_000,
    );
    assert.deepEqual(silenced.status.silencedBy, [silence]);
    const active = (await h.silences()).find((candidate) => candidate.id === silence);
    assert.equal(active?.status.state, "active", "the silence did not survive the restart");
    // The notification log came back from disk: the group already notified stays quiet through
    // its group_wait and a group_interval, and the silenced alert pages nobody.
    await holdsFalse(
      "after the restart, nothing may page",
      () => {
        const again = h.pages("SalesWebsocketBackpressure", "trigger").length > 1;
        const silencedPage = h.pages("HealthcareEhrToolErrors").length > 0;
        return again || silencedPage ? h.deliveries() : undefined;
      },
      seconds(h.timings.critical.groupWait) * 1000 + seconds(h.timings.critical.groupInterval) * 1000 + 3000,
    );
    assert.equal(h.slackFor("SalesWebsocketBackpressure", "firing").length, 1, "Slack was told twice");
    assert.deepEqual(h.slackFor("HealthcareEhrToolErrors"), []);
    t.diagnostic(
      `restart: Alertmanager was back ${((restartedAt - first.at) / 1000).toFixed(1)} s after the first page`,
    );
  });

  it("Prometheus killed: the Watchdog heartbeat stops, so a dead pipeline shows", {
    timeout: TEST_MS,
  }, async (t) => {
    const period = seconds(h.timings.heartbeatRepeat) * 1000;
    await waitFor(
      "heartbeats from the restarted Alertmanager",
      () => {
        const recent = h.heartbeat.beats.filter((beat) => beat.at >= Date.now() - 2 * period - 1000);
        return recent.length > 0 ? true : undefined;
      },
      4 * period + 10_000,
    );
    const killedAt = Date.now();
    await h.killPrometheus();
    // Alertmanager keeps each Watchdog until its end time, 4 × the 1 s resend delay after the last
    // send; a flush already under way may still beat. After that, nothing may arrive.
    const settle = 4000 + 2 * period + 1000;
    await sleep(settle);
    const quiet = 4 * period;
    await holdsFalse(
      "the heartbeat must stop once Prometheus is dead",
      () => {
        const late = h.heartbeat.beats.find((beat) => beat.at > killedAt + settle);
        return late ? `a heartbeat arrived ${late.at - killedAt} ms after the kill` : undefined;
      },
      quiet,
    );
    const lastBeat = Math.max(...h.heartbeat.beats.map((beat) => beat.at));
    const gap = Date.now() - lastBeat;
    t.diagnostic(
      `last heartbeat ${lastBeat - killedAt} ms after the kill; silent for ${(gap / 1000).toFixed(1)} s ` +
        `(alive, the longest gap is ${(2 * period) / 1000} s)`,
    );
    assert.ok(gap > 2 * period + 1500, `heartbeat gap ${gap} ms is no longer than a live one`);
  });

  it("nobody else received anything", () => {
    assertNothingUnexpected(h, ledger);
  });
});
