// Route-key stability, through the real Alertmanager: PagerDuty's dedup_key is a hash of the route
// key and the group labels, so an open incident gets its resolve only if the key survives config
// changes. Four alerts on four kinds of route fire; a vertical, an alert, a team and a tool owner are
// added one after another, each rendered and loaded with a reload; each repeated page must carry the
// dedup_key it had. Last, a change that does re-key (a tool owner removed) must show in the render's
// warning and in the dedup_key.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import yaml from "js-yaml";
import type { RouteKey } from "../../alertmanager/routeKeys";
import { PROJECT_DIR } from "../support/tools";
import { assertPaged } from "./expect";
import { Harness, type Rendered } from "./harness";
import { FAST, failTool, healthyFtl, healthyTool, SLOW, setFtl } from "./series";
import { configKey, type StackConfigDoc, TEST_TIMINGS, verticalsOf } from "./stackConfig";
import type { PagerDutyEvent } from "./standIns";

interface Tracked {
  alert: string;
  vertical: string;
  receiver: string;
  team: string;
  alertType: string;
  toolName?: string;
}

/** One alert on each kind of route: model, infra, a tool with an owner, a tool without one. */
const TRACKED: Tracked[] = [
  {
    // The FTL SLO's page: the 800 ms threshold page of the same symptom waits behind it.
    alert: "HealthcareFtlLatencyFastBurn",
    vertical: "healthcare",
    receiver: "ai-eng",
    team: "ai-eng",
    alertType: "model",
  },
  {
    alert: "SalesWebsocketBackpressure",
    vertical: "sales",
    receiver: "platform",
    team: "platform",
    alertType: "infra",
  },
  {
    alert: "RealEstateCalendarApi429",
    vertical: "real-estate",
    receiver: "calendar-owners",
    team: "calendar-owners",
    alertType: "tool",
    toolName: "calendar",
  },
  {
    alert: "HealthcareEhrToolErrors",
    vertical: "healthcare",
    receiver: "integrations",
    team: "integrations",
    alertType: "tool",
    toolName: "ehr",
  },
];

/** model.LabelSet's String(): sorted `name="value"` pairs, comma and space separated. */
function groupLabelsText(tracked: Tracked): string {
  const labels: Record<string, string> = { alertname: tracked.alert, vertical: tracked.vertical };
  if (tracked.toolName) labels.tool_name = tracked.toolName;
  const pairs = Object.keys(labels)
    .sort()
    .map((name) => `${name}=${JSON.stringify(labels[name])}`);
  return `{${pairs.join(", ")}}`;
}

/** notify.Key.Hash() of the group key `<route key>:<group labels>`, as the dedup_key carries it. */
const dedupKeyOf = (routeKey: string, tracked: Tracked): string =>
  createHash("sha256")
    .update(`${routeKey}:${groupLabelsText(tracked)}`)
    .digest("hex");

// Repeats every few seconds, so each config change is followed by a page of every open group.
const TIMINGS = {
  ...TEST_TIMINGS,
  critical: { groupWait: "1s", groupInterval: "3s", repeatInterval: "3s" },
};

let h: Harness;

function routeKeysOf(dir: string): RouteKey[] {
  return (JSON.parse(fs.readFileSync(path.join(dir, "route-keys.json"), "utf8")) as { routes: RouteKey[] })
    .routes;
}

/** Writes a catalogue for the test stack and returns its absolute path. */
function catalogue(name: string, doc: unknown): string {
  const file = path.join(h.dir, `${name}.yaml`);
  fs.writeFileSync(file, yaml.dump(doc, { lineWidth: -1 }));
  return file;
}

const CHANGES: { change: string; apply: (doc: StackConfigDoc) => void }[] = [
  {
    change: "a vertical",
    apply: (doc) => {
      const file = catalogue("insurance", {
        groups: [
          {
            name: "meta",
            rules: [
              {
                alert: "Watchdog",
                expr: "vector(1)",
                labels: { alert_type: "infra", severity: "info" },
                annotations: {
                  summary: "Insurance alerting heartbeat (always firing)",
                  description: "Proves the insurance rule file is loaded.",
                },
              },
            ],
          },
          {
            name: "infra",
            rules: [
              {
                alert: "InsuranceCrashLoop",
                expr:
                  "max by (pod) (kube_pod_container_status_waiting_reason" +
                  '{namespace="insurance",reason="CrashLoopBackOff"}) == 1',
                for: "5m",
                labels: { alert_type: "infra", severity: "critical" },
                annotations: {
                  summary: "Insurance pod {{ $labels.pod }} is crash looping",
                  description: "A container of {{ $labels.pod }} has been in CrashLoopBackOff for 5 minutes.",
                  runbook_url: "https://runbooks.callsphere.example/insurance/crash-loop",
                },
              },
            ],
          },
        ],
      });
      verticalsOf(doc).push({
        id: "insurance",
        tiers: ["business"],
        namespace: "insurance",
        catalogue: file,
      });
    },
  },
  {
    change: "an alert",
    apply: (doc) => {
      const sales = yaml.load(fs.readFileSync(path.join(PROJECT_DIR, "alerts", "sales.yaml"), "utf8")) as {
        groups: { rules: unknown[] }[];
      };
      sales.groups[0].rules.push({
        alert: "SalesPm2MemoryHigh",
        expr: 'max by (process) (callsphere_pm2_memory_bytes{vertical="sales"}) > 1e9',
        for: "10m",
        labels: { alert_type: "infra", severity: "warning" },
        annotations: {
          summary: "PM2 process {{ $labels.process }} uses more than 1 GB",
          description: "{{ $labels.process }} holds {{ $value | humanize1024 }}B of memory.",
        },
      });
      const vertical = verticalsOf(doc).find((candidate) => candidate.id === "sales");
      if (!vertical) throw new Error("no sales vertical");
      vertical.catalogue = catalogue("sales", sales);
    },
  },
  {
    change: "a team",
    apply: (doc) => {
      const teams = doc.config[configKey("teams")] as Record<string, unknown>[];
      const template = teams.find((team) => team.id === "calendar-owners");
      teams.push({
        ...template,
        id: "voice-ops",
        name: "Voice Operations",
        email: "voice-ops@callsphere.example",
        slackChannel: "#oncall-voice-ops",
      });
      // A team is reached through what it owns.
      (doc.config[configKey("toolOwners")] as Record<string, string>).telephony = "voice-ops";
    },
  },
  {
    change: "a tool owner",
    apply: (doc) => {
      (doc.config[configKey("toolOwners")] as Record<string, string>).sms = "calendar-owners";
    },
  },
];

/** The render of each change, started together so they overlap the wait for the first pages. */
let renders: Promise<Rendered[]>;

function startRenders(): void {
  const initial = path.join(h.renderedDir, "route-keys.json");
  const cumulative: StackConfigDoc[] = [];
  let current = h.stackConfig();
  for (const step of [...CHANGES, REKEYING]) {
    current = structuredClone(current);
    step.apply(current);
    cumulative.push(current);
  }
  renders = Promise.all(
    cumulative.map((doc, i) => {
      // Each render finds the running config's route keys as the committed baseline beside its
      // stack file, so it warns about any route of the running config that the change loses.
      const step = path.join(h.dir, `step-${i}`);
      fs.mkdirSync(path.join(step, "route-keys"), { recursive: true });
      fs.copyFileSync(initial, path.join(step, "route-keys", "e2e.json"));
      // A catalogue outside the project lives beside the stack file that names it.
      for (const vertical of verticalsOf(doc)) {
        const file = String(vertical.catalogue);
        if (!path.isAbsolute(file)) continue;
        const copy = path.join(step, path.basename(file));
        fs.copyFileSync(file, copy);
        vertical.catalogue = copy;
      }
      return h.render(doc, `step-${i}`);
    }),
  );
  // Observed by the tests; this keeps an early failure from being reported as unhandled.
  renders.catch(() => undefined);
}

/** A change that does re-key: calendar tools lose their owner and fall back to integrations. */
const REKEYING = {
  change: "no calendar owner",
  apply: (doc: StackConfigDoc) => {
    delete (doc.config[configKey("toolOwners")] as Record<string, string>).calendar;
  },
};

describe("route keys through the real Alertmanager", { timeout: 600_000 }, () => {
  const baseline = new Map<string, PagerDutyEvent>();

  before(
    async () => {
      h = await Harness.start({
        name: "route-keys",
        businessHours: "inside",
        timings: TIMINGS,
        seed: (metrics) => {
          healthyFtl(metrics, "healthcare");
          metrics.setRate("callsphere_websocket_backpressure_events_total", { vertical: "sales" }, 0);
          healthyTool(metrics, "real-estate", "calendar", "429");
          healthyTool(metrics, "healthcare", "ehr", "503");
        },
      });
      startRenders();
    },
    { timeout: 180_000 },
  );
  after(() => h?.stop());

  it("the four alerts page, each with the dedup_key of its route in route-keys.json", {
    timeout: 120_000,
  }, async (t) => {
    const crossedAt = Date.now();
    setFtl(h.metrics, "healthcare", { [FAST]: 10, [SLOW]: 1e4 });
    h.metrics.setRate("callsphere_websocket_backpressure_events_total", { vertical: "sales" }, 1000);
    failTool(h.metrics, "real-estate", "calendar", "429");
    failTool(h.metrics, "healthcare", "ehr", "503");
    const keys = routeKeysOf(h.renderedDir);
    await Promise.all(
      TRACKED.map(async (tracked) => {
        const page = await assertPaged(t, h, { ...tracked, crossedAt });
        baseline.set(tracked.alert, page);
        // The render's key for the receiver's route hashes to exactly what Alertmanager sent.
        const route = keys.find(
          (entry) => entry.receiver === tracked.receiver && dedupKeyOf(entry.key, tracked) === page.dedupKey,
        );
        assert.ok(
          route,
          `no route of ${tracked.receiver} in route-keys.json hashes to ${tracked.alert}'s dedup_key`,
        );
      }),
    );
  });

  CHANGES.forEach((step, i) => {
    // The first step also waits for the renders, which share two cores with everything else.
    it(`adding ${step.change} keeps every route key and every dedup_key`, { timeout: 300_000 }, async () => {
      assert.equal(baseline.size, TRACKED.length, "the baseline pages are missing");
      const before = routeKeysOf(h.renderedDir);
      const rendered = (await renders)[i];
      assert.doesNotMatch(rendered.stderr, /warning: route/, "the render warned of re-keyed routes");
      const id = (entry: RouteKey) => `${entry.key} -> ${entry.receiver}`;
      const now = new Set(routeKeysOf(rendered.dir).map(id));
      assert.deepEqual(
        before.map(id).filter((entry) => !now.has(entry)),
        [],
        `adding ${step.change} re-keyed routes`,
      );

      const reloadedAt = Date.now();
      await h.reloadAlertmanager(fs.readFileSync(path.join(rendered.dir, "alertmanager.yaml"), "utf8"));
      for (const tracked of TRACKED) {
        const repeat = await h.waitForPage(tracked.alert, 30_000, "trigger", reloadedAt);
        const first = baseline.get(tracked.alert);
        assert.equal(repeat.receiver, tracked.receiver);
        assert.equal(
          repeat.dedupKey,
          first?.dedupKey,
          `adding ${step.change} changed ${tracked.alert}'s dedup_key`,
        );
      }
    });
  });

  it("removing a tool owner re-keys its routes: the render warns, and the dedup_key changes", {
    timeout: 120_000,
  }, async () => {
    const calendar = TRACKED[2];
    const rendered = (await renders)[CHANGES.length];
    const warned = [...rendered.stderr.matchAll(/^warning: route (\S+) -> (\S+) is gone or re-keyed/gm)];
    assert.ok(warned.length > 0, `the render did not warn:\n${rendered.stderr}`);
    // Only calendar routes move; the calendar owners' other routes change receiver as well, since
    // without a 24x7 tool the team's on-call coverage, and so its routing, changes too.
    for (const [line, key, receiver] of warned)
      assert.ok(key.includes('{tool_name="calendar"}') || receiver.startsWith("calendar-owners"), line);
    // The warning names the very route whose open incident is now orphaned.
    const old = baseline.get(calendar.alert)?.dedupKey;
    assert.ok(
      warned.some(([, key, receiver]) => receiver === "calendar-owners" && dedupKeyOf(key, calendar) === old),
    );

    const reloadedAt = Date.now();
    await h.reloadAlertmanager(fs.readFileSync(path.join(rendered.dir, "alertmanager.yaml"), "utf8"));
    const moved = await h.waitForPage(calendar.alert, 30_000, "trigger", reloadedAt);
    assert.equal(moved.receiver, "integrations");
    assert.notEqual(moved.dedupKey, old, "a re-keyed route kept its dedup_key: this test could not fail");
  });
});
