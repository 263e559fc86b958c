// The rendered configuration in the topology production runs: three Alertmanagers peered by gossip
// and a pair of Prometheus replicas evaluating the same rules, each replica sending every alert to
// every Alertmanager, so six copies of each alert arrive. One harness, one step after another,
// since each step changes the cluster the next one meets.
//
// The tests fail only on what Alertmanager 0.25 promises: in a steady cluster, one page and one
// resolve per alert group, and no page lost when a node dies. Around a restart or a reload its
// own issues report probabilistic duplicates, so there the repeated pages are measured and
// reported as figures, not judged.
import assert from "node:assert/strict";
import { after, before, describe, it, type TestContext } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { assertNothingUnexpected, Ledger, PAGE_MARGIN_MS } from "../e2e/expect";
import { alertOf, CLUSTER_TIMINGS, Harness, REPLICA_LABEL } from "../e2e/harness";
import type { MetricsEndpoint } from "../e2e/metrics";
import { failTool, healthyTool } from "../e2e/series";
import { configKey, seconds, TEST_TIMINGS } from "../e2e/stackConfig";
import { holdsFalse, waitFor } from "../e2e/wait";
import { record } from "./figures";

const ALERTMANAGERS = 3;
const REPLICAS = 2;
/**
 * A critical group_wait of 3 s: long enough for the test to kill the node that would notify
 * first while the group waits; the other timings are the suite's.
 */
const TIMINGS = {
  ...TEST_TIMINGS,
  critical: { groupWait: "3s", groupInterval: "5s", repeatInterval: "10m" },
};
const GROUP_WAIT = seconds(TIMINGS.critical.groupWait) * 1000;
const GROUP_INTERVAL = seconds(TIMINGS.critical.groupInterval) * 1000;
const PEER_TIMEOUT = seconds(CLUSTER_TIMINGS.peerTimeout) * 1000;
/**
 * Long enough for every node to have had its turn (the last waits 2 × peer timeout behind the
 * first) and for two more flushes: a duplicate would have arrived within it.
 */
const QUIET_MS = GROUP_WAIT + (ALERTMANAGERS - 1) * PEER_TIMEOUT + 2 * GROUP_INTERVAL + 2000;
const TEST_MS = 180_000;

const ledger = new Ledger();
let h: Harness;

const CRASH = "kube_pod_container_status_waiting_reason";
const crashLabels = (namespace: string, pod: string) => ({
  namespace,
  pod,
  container: "agent",
  reason: "CrashLoopBackOff",
});
function crashLoop(metrics: MetricsEndpoint, namespace: string, pod: string, looping: boolean): number {
  metrics.set(CRASH, crashLabels(namespace, pod), looping ? 1 : 0);
  return Date.now();
}

/**
 * How far ahead a recovery is stamped (MetricsEndpoint.setAt), so both replicas have scraped it
 * before it takes effect and resolve at the same evaluation: three scrape intervals, for a loaded
 * machine.
 */
const SYNC_MS = 3000;

/** The alert groups of the steady-state test: two pods of one group, and two groups of one. */
const CRASH_GROUPS = [
  { alert: "HealthcareCrashLoop", namespace: "healthcare", pods: ["agent-0", "agent-1"] },
  { alert: "SalesCrashLoop", namespace: "sales", pods: ["agent-0"] },
  { alert: "RealEstateCrashLoop", namespace: "real-estate", pods: ["agent-0"] },
];

const events = (alert: string, action: string, after = 0) =>
  h.pagerduty.accepted().filter((e) => alertOf(e) === alert && e.eventAction === action && e.at >= after);

/** The Alertmanagers a Prometheus replica has sent alerts to, read off its own metrics. */
async function alertmanagersSentTo(replica: number): Promise<string[]> {
  const response = await fetch(`${h.promUrlOf(replica)}/metrics`, { signal: AbortSignal.timeout(5000) });
  const sent = /^prometheus_notifications_sent_total\{alertmanager="([^"]+)"\} (\S+)$/gm;
  return [...(await response.text()).matchAll(sent)].filter((m) => Number(m[2]) > 0).map((m) => m[1]);
}

/** The running Alertmanagers' indexes. */
const running = () => h.ams.filter((am) => am.started).map((am) => am.index);

/**
 * Waits out QUIET_MS and returns how many triggers about `alerts` arrived after `from`. A span of
 * time by definition: a repeat is counted, not waited for.
 */
async function triggersDuring(alerts: string[], from: number): Promise<number> {
  await sleep(QUIET_MS);
  return alerts.reduce((sum, alert) => sum + events(alert, "trigger", from).length, 0);
}

describe("a three-node Alertmanager cluster and a Prometheus pair", { timeout: 900_000 }, () => {
  before(
    async () => {
      h = await Harness.start({
        name: "ha",
        businessHours: "inside",
        timings: TIMINGS,
        alertmanagers: ALERTMANAGERS,
        prometheusReplicas: REPLICAS,
        seed: (metrics) => {
          for (const group of CRASH_GROUPS)
            for (const pod of group.pods) crashLoop(metrics, group.namespace, pod, false);
          crashLoop(metrics, "after-hours", "worker-0", false);
          healthyTool(metrics, "real-estate", "calendar", "429");
        },
      });
    },
    { timeout: 240_000 },
  );
  after(() => h?.stop());

  it("six copies of each alert arrive; each group pages once and resolves once", {
    timeout: TEST_MS,
  }, async (t) => {
    for (const group of CRASH_GROUPS)
      ledger.expect(group.alert, { pagerduty: ["platform"], slack: ["platform"] });
    const alerts = CRASH_GROUPS.map((group) => group.alert);
    const crossedAt = Date.now();
    for (const group of CRASH_GROUPS)
      for (const pod of group.pods) crashLoop(h.metrics, group.namespace, pod, true);

    // Each replica sends to all three, and each Alertmanager holds one alert per pod: the two
    // replicas' copies are one alert, since neither carries the replica label.
    for (const index of running()) {
      for (const group of CRASH_GROUPS) {
        const held = await waitFor(
          `${group.alert} in Alertmanager ${index}`,
          async () => {
            const found = await h.amAlerts(group.alert, index);
            return found.length >= group.pods.length ? found : undefined;
          },
          h.forOf(group.namespace, group.alert) + 30_000,
        );
        assert.equal(
          held.length,
          group.pods.length,
          `Alertmanager ${index} holds the replicas' copies apart`,
        );
        for (const alert of held)
          assert.equal(
            alert.labels[REPLICA_LABEL],
            undefined,
            `Alertmanager ${index} got a replica's own copy`,
          );
      }
    }
    for (let replica = 0; replica < REPLICAS; replica++) {
      const sentTo = await alertmanagersSentTo(replica);
      assert.equal(
        sentTo.length,
        ALERTMANAGERS,
        `Prometheus replica ${replica} sends to ${sentTo.join(", ")}`,
      );
    }

    const pages = [];
    for (const alert of alerts) {
      const page = await h.waitForPage(alert, GROUP_WAIT + PAGE_MARGIN_MS + 30_000, "trigger", crossedAt);
      assert.equal(page.receiver, "platform");
      pages.push(page);
    }
    await triggersDuring(alerts, crossedAt);
    for (const alert of alerts) {
      assert.equal(events(alert, "trigger").length, 1, `${alert} paged more than once:\n${h.deliveries()}`);
      assert.equal(h.slackFor(alert, "firing").length, 1, `${alert} reached Slack more than once`);
    }
    for (const [i, alert] of alerts.entries()) {
      const due = h.forOf(CRASH_GROUPS[i].namespace, alert) + 1000 + GROUP_WAIT;
      record(t, `steady page latency ${alert}`, pages[i].at - crossedAt, "ms", `due ${due / 1000} s`);
    }

    // The pair sees the recovery at one evaluation: a replica resolving a second before the other
    // would let Alertmanager take the other's firing copy again, and a flush in between would page
    // twice. Production's replicas differ by up to a scrape and an evaluation interval (see
    // docs/high-availability.md).
    const recoveredAt = Date.now() + SYNC_MS;
    for (const group of CRASH_GROUPS)
      for (const pod of group.pods) h.metrics.setAt(CRASH, crashLabels(group.namespace, pod), 0, recoveredAt);
    for (const [i, alert] of alerts.entries()) {
      const resolve = await h.waitForPage(
        alert,
        GROUP_INTERVAL + PAGE_MARGIN_MS + 30_000,
        "resolve",
        recoveredAt,
      );
      assert.equal(resolve.dedupKey, pages[i].dedupKey, `${alert}'s resolve would not close its incident`);
    }
    await triggersDuring(alerts, recoveredAt);
    for (const alert of alerts) {
      assert.equal(
        events(alert, "resolve").length,
        1,
        `${alert} resolved more than once:\n${h.deliveries()}`,
      );
      assert.equal(
        events(alert, "trigger").length,
        1,
        `${alert} paged again after it resolved:\n${h.deliveries()}`,
      );
      const resolve = events(alert, "resolve")[0];
      record(t, `steady resolve latency ${alert}`, resolve.at - recoveredAt, "ms");
    }
    record(
      t,
      "steady duplicate pages",
      0,
      "pages",
      `${alerts.length} groups, ${ALERTMANAGERS * REPLICAS} copies each`,
    );
  });

  it("a recovery the replicas see a scrape apart: repeated pages are measured", {
    timeout: TEST_MS,
  }, async (t) => {
    // What production meets: each replica scrapes at its own phase, so one may resolve an
    // evaluation before the other. Measured, not judged: no Alertmanager promise covers it.
    const alert = "SalesCrashLoop";
    const from = Date.now();
    crashLoop(h.metrics, "sales", "agent-1", true);
    await h.waitForPage(
      alert,
      h.forOf("sales", alert) + GROUP_WAIT + PAGE_MARGIN_MS + 30_000,
      "trigger",
      from,
    );
    const recoveredAt = crashLoop(h.metrics, "sales", "agent-1", false);
    await h.waitForPage(alert, GROUP_INTERVAL + PAGE_MARGIN_MS + 30_000, "resolve", recoveredAt);
    const repeated = await triggersDuring([alert], recoveredAt);
    record(t, "repeated pages after an unsynchronised recovery", repeated, "pages");
    const last = events(alert, "resolve", recoveredAt).at(-1);
    assert.ok(
      last && events(alert, "trigger", recoveredAt).every((page) => page.at < last.at),
      `${alert} is left open after its recovery:\n${h.deliveries()}`,
    );
  });

  const TOOL_ALERT = "RealEstateCalendarApi429";
  let killed = -1;

  it("the Alertmanager that would notify first dies while the group waits: the page arrives once, within group_wait and the peer timeout", {
    timeout: TEST_MS,
  }, async (t) => {
    ledger.expect(TOOL_ALERT, {
      pagerduty: ["calendar-owners", "integrations"],
      slack: ["calendar-owners", "integrations"],
    });
    const order = await h.notifyOrder();
    killed = order[0];
    const crossedAt = failTool(h.metrics, "real-estate", "calendar", "429");
    await waitFor(
      `${TOOL_ALERT} in the first notifier, Alertmanager ${killed}`,
      async () => ((await h.amAlerts(TOOL_ALERT, killed)).length > 0 ? true : undefined),
      h.forOf("real-estate", TOOL_ALERT) + 30_000,
      () => h.deliveries(),
    );
    const arrivedAt = Date.now();
    await h.stopAlertmanager(killed, "SIGKILL");
    const killedAt = Date.now();
    assert.deepEqual(
      events(TOOL_ALERT, "trigger"),
      [],
      "the page went out before the kill: no group was waiting",
    );
    assert.ok(
      killedAt - arrivedAt < GROUP_WAIT,
      `the kill took ${killedAt - arrivedAt} ms, longer than group_wait`,
    );

    const bound = GROUP_WAIT + PEER_TIMEOUT;
    const page = await h.waitForPage(TOOL_ALERT, bound + PAGE_MARGIN_MS + 10_000, "trigger", crossedAt);
    assert.equal(page.receiver, "calendar-owners");
    const latency = page.at - arrivedAt;
    // A correctness bound with a stated margin (PAGE_MARGIN_MS, for a loaded machine): a node that
    // waited for the dead one's nflog entry forever, or a second peer timeout, lands past it.
    assert.ok(
      latency <= bound + PAGE_MARGIN_MS,
      `the page came ${latency} ms after the alert arrived, later than group_wait + peer timeout (${bound} ms) + ${PAGE_MARGIN_MS} ms`,
    );
    const repeated = (await triggersDuring([TOOL_ALERT], crossedAt)) - 1;
    assert.equal(repeated, 0, `the surviving nodes paged more than once:\n${h.deliveries()}`);
    record(t, "killed notifier page latency", latency, "ms", `group_wait + peer timeout = ${bound / 1000} s`);
  });

  /** Repeated pages for an alert already paged, after `from`; `expected` new pages are not repeats. */
  async function repeatedAfter(t: TestContext, what: string, from: number, expected = 0): Promise<number> {
    const triggers = await triggersDuring([TOOL_ALERT], from);
    const repeated = triggers - expected;
    record(t, `repeated pages ${what}`, repeated, "pages");
    assert.ok(triggers >= expected, `the page after ${what} was lost:\n${h.deliveries()}`);
    return repeated;
  }

  it("the killed Alertmanager restarts and rejoins: repeated pages are measured", {
    timeout: TEST_MS,
  }, async (t) => {
    assert.ok(killed >= 0, "the previous test killed no Alertmanager");
    const restartedAt = Date.now();
    await h.startAlertmanager(killed);
    await h.waitForCluster();
    record(t, "rejoin time", Date.now() - restartedAt, "ms", "start to a settled three-node cluster");
    await waitFor(
      `${TOOL_ALERT} re-sent to the restarted Alertmanager`,
      async () => ((await h.amAlerts(TOOL_ALERT, killed)).length > 0 ? true : undefined),
      15_000,
    );
    await repeatedAfter(t, "after a rejoin", restartedAt);
  });

  const RELOADS: { what: string; expected: number; change: () => Promise<string> }[] = [
    { what: "after a reload of the same config", expected: 0, change: async () => h.amConfigText() },
    {
      what: "after a reload keeping route keys (a tool owner added)",
      expected: 0,
      change: async () => {
        const doc = h.stackConfig();
        const owners = doc.config[configKey("toolOwners")] as Record<string, string>;
        owners.ehr = "crm-owners";
        return h.renderedConfig(doc, "out-owner-added");
      },
    },
    {
      // The calendar's owner removed: its alerts fall to the fallback owner on a new route, so the
      // group is new there and pages once; the incident open on the old key is never resolved.
      what: "after a reload re-keying the route (the calendar owner removed)",
      expected: 1,
      change: async () => {
        const doc = h.stackConfig();
        const owners = doc.config[configKey("toolOwners")] as Record<string, string>;
        delete owners.calendar;
        return h.renderedConfig(doc, "out-owner-removed");
      },
    },
  ];
  for (const reload of RELOADS) {
    it(`all three Alertmanagers reload: repeated pages ${reload.what} are measured`, {
      timeout: TEST_MS,
    }, async (t) => {
      const text = await reload.change();
      const reloadedAt = Date.now();
      await h.reloadAlertmanager(text);
      await repeatedAfter(t, reload.what, reloadedAt, reload.expected);
      if (reload.expected > 0) {
        const moved = events(TOOL_ALERT, "trigger", reloadedAt)[0];
        assert.equal(moved.receiver, "integrations", "the re-keyed alert reached the wrong owner");
      }
    });
  }

  it("a Prometheus replica dies: alerts keep flowing from the other, and nothing resolves in between", {
    timeout: TEST_MS,
  }, async (t) => {
    ledger.expect("AfterHoursCrashLoop", { pagerduty: ["platform"], slack: ["platform"] });
    const killedAt = Date.now();
    await h.killPrometheus(REPLICAS - 1);
    const crossedAt = crashLoop(h.metrics, "after-hours", "worker-0", true);
    const page = await h.waitForPage(
      "AfterHoursCrashLoop",
      h.forOf("after-hours", "AfterHoursCrashLoop") + GROUP_WAIT + PAGE_MARGIN_MS + 20_000,
      "trigger",
      crossedAt,
    );
    assert.equal(page.receiver, "platform");
    record(t, "page latency with one replica left", page.at - crossedAt, "ms");
    // The dead replica's copies expire 4 resend delays after its last send; the other keeps them alive.
    await holdsFalse(
      "a firing alert must not resolve while one replica still sends it",
      () => {
        const resolve = h.pagerduty.accepted().find((e) => e.eventAction === "resolve" && e.at >= killedAt);
        return resolve ? `${alertOf(resolve)} resolved:\n${h.deliveries()}` : undefined;
      },
      QUIET_MS,
    );
    for (const index of running()) {
      const [alert] = await h.amAlerts(TOOL_ALERT, index);
      assert.equal(
        alert?.status.state,
        "active",
        `${TOOL_ALERT} is no longer active in Alertmanager ${index}`,
      );
    }
    assert.equal(events("AfterHoursCrashLoop", "trigger").length, 1, "the replica's death paged twice");
  });

  it("nobody else received anything", () => {
    assertNothingUnexpected(h, ledger);
  });
});
