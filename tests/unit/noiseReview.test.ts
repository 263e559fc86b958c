// The noise review's pure half over a known week of prod: firings from series, routing at the start
// of each firing (business hours, tiers, inhibition), the counts, the PagerDuty join, and the
// documents. The example report under docs/examples/ is this week's: `UPDATE_GOLDEN=1` rewrites it.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { readStackFile } from "../../cli/stackFile";
import { compileRouting } from "../../pipeline/compile";
import { pagesPerTeamSvg } from "../../render/noiseChart";
import { renderNoiseMarkdown } from "../../render/noiseReview";
import { type AlertSeries, firingsOf, routeFirings } from "../../review/noise";
import { reviewNoise } from "../../review/noiseReport";
import {
  countsOf,
  EXPECTED,
  EXPECTED_INCIDENTS,
  incidents,
  SERIES,
  STEP_SECONDS,
  sampleTimes,
} from "../support/noiseScenario";
import { PROJECT_DIR } from "../support/tools";

const FROM = Date.parse("2026-11-16T00:00:00Z");
const TO = FROM + 7 * 86_400_000;
const EXAMPLES = path.join(PROJECT_DIR, "docs", "examples");

const stackFile = readStackFile(path.join(PROJECT_DIR, "Pulumi.prod.yaml"));
const { plan, alertmanager } = compileRouting({
  stack: "prod",
  stackFile: stackFile.file,
  config: stackFile.values,
});

/** The series as Prometheus returns them, `alertstate` and all, cut where the CLI's queries cut them. */
function series(from: number, cutAt?: number): AlertSeries[] {
  return SERIES.flatMap(({ labels, ...rest }) => {
    const times = sampleTimes({ labels, ...rest }, from);
    const withState = { ...labels, alertstate: "firing" };
    if (cutAt === undefined) return [{ labels: withState, timestamps: times }];
    return [
      { labels: withState, timestamps: times.filter((t) => t < cutAt) },
      { labels: withState, timestamps: times.filter((t) => t >= cutAt) },
    ].filter((piece) => piece.timestamps.length > 0);
  });
}

function report(withIncidents: boolean) {
  return reviewNoise({
    plan,
    config: alertmanager.config,
    window: { from: new Date(FROM), to: new Date(TO) },
    stepSeconds: STEP_SECONDS,
    series: series(FROM, FROM + 10_000 * 60_000),
    ...(withIncidents ? { incidents: incidents(FROM) } : {}),
  });
}

describe("noise review: firings", () => {
  it("splits a series at a missing step and joins the pieces of two queries", () => {
    const minute = 60_000;
    const firings = firingsOf(
      [
        { labels: { alertname: "A", alertstate: "firing" }, timestamps: [0, minute, 2 * minute] },
        { labels: { alertname: "A", alertstate: "firing" }, timestamps: [3 * minute, 5 * minute] },
        { labels: { alertname: "B", alertstate: "firing" }, timestamps: [minute] },
      ],
      60,
    );
    assert.deepEqual(
      firings.map((firing) => [
        firing.labels.alertname,
        firing.start / minute,
        firing.last / minute,
        firing.durationSeconds,
      ]),
      [
        ["A", 0, 3, 240],
        ["B", 1, 1, 60],
        ["A", 5, 5, 60],
      ],
    );
    assert.equal(firings[0].labels.alertstate, undefined, "alertstate is the series', not the alert's");
  });
});

describe("noise review: a known week of prod", () => {
  const counted = report(false);

  it("counts firings, pages, off-hours pages and held-back firings", () => {
    assert.deepEqual(counted.totals, EXPECTED.totals);
  });

  it("counts each team's pages, off-hours pages and notifications", () => {
    assert.deepEqual(countsOf(counted).teams, EXPECTED.teams);
    assert.deepEqual(
      counted.teams.map((team) => team.team).slice(0, 3),
      ["platform", "ai-eng", "integrations"],
      "sorted by pages, then notifications",
    );
  });

  it("counts each alert, sorted by pages", () => {
    assert.deepEqual(countsOf(counted).alerts, EXPECTED.alerts);
  });

  it("counts pages per tier", () => {
    assert.deepEqual(countsOf(counted).tiers, EXPECTED.tiers);
  });

  it("routes a business-tier customer's night firing to the off-hours receiver, which pages nobody", () => {
    const firings = routeFirings(plan, alertmanager.config, firingsOf(series(FROM), STEP_SECONDS)).filter(
      (firing) => firing.alertname === "HealthcareCustomerEhrFailing",
    );
    assert.deepEqual(
      firings.map((firing) => [firing.receivers, firing.pagedTeams]),
      [
        [["integrations"], ["integrations"]],
        [["integrations-offhours"], []],
      ],
    );
  });

  it("names what held the model alert back", () => {
    const firings = routeFirings(plan, alertmanager.config, firingsOf(series(FROM), STEP_SECONDS));
    const held = firings.find((firing) => firing.alertname === "HealthcareIntentAccuracyDrop");
    assert.equal(held?.heldBackBy, "HealthcareServiceDown");
    assert.deepEqual(held?.receivers, []);
  });

  it("lists catalogue alerts that never fired, with whether a rule test makes them fire", () => {
    const names = counted.neverFired.map((alert) => `${alert.vertical}/${alert.alertname}`);
    assert.ok(names.includes("healthcare/HealthcareFtlP95Severe"));
    assert.ok(!names.includes("healthcare/HealthcareFtlP95High"), "it fired");
    assert.ok(!names.some((name) => name.endsWith("/Watchdog")), "the heartbeat is not reviewed");
    assert.equal(
      counted.neverFired.find((alert) => alert.alertname === "HealthcareFtlP95Severe")?.tested,
      true,
    );
  });
});

describe("noise review: PagerDuty", () => {
  const joined = report(true);

  it("derives acknowledgement, resolution and action from the log entries", () => {
    assert.deepEqual(countsOf(joined).incidents, EXPECTED_INCIDENTS);
  });

  it("counts incidents acknowledged and never actioned per alert", () => {
    const ftl = joined.alerts.find((alert) => alert.alertname === "HealthcareFtlP95High");
    assert.deepEqual([ftl?.incidents, ftl?.acknowledgedNotActioned], [1, 1]);
    const ehr = joined.alerts.find((alert) => alert.alertname === "HealthcareCustomerEhrFailing");
    assert.deepEqual([ehr?.incidents, ehr?.acknowledgedNotActioned], [1, 0]);
  });
});

describe("noise review: the example report in docs/examples", () => {
  const example = report(true);
  const files = {
    "noise-review.json": `${JSON.stringify(example, null, 2)}\n`,
    "noise-review.md": renderNoiseMarkdown(example),
  };

  it("writes the agenda's sections", () => {
    const markdown = files["noise-review.md"];
    for (const heading of [
      "## Pages per team",
      "## Pages per tier",
      "## Noisiest alerts",
      "## Pages outside business hours",
      "## Paged and resolved within 5 minutes",
      "## Acknowledged and never actioned",
      "## Fired 3 times or more without paging anyone",
      "## Catalogue alerts that never fired",
    ]) {
      assert.ok(markdown.includes(`\n${heading}\n`), heading);
    }
    assert.match(
      markdown,
      /\| 2026-11-18T07:00:00.000Z \| `HealthcareFtlP95High` \(healthcare\) \| ai-eng \| enterprise \| 30 min \|/,
    );
    assert.match(markdown, /\| PFTL001 \| `HealthcareFtlP95High` \| ai-eng \| Dana Levi \| 5 min \|/);
    assert.match(markdown, /\| `HealthcareConversationSuccessRatioLow` \(healthcare\) \| ai-eng \| 4 \|/);
  });

  it("draws one bar segment per team, day and business hours, off-hours marked", async () => {
    const svg = await pagesPerTeamSvg(example);
    assert.match(svg, /^<svg /);
    // Vega's SVG carries each mark's data as its aria label.
    const bars = [
      ...svg.matchAll(/aria-label="day \(UTC\): ([^;]+); pages: (\d+); team: ([^;]+); when: ([^;"]+)[^"]*"/g),
    ].map((match) => match.slice(1).join(" "));
    assert.deepEqual(bars.sort(), [
      "2026-11-17 2 platform in hours",
      "2026-11-18 1 ai-eng off-hours",
      "2026-11-18 1 integrations in hours",
    ]);
  });

  it("is the committed example", async () => {
    const all = { ...files, "pages-per-team.svg": await pagesPerTeamSvg(example) };
    if (process.env.UPDATE_GOLDEN === "1") {
      fs.mkdirSync(EXAMPLES, { recursive: true });
      for (const [name, text] of Object.entries(all)) fs.writeFileSync(path.join(EXAMPLES, name), text);
    }
    for (const [name, text] of Object.entries(all)) {
      assert.equal(
        fs.readFileSync(path.join(EXAMPLES, name), "utf8"),
        text,
        `docs/examples/${name} is stale: UPDATE_GOLDEN=1`,
      );
    }
  });
});
