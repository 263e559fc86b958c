// `npm run noise-review` against the real Prometheus 2.42, holding a known week of prod's ALERTS
// history (written with `promtool tsdb create-blocks-from openmetrics`, loaded with no rules), and a
// stand-in for PagerDuty's REST API serving the week's incidents two to a page. The report must
// count every team's pages and every alert's firings exactly.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import type { NoiseReport } from "../../review/noiseReport";
import { PagerDutyStandIn } from "../support/accountStandIns";
import {
  countsOf,
  EXPECTED,
  EXPECTED_INCIDENTS,
  incidents,
  SERIES,
  STEP_SECONDS,
  sampleTimes,
} from "../support/noiseScenario";
import { requireTool, runCliAsync, type ToolRun, tempDir } from "../support/tools";
import { freePort } from "./harness";
import { type Started, startProcess, stopProcess, tail } from "./processes";
import { getJson, waitFor } from "./wait";

const PROMETHEUS = requireTool("prometheus");
const PROMTOOL = requireTool("promtool");
const DAY = 86_400_000;
const TOKEN = "pd-noise-review-token";

/** The Monday 00:00 UTC that starts the last whole week (Monday to Monday) before now. */
function lastWholeWeek(now = Date.now()): number {
  const latest = now - 7 * DAY;
  const midnight = Math.floor(latest / DAY) * DAY;
  const weekday = new Date(midnight).getUTCDay();
  return midnight - ((weekday + 6) % 7) * DAY;
}

function openMetrics(from: number): string {
  const lines = ["# TYPE ALERTS gauge"];
  for (const series of SERIES) {
    const labels = Object.entries({ ...series.labels, alertstate: "firing" })
      .map(([name, value]) => `${name}="${value}"`)
      .join(",");
    for (const at of sampleTimes(series, from)) lines.push(`ALERTS{${labels}} 1 ${at / 1000}`);
  }
  return `${lines.join("\n")}\n# EOF\n`;
}

describe("npm run noise-review on a real Prometheus", { timeout: 240_000 }, () => {
  const dir = tempDir("noise-review");
  const from = lastWholeWeek();
  const to = from + 7 * DAY;
  const pagerduty = new PagerDutyStandIn(TOKEN, [], []);
  pagerduty.incidents = incidents(from);
  let prometheus: Started;
  let url = "";

  before(async () => {
    const data = path.join(dir, "data");
    fs.writeFileSync(path.join(dir, "alerts.om"), openMetrics(from));
    execFileSync(
      PROMTOOL,
      ["tsdb", "create-blocks-from", "openmetrics", "--quiet", path.join(dir, "alerts.om"), data],
      {
        stdio: "pipe",
      },
    );
    // The rule evaluation interval is the step the review reads at; no rules are loaded.
    fs.writeFileSync(path.join(dir, "prometheus.yml"), `global:\n  evaluation_interval: ${STEP_SECONDS}s\n`);
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    prometheus = startProcess(
      "prometheus",
      PROMETHEUS,
      [
        `--config.file=${path.join(dir, "prometheus.yml")}`,
        `--storage.tsdb.path=${data}`,
        // Blocks older than the retention are deleted at start: keep the imported week.
        "--storage.tsdb.retention.time=60d",
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      path.join(dir, "prometheus.log"),
    );
    await waitFor(
      "Prometheus to serve the imported week",
      async () => {
        const body = await getJson<{ data: { result: unknown[] } }>(
          `${url}/api/v1/query?query=${encodeURIComponent("count(count_over_time(ALERTS[8d]))")}&time=${to / 1000}`,
        );
        return body.data.result.length > 0 ? true : undefined;
      },
      60_000,
      () => tail(prometheus.log),
    );
    await pagerduty.start();
  });

  after(async () => {
    if (prometheus) await stopProcess(prometheus);
    await pagerduty.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const review = (out: string, extra: string[] = []): Promise<ToolRun> =>
    runCliAsync(
      "noiseReview",
      [
        "--stack",
        "prod",
        "--prometheus",
        url,
        "--from",
        new Date(from).toISOString(),
        "--to",
        new Date(to).toISOString(),
        "--out",
        out,
        ...extra,
      ],
      { ...process.env, PAGERDUTY_TOKEN: TOKEN },
    );

  it("counts each team's pages and each alert's firings exactly, with PagerDuty's incidents joined", async () => {
    const out = path.join(dir, "with-pagerduty");
    const run = await review(out, ["--pagerduty-api", pagerduty.url]);
    assert.equal(run.status, 0, run.stderr);
    const report = JSON.parse(fs.readFileSync(path.join(out, "noise-review.json"), "utf8")) as NoiseReport;
    assert.equal(report.stepSeconds, STEP_SECONDS, "the step is Prometheus' evaluation interval");
    assert.deepEqual(report.window, { from: new Date(from).toISOString(), to: new Date(to).toISOString() });
    const counts = countsOf(report);
    assert.deepEqual(counts.totals, EXPECTED.totals);
    assert.deepEqual(counts.teams, EXPECTED.teams);
    assert.deepEqual(counts.alerts, EXPECTED.alerts);
    assert.deepEqual(counts.tiers, EXPECTED.tiers);
    assert.deepEqual(counts.incidents, EXPECTED_INCIDENTS);
    // Four incidents two to a page, and the longest log (five entries) in three pages.
    const paths = pagerduty.requests.map((request) => new URL(request.url, "http://x"));
    assert.deepEqual(
      paths.filter((p) => p.pathname === "/incidents").map((p) => p.searchParams.get("offset")),
      ["0", "2"],
      "the next page starts after the page PagerDuty returned",
    );
    assert.deepEqual(
      paths
        .filter((p) => p.pathname === "/incidents/PDWN001/log_entries")
        .map((p) => p.searchParams.get("offset")),
      ["0", "2", "4"],
    );
    assert.ok(pagerduty.requests.every((request) => request.authorization === `Token token=${TOKEN}`));
    const markdown = fs.readFileSync(path.join(out, "noise-review.md"), "utf8");
    assert.match(markdown, /\| PFTL001 \| `HealthcareFtlP95High` \| ai-eng \| Dana Levi \|/);
    assert.match(fs.readFileSync(path.join(out, "pages-per-team.svg"), "utf8"), /^<svg /);
    assert.ok(!run.stdout.includes(TOKEN) && !run.stderr.includes(TOKEN), "the token is never printed");
  });

  it("without PagerDuty, counts the same and writes no incidents", async () => {
    const out = path.join(dir, "prometheus-only");
    const run = await review(out, ["--step", "1m"]);
    assert.equal(run.status, 0, run.stderr);
    const report = JSON.parse(fs.readFileSync(path.join(out, "noise-review.json"), "utf8")) as NoiseReport;
    assert.deepEqual(report.totals, EXPECTED.totals);
    assert.equal(report.incidents, undefined);
    assert.match(fs.readFileSync(path.join(out, "noise-review.md"), "utf8"), /PagerDuty was not read/);
  });
});
