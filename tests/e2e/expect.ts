// What a scenario expects to be delivered, checked on the stand-ins' records: the page with its
// routing key, severity and labels, the Slack message that goes with it, and, at the end of a
// harness, that nobody received anything no scenario expected.
import assert from "node:assert/strict";
import type { TestContext } from "node:test";
import { type AmAlert, alertOf, emailAlertOf, type Harness, slackAlertOf } from "./harness";
import { seconds } from "./stackConfig";
import { PAGERDUTY_SEVERITIES, type PagerDutyEvent } from "./standIns";
import { holdsFalse, waitFor } from "./wait";

/** Who may receive something about an alert: PagerDuty receivers, Slack teams, e-mail addresses. */
export interface Expected {
  pagerduty?: string[];
  slack?: string[];
  email?: string[];
}

export class Ledger {
  private readonly expected: { alert: string | RegExp; expected: Expected }[] = [];

  /**
   * `alert` is a name, or a pattern for alerts that follow from the same metrics without being the
   * scenario's subject: the burn-rate alerts of an SLO over the series the scenario degrades.
   */
  expect(alert: string | RegExp, expected: Expected): void {
    this.expected.push({ alert, expected });
  }

  private get(alert: string): Expected | undefined {
    return this.expected.find((entry) =>
      typeof entry.alert === "string" ? entry.alert === alert : entry.alert.test(alert),
    )?.expected;
  }

  /** Every delivery that no expectation covers, and every event PagerDuty would have refused. */
  unexpected(harness: Harness): string[] {
    const problems: string[] = [];
    for (const event of harness.pagerduty.events) {
      const alert = alertOf(event);
      if (event.status === 400) problems.push(`PagerDuty refused ${alert}: ${event.errors.join("; ")}`);
      if (!this.get(alert)?.pagerduty?.includes(event.receiver ?? event.routingKey))
        problems.push(
          `PagerDuty ${event.eventAction} for ${alert} reached ${event.receiver ?? event.routingKey}`,
        );
    }
    for (const message of harness.slack.messages) {
      const alert = slackAlertOf(message);
      if (!this.get(alert)?.slack?.includes(message.team))
        problems.push(`Slack message about ${alert || message.text} reached ${message.team}`);
    }
    for (const email of harness.smtp.emails) {
      const alert = emailAlertOf(email);
      for (const recipient of email.recipients) {
        if (!this.get(alert)?.email?.includes(recipient))
          problems.push(`e-mail about ${alert || email.subject} reached ${recipient}`);
      }
    }
    for (const beat of harness.heartbeat.beats) {
      if (beat.groupLabels.alertname !== "Watchdog" || !beat.authorized)
        problems.push(`heartbeat with ${JSON.stringify(beat.groupLabels)}, authorized: ${beat.authorized}`);
    }
    return problems;
  }
}

export interface PageSpec {
  alert: string;
  vertical: string;
  receiver: string;
  team: string;
  alertType: string;
  toolName?: string;
  /** When the metric crossed the alert's threshold (ms since the epoch). */
  crossedAt: number;
}

/** How much later than due a page may arrive: scrapes, evaluation and a busy machine, generously. */
export const PAGE_MARGIN_MS = 10_000;

/** `for` + one evaluation interval + the route's group_wait: when a page is due after the crossing. */
export function expectedLatency(
  harness: Harness,
  vertical: string,
  alert: string,
  groupWait: string,
): number {
  return harness.forOf(vertical, alert) + 1000 + seconds(groupWait) * 1000;
}

/**
 * Waits for the page of a critical alert and checks it as PagerDuty would see it: the receiver's
 * routing key, a severity PagerDuty accepts, the routing labels in its details, and the Slack
 * message that accompanies it. Prints and returns the latency from the crossing to the page.
 */
export async function assertPaged(t: TestContext, harness: Harness, spec: PageSpec): Promise<PagerDutyEvent> {
  const groupWait = harness.timings.critical.groupWait;
  const due = expectedLatency(harness, spec.vertical, spec.alert, groupWait);
  const event = await harness.waitForPage(spec.alert, due + 30_000, "trigger", spec.crossedAt);
  assert.equal(event.receiver, spec.receiver, `${spec.alert} paged the wrong team:\n${harness.deliveries()}`);
  assert.ok((PAGERDUTY_SEVERITIES as readonly string[]).includes(event.severity));
  assert.equal(event.severity, "critical");
  assert.ok(event.source.length > 0);
  assert.ok(event.dedupKey.length > 0 && event.dedupKey.length <= 255);
  assert.deepEqual(
    {
      alert_type: event.details.alert_type,
      team: event.details.team,
      vertical: event.details.vertical,
      tool_name: event.details.tool_name,
    },
    { alert_type: spec.alertType, team: spec.team, vertical: spec.vertical, tool_name: spec.toolName ?? "" },
  );
  assert.match(String(event.details.firing), new RegExp(`alertname = ${spec.alert}\\b`));
  assert.match(String(event.details.firing), /severity = critical/);
  const slack = await waitFor(
    `the Slack message accompanying the ${spec.alert} page`,
    () => harness.slackFor(spec.alert, "firing")[0],
    15_000,
    () => harness.deliveries(),
  );
  assert.equal(slack.team, spec.team);
  const ms = harness.figure(t, spec.alert, spec.crossedAt, event.at, due);
  const floor = harness.forOf(spec.vertical, spec.alert) + seconds(groupWait) * 1000;
  assert.ok(
    ms >= floor,
    `${spec.alert} paged ${ms} ms after crossing, before for + group_wait (${floor} ms)`,
  );
  // A correctness bound, not a speed test: a group_wait of 1 s turned 20 s, or a `for` that doubled,
  // lands past it; a loaded two-core machine does not.
  assert.ok(
    ms <= due + PAGE_MARGIN_MS,
    `${spec.alert} paged ${ms} ms after crossing, later than for + evaluation + group_wait (${due} ms) plus ${PAGE_MARGIN_MS} ms`,
  );
  return event;
}

/** Asserts that no PagerDuty event about `alert` arrives during `durationMs`. */
export async function assertNoPage(harness: Harness, alert: string, durationMs: number): Promise<void> {
  await holdsFalse(
    `${alert} must page nobody`,
    () => {
      const event = harness.pagerduty.events.find((candidate) => alertOf(candidate) === alert);
      return event ? `it reached ${event.receiver}:\n${harness.deliveries()}` : undefined;
    },
    durationMs,
  );
}

/**
 * Waits until `target` sits in Alertmanager suppressed by an inhibit rule whose source is the firing
 * `source` (its fingerprint among `inhibitedBy`), and returns the target's alert.
 */
export async function assertHeldBack(
  harness: Harness,
  target: string,
  source: string,
  timeoutMs: number,
): Promise<AmAlert> {
  const [firing] = await waitFor(
    `${source} firing in Alertmanager`,
    async () => {
      const alerts = await harness.amAlerts(source);
      return alerts.length > 0 ? alerts : undefined;
    },
    timeoutMs,
  );
  return waitFor(
    `${target} held back by ${source}`,
    async () =>
      (await harness.amAlerts(target)).find(
        (alert) =>
          alert.status.state === "suppressed" && alert.status.inhibitedBy.includes(firing.fingerprint),
      ),
    timeoutMs,
    () => harness.deliveries(),
  );
}

export function assertNothingUnexpected(harness: Harness, ledger: Ledger): void {
  const problems = ledger.unexpected(harness);
  assert.deepEqual(problems, [], `unexpected deliveries:\n${harness.deliveries()}`);
}
