// `npm run noise-review` refusing bad input: one line on stderr naming what is wrong, a non-zero exit,
// no stack trace and nothing written. Prometheus is played by a stand-in answering the two requests
// the review makes with an empty history; PagerDuty by the REST stand-in.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { PagerDutyStandIn } from "../support/accountStandIns";
import { runCliAsync, type ToolRun, tempDir } from "../support/tools";

const TOKEN = "pd-cli-token";

/** `GET /api/v1/status/config` and `GET /api/v1/query_range`, as Prometheus answers them. */
function prometheusStandIn(): http.Server {
  return http.createServer((request, response) => {
    const pathname = new URL(request.url ?? "/", "http://x").pathname;
    const body =
      pathname === "/api/v1/status/config"
        ? { status: "success", data: { yaml: "global:\n  evaluation_interval: 30s\n" } }
        : pathname === "/api/v1/query_range"
          ? { status: "success", data: { resultType: "matrix", result: [] } }
          : undefined;
    response.writeHead(body ? 200 : 404, { "Content-Type": "application/json" });
    response.end(JSON.stringify(body ?? { status: "error", error: "not found" }));
  });
}

/** A port nothing listens on: one a server just gave back. */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("npm run noise-review: bad input", () => {
  const dir = tempDir("noise-review-cli");
  const prometheus = prometheusStandIn();
  const pagerduty = new PagerDutyStandIn(TOKEN, [], []);
  let prometheusUrl = "";
  let closed = "";

  before(async () => {
    await new Promise<void>((resolve) => prometheus.listen(0, "127.0.0.1", resolve));
    prometheusUrl = `http://127.0.0.1:${(prometheus.address() as AddressInfo).port}`;
    await pagerduty.start();
    closed = `http://127.0.0.1:${await closedPort()}`;
  });

  after(async () => {
    prometheus.closeAllConnections();
    await new Promise<void>((resolve) => prometheus.close(() => resolve()));
    await pagerduty.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  let runs = 0;
  async function review(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ToolRun & { out: string }> {
    const out = path.join(dir, `out-${++runs}`);
    const run = await runCliAsync("noiseReview", ["--stack", "prod", "--out", out, ...args], {
      PATH: process.env.PATH,
      ...env,
    });
    return { ...run, out };
  }

  function refused(run: ToolRun & { out: string }, status: number, message: RegExp): void {
    assert.equal(run.status, status, run.stderr);
    const [first] = run.stderr.split("\n");
    assert.match(first, message);
    assert.doesNotMatch(run.stderr, /\n\s+at /, "no stack trace");
    assert.equal(fs.existsSync(run.out), false, "nothing is written");
  }

  const window = ["--from", "2026-11-16T00:00:00Z", "--to", "2026-11-23T00:00:00Z"];

  it("reviews an empty history and writes the three files", async () => {
    const run = await review(["--prometheus", prometheusUrl, ...window]);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(fs.readdirSync(run.out).sort(), [
      "noise-review.json",
      "noise-review.md",
      "pages-per-team.svg",
    ]);
    const report = JSON.parse(fs.readFileSync(path.join(run.out, "noise-review.json"), "utf8"));
    assert.equal(report.stepSeconds, 30, "Prometheus' evaluation interval");
    assert.deepEqual(report.totals, { firings: 0, pages: 0, offHoursPages: 0, heldBack: 0 });
  });

  it("refuses an unreachable Prometheus", async () => {
    refused(
      await review(["--prometheus", closed, ...window]),
      1,
      /^noise-review: Prometheus at http:\/\/127\.0\.0\.1:\d+ is unreachable: ECONNREFUSED$/,
    );
  });

  it("refuses an unreachable PagerDuty", async () => {
    refused(
      await review(["--prometheus", prometheusUrl, ...window, "--pagerduty-api", closed], {
        PAGERDUTY_TOKEN: TOKEN,
      }),
      1,
      /^noise-review: PagerDuty at http:\/\/127\.0\.0\.1:\d+ is unreachable: ECONNREFUSED$/,
    );
  });

  it("refuses PagerDuty without a token, and reports PagerDuty refusing a wrong one", async () => {
    refused(
      await review(["--prometheus", prometheusUrl, ...window, "--pagerduty-api", pagerduty.url]),
      2,
      /^noise-review: --pagerduty-api needs a PagerDuty REST API token in PAGERDUTY_TOKEN$/,
    );
    const wrong = await review(["--prometheus", prometheusUrl, ...window, "--pagerduty-api", pagerduty.url], {
      PAGERDUTY_TOKEN: "wrong-token",
    });
    refused(wrong, 1, /^noise-review: PagerDuty answered 401 to GET \/incidents: /);
    assert.ok(!wrong.stderr.includes("wrong-token"), "the token is never printed");
  });

  it("refuses an empty window, a window backwards and one over 31 days", async () => {
    const at = "2026-11-16T00:00:00Z";
    refused(
      await review(["--prometheus", prometheusUrl, "--from", at, "--to", at]),
      2,
      /^noise-review: the window is empty: --from equals --to$/,
    );
    refused(
      await review(["--prometheus", prometheusUrl, "--from", "2026-11-23T00:00:00Z", "--to", at]),
      2,
      /^noise-review: --from 2026-11-23T00:00:00.000Z is after --to 2026-11-16T00:00:00.000Z$/,
    );
    refused(
      await review([
        "--prometheus",
        prometheusUrl,
        "--from",
        "2026-10-01T00:00:00Z",
        "--to",
        "2026-11-02T00:00:00Z",
      ]),
      2,
      /^noise-review: the window is longer than 31 days/,
    );
  });

  it("refuses a time without a zone, a bad step, and a credential in the Prometheus URL", async () => {
    refused(
      await review([
        "--prometheus",
        prometheusUrl,
        "--from",
        "2026-11-16T00:00:00",
        "--to",
        "2026-11-23T00:00:00Z",
      ]),
      2,
      /^noise-review: --from "2026-11-16T00:00:00" needs a time zone/,
    );
    refused(
      await review(["--prometheus", prometheusUrl, ...window, "--step", "0s"]),
      2,
      /^noise-review: --step "0s" is not a duration above zero/,
    );
    const credential = await review(["--prometheus", "https://reader:s3cret@prometheus.example", ...window]);
    refused(
      credential,
      2,
      /^noise-review: --prometheus carries a credential in the URL; set PROMETHEUS_TOKEN/,
    );
    assert.ok(!credential.stderr.includes("s3cret"));
  });
});
