// The bridge's pure parts: each tool's payload (the fixtures of tests/fixtures/bridge/) becomes the
// alert Alertmanager receives, with the labels the stack config's mappings give; signatures and
// tokens; the stack config's bridge section, validated with file, path and field; and the forwarder
// against a recording Alertmanager stand-in (what it posts, when it resolves, what it reads back).
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { describe, it } from "node:test";
import { langfuseSignature, langfuseSignatureValid, tokenValid } from "../../bridge/auth";
import { Forwarder, identityOf } from "../../bridge/forwarder";
import { fromLangfuse, fromLangsmith, fromWebhook, PayloadError } from "../../bridge/mapping";
import { BridgeMetrics } from "../../bridge/metrics";
import { type BridgeSettings, bridgeSettingsSchema } from "../../core/bridgeSettings";
import { PACKAGE_VERSION } from "../../core/conventions";
import { ValidationError } from "../../core/errors";
import { buildModel } from "../../input/model";
import { buildPlan } from "../../plan/plan";
import { stackInput } from "../support/stack";
import { PROJECT_DIR } from "../support/tools";

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "tests/fixtures/bridge", name), "utf8"));

/** Prod's stack with a LangSmith project and a generic webhook mapped beside its Langfuse project. */
function bridgeInput(change: (bridge: Record<string, unknown>) => void = () => undefined) {
  const input = stackInput("prod");
  const bridge = input.config.bridge as Record<string, unknown>;
  bridge.langsmith = [
    {
      project: "sales-chat-prod",
      vertical: "sales",
      labels: { symptom: "chat-quality" },
      alerts: [{ name: "Feedback score drop", alertname: "SalesFeedbackScoreDrop" }],
    },
  ];
  bridge.webhooks = [
    {
      name: "evals-ci",
      vertical: "real-estate",
      paths: {
        alertname: "check.name",
        severity: "check.level",
        status: "check.state",
        customer: "tenant",
        summary: "message",
      },
      severities: { crit: "critical", warn: "warning" },
      resolvedValues: ["ok"],
      alerts: [
        {
          name: "Refund policy eval",
          alertname: "RealEstateCrmEvalFailing",
          alert_type: "tool",
          tool_name: "crm",
        },
      ],
    },
  ];
  change(bridge);
  return input;
}

const plan = buildPlan(buildModel(bridgeInput()));
const settings: BridgeSettings = bridgeSettingsSchema.parse(plan.bridge?.settings);

describe("the bridge's mappings", () => {
  it("a Langfuse ALERT is a critical model alert of its project's vertical, owned by AI engineering, with its customer and a link back", () => {
    const event = fromLangfuse(settings, fixture("langfuse-alert.json"));
    assert.equal(event.kind, "firing");
    assert.ok(event.kind === "firing");
    assert.deepEqual(event.labels, {
      alertname: "HealthcareHallucinationRate",
      vertical: "healthcare",
      source: "langfuse",
      alert_type: "model",
      team: "ai-eng",
      severity: "critical",
      customer: "acme",
    });
    assert.equal(event.annotations.threshold, "0.08");
    assert.equal(event.annotations.value, "0.12");
    assert.match(event.annotations.summary, /^Langfuse alert "Hallucination rate" is ALERT at 0\.12/);
    assert.equal(event.generatorURL, event.annotations.source_url);
  });

  it("Langfuse WARNING is a warning at the warning threshold, OK resolves, NO_DATA changes nothing", () => {
    const at = (severity: string) => {
      const body = fixture("langfuse-alert.json") as { alert: Record<string, unknown> };
      body.alert.severity = severity;
      return fromLangfuse(settings, body);
    };
    const warning = at("WARNING");
    assert.ok(warning.kind === "firing");
    assert.equal(warning.labels.severity, "warning");
    assert.equal(warning.annotations.threshold, "0.05");
    assert.equal(at("OK").kind, "resolved");
    assert.equal(at("NO_DATA").kind, "ignored");
  });

  it("an undeclared Langfuse alert keeps its project's labels and takes a name with the vertical's prefix", () => {
    const body = fixture("langfuse-alert.json") as { alert: Record<string, unknown> };
    body.alert.name = "toxicity / p95";
    const event = fromLangfuse(settings, body);
    assert.ok(event.kind === "firing");
    assert.equal(event.labels.alertname, "HealthcareToxicityP95");
    assert.equal(event.labels.alert_type, "model");
  });

  it("refuses an unmapped project and a malformed body with a one-line reason", () => {
    const unmapped = { ...fixture("langfuse-alert.json"), projectId: "other" };
    assert.throws(
      () => fromLangfuse(settings, unmapped),
      /langfuse project "other" is not mapped to a vertical/,
    );
    const bad = fixture("langfuse-alert.json") as { alert: Record<string, unknown> };
    bad.alert.severity = "PANIC";
    assert.throws(
      () => fromLangfuse(settings, bad),
      (error: Error) => {
        assert.ok(error instanceof PayloadError);
        assert.match(error.message, /^not a Langfuse alert webhook: alert\.severity: Invalid enum value/);
        return true;
      },
    );
  });

  it("a LangSmith alert is critical, of its project's vertical, with the mapping's label overrides", () => {
    const event = fromLangsmith(settings, fixture("langsmith-alert.json"));
    assert.ok(event.kind === "firing");
    assert.deepEqual(event.labels, {
      symptom: "chat-quality",
      vertical: "sales",
      source: "langsmith",
      alert_type: "model",
      team: "ai-eng",
      alertname: "SalesFeedbackScoreDrop",
      severity: "critical",
    });
    assert.equal(event.annotations.metric, "feedback_score");
    assert.equal(event.annotations.threshold, "0.6");
  });

  it("a generic webhook reads its fields at the mapping's paths; a declared tool alert goes to the tool's owner", () => {
    const mapping = settings.webhooks["evals-ci"];
    const event = fromWebhook(mapping, fixture("webhook-alert.json"));
    assert.ok(event.kind === "firing");
    assert.deepEqual(event.labels, {
      vertical: "real-estate",
      source: "webhook",
      alert_type: "tool",
      team: "crm-owners",
      tool_name: "crm",
      alertname: "RealEstateCrmEvalFailing",
      severity: "warning",
      customer: "bolt",
    });
    assert.equal(event.annotations.summary, "Refund policy answers fell to 71% correct");
    const ok = { check: { name: "Refund policy eval", level: "warn", state: "ok" } };
    assert.equal(fromWebhook(mapping, ok).kind, "resolved");
    assert.throws(() => fromWebhook(mapping, { check: { level: "warn" } }), /check\.name: no alert name/);
    assert.throws(
      () => fromWebhook(mapping, { check: { name: "x", level: "sev0" } }),
      /"sev0" is not one of the mapped severities \(crit, warn\)/,
    );
  });
});

describe("the bridge's authentication", () => {
  it("takes Langfuse's signature over the exact body, and refuses any other", () => {
    const body = JSON.stringify(fixture("langfuse-alert.json"));
    assert.ok(langfuseSignatureValid("s3cret", body, langfuseSignature("s3cret", body)));
    assert.ok(!langfuseSignatureValid("s3cret", `${body} `, langfuseSignature("s3cret", body)));
    assert.ok(!langfuseSignatureValid("other", body, langfuseSignature("s3cret", body)));
    assert.ok(!langfuseSignatureValid("s3cret", body, undefined));
    const bare = createHmac("sha256", "s3cret").update(body).digest("hex");
    assert.ok(!langfuseSignatureValid("s3cret", body, bare), "only Langfuse's t=…,v1=… form");
    assert.ok(
      !langfuseSignatureValid("", body, langfuseSignature("", body)),
      "an empty secret lets nobody in",
    );
  });

  it("takes the token as a bearer token or in x-bridge-token", () => {
    assert.ok(tokenValid("s3cret", { authorization: "Bearer s3cret" }));
    assert.ok(tokenValid("s3cret", { "x-bridge-token": "s3cret" }));
    assert.ok(!tokenValid("s3cret", { authorization: "Bearer s3cre" }));
    assert.ok(!tokenValid("s3cret", { authorization: "s3cret" }));
    assert.ok(!tokenValid("s3cret", {}));
  });
});

describe("the stack config's bridge section", () => {
  it("prod declares each alert that can arrive, at each severity Langfuse sends, and the image of this version", () => {
    const prod = buildPlan(buildModel(stackInput("prod")));
    assert.equal(prod.bridge?.image, `ghcr.io/callsphere/agent-alert-routing-bridge:${PACKAGE_VERSION}`);
    assert.equal(prod.bridge?.replicas, 2);
    assert.deepEqual(
      prod.bridge?.alerts.map((alert) => `${alert.alertname} ${alert.severity}`),
      [
        "HealthcareHallucinationRate critical",
        "HealthcareHallucinationRate warning",
        "HealthcareAnswerRelevanceLow critical",
        "HealthcareAnswerRelevanceLow warning",
        "HealthcarePiiLeakDetected critical",
        "HealthcarePiiLeakDetected warning",
      ],
    );
    assert.ok(prod.secretInputs.some((ref) => ref.configKey === "bridgeWebhookSecret"));
  });

  it("the package version the image tag takes is package.json's", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8")) as {
      version: string;
    };
    assert.equal(PACKAGE_VERSION, pkg.version);
  });

  const cases: { name: string; change: (bridge: Record<string, unknown>) => void; problem: RegExp }[] = [
    {
      name: "an unknown vertical",
      change: (bridge) => ((bridge.langfuse as Record<string, unknown>[])[0].vertical = "dental"),
      problem:
        /Pulumi\.prod\.yaml: agent-alert-routing:bridge\.langfuse\[0\]\.vertical: "dental" is not a vertical/,
    },
    {
      name: "a resend interval as long as resolve_timeout",
      change: (bridge) => (bridge.resendInterval = "3m"),
      problem:
        /agent-alert-routing:bridge\.resendInterval: 3m must be shorter than alertmanager\.resolveTimeout \(3m\)/,
    },
    {
      name: "a label override of a routing label",
      change: (bridge) => ((bridge.langsmith as Record<string, unknown>[])[0].labels = { team: "platform" }),
      problem:
        /agent-alert-routing:bridge\.langsmith\[0\]\.labels\.team: the bridge sets team from the mapping/,
    },
    {
      name: "an alert name without the vertical's prefix",
      change: (bridge) =>
        ((bridge.langsmith as { alerts: Record<string, unknown>[] }[])[0].alerts[0].alertname =
          "FeedbackDrop"),
      problem:
        /agent-alert-routing:bridge\.langsmith\[0\]\.alerts\[0\]\.alertname: "FeedbackDrop" must start with its vertical's prefix Sales/,
    },
    {
      name: "a tool alert without tool_name",
      change: (bridge) =>
        delete (bridge.webhooks as { alerts: Record<string, unknown>[] }[])[0].alerts[0].tool_name,
      problem:
        /agent-alert-routing:bridge\.webhooks\[0\]\.alerts\[0\]\.tool_name: a tool alert needs tool_name/,
    },
    {
      name: "a path that is not a path",
      change: (bridge) =>
        ((bridge.webhooks as { paths: Record<string, string> }[])[0].paths.alertname = "check..name"),
      problem:
        /agent-alert-routing:bridge\.webhooks\[0\]\.paths\.alertname: "check\.\.name" is not a path like alert\.name/,
    },
    {
      name: "a misspelt field",
      change: (bridge) => (bridge.replica = 3),
      problem: /agent-alert-routing:bridge\.replica: is not a known field/,
    },
  ];
  for (const { name, change, problem } of cases) {
    it(`refuses ${name}, naming file, path and field`, () => {
      assert.throws(
        () => buildModel(bridgeInput(change)),
        (error: Error) => {
          assert.ok(error instanceof ValidationError);
          assert.match(error.message, problem);
          return true;
        },
      );
    });
  }
});

/** An Alertmanager stand-in that records posts and lists what it holds, as v2's API does. */
async function alertmanagerStandIn(upSince = new Date(Date.now() - 60_000)) {
  const posts: { labels: Record<string, string>; startsAt: string; endsAt?: string }[][] = [];
  const held = new Map<string, { labels: Record<string, string>; startsAt: string; annotations: object }>();
  let down = false;
  const server = http.createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      if (down) {
        response.writeHead(503).end("down");
      } else if (request.method === "POST") {
        const alerts = JSON.parse(body);
        posts.push(alerts);
        for (const alert of alerts) {
          if (alert.endsAt) held.delete(identityOf(alert.labels));
          else held.set(identityOf(alert.labels), alert);
        }
        response.writeHead(200).end();
      } else if (request.url?.startsWith("/api/v2/status")) {
        response.writeHead(200).end(JSON.stringify({ uptime: upSince.toISOString() }));
      } else {
        response.writeHead(200).end(JSON.stringify([...held.values()]));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    posts,
    held,
    setDown: (value: boolean) => {
      down = value;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe("the forwarder, against an Alertmanager stand-in", () => {
  const labels = (severity: string) => ({
    alertname: "HealthcareHallucinationRate",
    source: "langfuse",
    vertical: "healthcare",
    severity,
  });
  const make = (url: string, now: () => number, metrics = new BridgeMetrics()) =>
    new Forwarder(
      { ...settings, alertmanagerUrls: [url], maxAlertAgeSeconds: 7200 },
      metrics,
      () => undefined,
      now,
    );

  it("posts a firing alert without endsAt, re-sends it with the same startsAt, and resolves it with endsAt", async (t) => {
    const am = await alertmanagerStandIn();
    t.after(am.close);
    let now = Date.parse("2026-11-30T12:00:00Z");
    const forwarder = make(am.url, () => now);
    assert.ok(await forwarder.fire({ labels: labels("critical"), annotations: {} }));
    now += 60_000;
    await forwarder.tick();
    assert.equal(am.posts.length, 2);
    assert.deepEqual(
      am.posts.map((post) => [post[0].startsAt, post[0].endsAt]),
      [
        ["2026-11-30T12:00:00.000Z", undefined],
        ["2026-11-30T12:00:00.000Z", undefined],
      ],
    );
    assert.ok(await forwarder.resolve(labels("critical")));
    assert.equal(am.posts.at(-1)?.[0].endsAt, "2026-11-30T12:01:00.000Z");
    assert.equal(forwarder.activeAlerts().length, 0);
  });

  it("a new severity ends the old alert as the new one starts", async (t) => {
    const am = await alertmanagerStandIn();
    t.after(am.close);
    const forwarder = make(am.url, Date.now);
    await forwarder.fire({ labels: labels("warning"), annotations: {} });
    await forwarder.fire({ labels: labels("critical"), annotations: {} });
    assert.deepEqual(
      am.posts.map((post) => [post[0].labels.severity, post[0].endsAt !== undefined]),
      [
        ["warning", false],
        ["warning", true],
        ["critical", false],
      ],
    );
  });

  it("after maxAlertAge without a recovery, the alert resolves and is no longer sent", async (t) => {
    const am = await alertmanagerStandIn();
    t.after(am.close);
    let now = Date.now();
    const forwarder = make(am.url, () => now);
    await forwarder.fire({ labels: labels("critical"), annotations: {} });
    now += 7200_000;
    await forwarder.tick();
    assert.ok(am.posts.at(-1)?.[0].endsAt, "resolved at the maximum age");
    const count = am.posts.length;
    await forwarder.tick();
    assert.equal(am.posts.length, count, "nothing more is sent");
  });

  it("a new process recovers the alerts it owns from Alertmanager, and lets go of one another replica resolved", async (t) => {
    const am = await alertmanagerStandIn();
    t.after(am.close);
    await make(am.url, Date.now).fire({ labels: labels("critical"), annotations: { summary: "s" } });
    const restarted = make(am.url, Date.now);
    await restarted.sync();
    assert.deepEqual(
      restarted.activeAlerts().map((alert) => alert.labels.severity),
      ["critical"],
    );
    // The other replica resolves it: Alertmanager, up all along, no longer lists it.
    am.held.clear();
    await restarted.sync();
    assert.equal(restarted.activeAlerts().length, 0);
  });

  it("with Alertmanager refusing, retries, counts every failed attempt, and keeps the alert for the next resend", async (t) => {
    const am = await alertmanagerStandIn();
    t.after(am.close);
    const metrics = new BridgeMetrics();
    const forwarder = make(am.url, Date.now, metrics);
    am.setDown(true);
    assert.equal(await forwarder.fire({ labels: labels("critical"), annotations: {} }), false);
    const errors = (await metrics.alertmanagerErrors.get()).values.reduce(
      (sum, value) => sum + value.value,
      0,
    );
    assert.equal(errors, 3);
    am.setDown(false);
    await forwarder.tick();
    assert.equal(am.held.size, 1);
  });
});
