// The bridge as a process between a Langfuse stand-in (this test, posting signed webhooks) and the
// real Alertmanager running production's routing: an ALERT pages AI engineering at the vertical's
// strictest tier, a WARNING reaches its Slack, a recovery resolves the page, a bridge killed
// mid-alert comes back without losing it or paging twice, a bad signature is refused before anything
// is forwarded, and with Alertmanager down the bridge counts its failures and delivers once it is back.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { langfuseSignature } from "../../bridge/auth";
import { type BridgeSettings, bridgeSettingsSchema } from "../../core/bridgeSettings";
import { PROJECT_DIR } from "../support/tools";
import { Harness } from "./harness";
import { type Started, startProcess, stopProcess, tail } from "./processes";
import { holdsFalse, waitFor } from "./wait";

const SECRET = "e2e-bridge-webhook-secret";
const FIXTURE = JSON.parse(
  fs.readFileSync(path.join(PROJECT_DIR, "tests/fixtures/bridge/langfuse-alert.json"), "utf8"),
) as { alert: Record<string, unknown> } & Record<string, unknown>;
/** Short enough that several resends fit in a test; the rendered prod value is 1m. */
const RESEND_SECONDS = 1;

let h: Harness;
let bridge: Started | undefined;
let port = 0;
let restarts = 0;

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port: free } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return free;
}

/** The settings the render declared in the bridge's ConfigMap, pointed at this Alertmanager. */
function renderedSettings(): BridgeSettings {
  const resources = JSON.parse(fs.readFileSync(path.join(h.renderedDir, "resources.json"), "utf8")) as {
    type: string;
    inputs: { data?: Record<string, string> };
  }[];
  const map = resources.find((resource) => resource.inputs.data?.["bridge.json"] !== undefined);
  assert.ok(map, "the render declares the bridge's settings ConfigMap");
  const settings = bridgeSettingsSchema.parse(JSON.parse(map.inputs.data?.["bridge.json"] ?? ""));
  return { ...settings, alertmanagerUrls: [h.amUrl], resendIntervalSeconds: RESEND_SECONDS };
}

async function startBridge(): Promise<void> {
  const log = path.join(h.dir, restarts === 0 ? "bridge.log" : `bridge.${restarts}.log`);
  bridge = startProcess("bridge", process.execPath, [path.join(PROJECT_DIR, "dist/bridge/main.js")], log);
  const started = bridge;
  await waitFor(
    "the bridge to answer /healthz",
    async () => {
      const response = await fetch(`${bridgeUrl()}/healthz`).catch(() => undefined);
      return response?.ok ? true : undefined;
    },
    30_000,
    () => tail(started.log, 10),
  );
}

async function stopBridge(signal: NodeJS.Signals): Promise<void> {
  if (!bridge) return;
  await stopProcess(bridge, signal, 10_000);
  bridge = undefined;
  restarts++;
}

const bridgeUrl = () => `http://127.0.0.1:${port}`;

/** A Langfuse alert webhook for `name` at `severity`, signed as Langfuse signs it (or not). */
async function langfuse(name: string, severity: string, signature?: string): Promise<Response> {
  const body = JSON.stringify({
    ...FIXTURE,
    id: `${name}-${severity}-${Date.now()}`,
    timestamp: new Date().toISOString(),
    alert: { ...FIXTURE.alert, name, severity, tags: [] },
  });
  return fetch(`${bridgeUrl()}/webhooks/langfuse`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-langfuse-signature": signature ?? langfuseSignature(SECRET, body),
    },
    body,
    signal: AbortSignal.timeout(20_000),
  });
}

async function metric(name: string): Promise<number> {
  const text = await (await fetch(`${bridgeUrl()}/metrics`)).text();
  return text
    .split("\n")
    .filter((line) => line.startsWith(name))
    .reduce((sum, line) => sum + Number(line.split(" ").pop()), 0);
}

const sourced = async (alertname: string) =>
  (await h.amAlerts(alertname)).filter((alert) => alert.labels.source === "langfuse");

describe("the bridge between Langfuse and the real Alertmanager", { timeout: 600_000 }, () => {
  before(
    async () => {
      h = await Harness.start({ name: "bridge", businessHours: "inside" });
      port = await freePort();
      const settingsFile = path.join(h.dir, "bridge.json");
      const secretFile = path.join(h.dir, "bridge-webhook-secret");
      fs.writeFileSync(settingsFile, JSON.stringify(renderedSettings()));
      fs.writeFileSync(secretFile, `${SECRET}\n`);
      // The bridge inherits this process's environment, as the Deployment sets it.
      Object.assign(process.env, {
        BRIDGE_SETTINGS: settingsFile,
        BRIDGE_SECRET_FILE: secretFile,
        BRIDGE_PORT: String(port),
        BRIDGE_HOST: "127.0.0.1",
      });
      await startBridge();
    },
    { timeout: 240_000 },
  );
  after(async () => {
    await stopBridge("SIGTERM").catch(() => undefined);
    await h?.stop();
  });

  it("a bad signature gets 401 and nothing reaches Alertmanager", async () => {
    const response = await langfuse("Answer relevance score", "ALERT", "t=1,v1=00");
    assert.equal(response.status, 401);
    assert.match(((await response.json()) as { error: string }).error, /x-langfuse-signature/);
    const unsigned = await fetch(`${bridgeUrl()}/webhooks/langfuse`, { method: "POST", body: "{}" });
    assert.equal(unsigned.status, 401);
    await holdsFalse(
      "an alert from a refused webhook in Alertmanager",
      async () => ((await sourced("HealthcareAnswerRelevanceLow")).length > 0 ? "forwarded" : undefined),
      3000,
    );
    assert.equal(await metric('bridge_webhooks_rejected_total{source="langfuse",reason="auth"}'), 2);
  });

  it("a malformed or oversized body gets 400 or 413 with its reason, and the bridge lives on", async () => {
    const body = JSON.stringify({ type: "alert" });
    const response = await fetch(`${bridgeUrl()}/webhooks/langfuse`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-langfuse-signature": langfuseSignature(SECRET, body),
      },
      body,
    });
    assert.equal(response.status, 400);
    assert.match(
      ((await response.json()) as { error: string }).error,
      /not a Langfuse alert webhook: id: Required/,
    );
    const huge = "x".repeat(70 * 1024);
    const oversized = await fetch(`${bridgeUrl()}/webhooks/langfuse`, { method: "POST", body: huge });
    assert.equal(oversized.status, 413);
    assert.equal((await fetch(`${bridgeUrl()}/healthz`)).status, 200);
  });

  it("an ALERT pages AI engineering at healthcare's strictest tier; killed mid-alert, the bridge recovers it without a second page; the recovery resolves it", async () => {
    const name = "HealthcareHallucinationRate";
    const sentAt = Date.now();
    assert.equal((await langfuse("Hallucination rate", "ALERT")).status, 202);
    const page = await h.waitForPage(name, 20_000);
    assert.equal(page.receiver, "ai-eng", h.deliveries());
    const [alert] = await sourced(name);
    assert.deepEqual(
      {
        vertical: alert.labels.vertical,
        alert_type: alert.labels.alert_type,
        team: alert.labels.team,
        severity: alert.labels.severity,
      },
      { vertical: "healthcare", alert_type: "model", team: "ai-eng", severity: "critical" },
    );
    assert.ok(page.at - sentAt < 15_000, `paged ${page.at - sentAt} ms after the webhook`);

    await stopBridge("SIGKILL");
    await startBridge();
    const health = (await (await fetch(`${bridgeUrl()}/healthz`)).json()) as { active: number };
    assert.equal(health.active, 1, "the restarted bridge recovered the alert from Alertmanager");
    // Several resends of the recovered alert, and Alertmanager's group interval, pass without a page.
    await holdsFalse(
      "a second trigger after the restart",
      () => (h.pages(name, "trigger").length > 1 ? h.deliveries() : undefined),
      8000,
    );

    assert.equal((await langfuse("Hallucination rate", "OK")).status, 202);
    const resolved = await h.waitForPage(name, 20_000, "resolve");
    assert.equal(resolved.dedupKey, page.dedupKey);
    assert.equal(h.pages(name, "trigger").length, 1, h.deliveries());
    assert.equal((await sourced(name)).length, 0);
  });

  it("a WARNING reaches AI engineering's Slack and pages nobody", async () => {
    const name = "HealthcarePiiLeakDetected";
    assert.equal((await langfuse("PII leak detected", "WARNING")).status, 202);
    const message = await waitFor(
      "a Slack message",
      () => h.slackFor(name)[0],
      20_000,
      () => h.deliveries(),
    );
    assert.equal(message.team, "ai-eng");
    assert.match(message.text, /PII leak detected/);
    assert.equal(h.pages(name).length, 0, h.deliveries());
  });

  // Last: it stops the Alertmanager the other tests need.
  it("with Alertmanager down, the bridge answers 503, counts each failed attempt, and delivers once it is back", async () => {
    const name = "HealthcareAnswerRelevanceLow";
    const before = await metric("bridge_alertmanager_errors_total");
    await h.stopAlertmanager();
    const response = await langfuse("Answer relevance score", "ALERT");
    assert.equal(response.status, 503);
    const failures = await metric("bridge_alertmanager_errors_total");
    // Three attempts at the webhook's own post, and more at each resend while it stays down.
    assert.ok(failures >= before + 3, `${failures} errors counted, ${before} before`);
    await h.startAlertmanager();
    const page = await h.waitForPage(name, 30_000);
    assert.equal(page.receiver, "ai-eng");
    assert.ok((await metric("bridge_alertmanager_errors_total")) >= failures);
  });
});
