// The bridge's settings as the stack config makes them: each Langfuse project, LangSmith project and
// webhook gives its alerts the labels of its vertical and source, an undeclared alert is a model
// alert of AI engineering, a declared one goes to the owner of its type (a tool alert to its tool's
// owner, else the tool fallback team); Langfuse sends critical and warning, LangSmith only critical,
// a webhook what its severities map to. Durations become seconds, the body limit bytes, and the
// image defaults to this version's. Expected values are written out from Pulumi.prod.yaml's teams.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildBridgePlan } from "../../plan/bridge";
import { baseConfig, buildOk, makeInput } from "./fixtures";

/** A bridge with a mapping of each kind, on the fixtures' verticals healthcare and real-estate. */
function bridgeSection(): Record<string, unknown> {
  return {
    replicas: 3,
    alertmanagerUrls: ["http://am-0.monitoring:9093", "http://am-1.monitoring:9093"],
    resendInterval: "1m30s",
    maxAlertAge: "1h30m",
    bodyLimitKiB: 8,
    langfuse: [
      {
        project: "healthcare-voice-prod",
        vertical: "healthcare",
        labels: { product: "voice" },
        alerts: [
          { name: "Hallucination rate", alertname: "HealthcareHallucinationRate" },
          {
            name: "PII leak detected",
            alertname: "HealthcarePiiLeakDetected",
            labels: { symptom: "pii-leak" },
          },
        ],
      },
    ],
    langsmith: [
      {
        project: "real-estate-chat",
        vertical: "real-estate",
        alerts: [
          { name: "CRM lookups", alertname: "RealEstateCrmLookups", alert_type: "tool", tool_name: "crm" },
          {
            name: "Listing search",
            alertname: "RealEstateListingSearch",
            alert_type: "tool",
            tool_name: "listings",
          },
          { name: "Slow answers", alertname: "RealEstateSlowAnswers", alert_type: "infra" },
        ],
      },
    ],
    webhooks: [
      {
        name: "evals-ci",
        vertical: "real-estate",
        paths: { alertname: "check.name", severity: "check.level" },
        severities: { warn: "warning", crit: "critical", sev1: "critical" },
        resolvedValues: ["passed"],
        alerts: [{ name: "Refund policy eval", alertname: "RealEstateRefundEval" }],
      },
      {
        name: "uptime",
        vertical: "healthcare",
        paths: { alertname: "monitor" },
        alerts: [
          {
            name: "Calendar probe",
            alertname: "HealthcareCalendarProbe",
            alert_type: "tool",
            tool_name: "calendar",
          },
        ],
      },
    ],
  };
}

function planOf(bridge: Record<string, unknown> | undefined) {
  const config = baseConfig();
  if (bridge) config.bridge = bridge;
  else delete config.bridge;
  return buildBridgePlan(buildOk(makeInput(config)).config);
}

const healthcareLangfuse = {
  vertical: "healthcare",
  source: "langfuse",
  alert_type: "model",
  team: "ai-eng",
};

describe("the bridge's plan", () => {
  it("is absent when the stack has no bridge", () => {
    assert.equal(planOf(undefined), undefined);
  });

  it("reads durations in seconds, the body limit in bytes, and keeps the replicas and Alertmanager URLs", () => {
    const settings = planOf(bridgeSection())?.settings;
    assert.deepEqual(
      {
        alertmanagerUrls: settings?.alertmanagerUrls,
        resendIntervalSeconds: settings?.resendIntervalSeconds,
        maxAlertAgeSeconds: settings?.maxAlertAgeSeconds,
        bodyLimitBytes: settings?.bodyLimitBytes,
      },
      {
        alertmanagerUrls: ["http://am-0.monitoring:9093", "http://am-1.monitoring:9093"],
        resendIntervalSeconds: 90,
        maxAlertAgeSeconds: 5400,
        bodyLimitBytes: 8192,
      },
    );
    assert.equal(planOf(bridgeSection())?.replicas, 3);
  });

  it("runs this version's image unless the stack names one", () => {
    assert.equal(planOf(bridgeSection())?.image, "ghcr.io/callsphere/agent-alert-routing-bridge:0.1.0");
    assert.equal(
      planOf({ ...bridgeSection(), image: "registry.example/bridge:pinned" })?.image,
      "registry.example/bridge:pinned",
    );
  });

  it("a Langfuse project: its vertical's labels and prefix, its declared alerts at critical and warning", () => {
    assert.deepEqual(planOf(bridgeSection())?.settings.langfuse, {
      "healthcare-voice-prod": {
        labels: { product: "voice", ...healthcareLangfuse },
        alertnamePrefix: "Healthcare",
        alerts: {
          "Hallucination rate": {
            alertname: "HealthcareHallucinationRate",
            labels: { alert_type: "model", team: "ai-eng" },
            severities: ["critical", "warning"],
          },
          "PII leak detected": {
            alertname: "HealthcarePiiLeakDetected",
            labels: { symptom: "pii-leak", alert_type: "model", team: "ai-eng" },
            severities: ["critical", "warning"],
          },
        },
      },
    });
  });

  it("a LangSmith project: critical only; a tool alert goes to its tool's owner, else the tool fallback team", () => {
    assert.deepEqual(planOf(bridgeSection())?.settings.langsmith, {
      "real-estate-chat": {
        labels: { vertical: "real-estate", source: "langsmith", alert_type: "model", team: "ai-eng" },
        alertnamePrefix: "RealEstate",
        alerts: {
          "CRM lookups": {
            alertname: "RealEstateCrmLookups",
            labels: { alert_type: "tool", team: "crm-owners", tool_name: "crm" },
            severities: ["critical"],
          },
          "Listing search": {
            alertname: "RealEstateListingSearch",
            labels: { alert_type: "tool", team: "integrations", tool_name: "listings" },
            severities: ["critical"],
          },
          "Slow answers": {
            alertname: "RealEstateSlowAnswers",
            labels: { alert_type: "infra", team: "platform" },
            severities: ["critical"],
          },
        },
      },
    });
  });

  it("a webhook: its paths and values, each severity it maps to once and in order, critical when it maps none", () => {
    assert.deepEqual(planOf(bridgeSection())?.settings.webhooks, {
      "evals-ci": {
        labels: { vertical: "real-estate", source: "webhook", alert_type: "model", team: "ai-eng" },
        alertnamePrefix: "RealEstate",
        alerts: {
          "Refund policy eval": {
            alertname: "RealEstateRefundEval",
            labels: { alert_type: "model", team: "ai-eng" },
            severities: ["critical", "warning"],
          },
        },
        paths: { alertname: "check.name", severity: "check.level" },
        severities: { warn: "warning", crit: "critical", sev1: "critical" },
        resolvedValues: ["passed"],
      },
      uptime: {
        labels: { vertical: "healthcare", source: "webhook", alert_type: "model", team: "ai-eng" },
        alertnamePrefix: "Healthcare",
        alerts: {
          "Calendar probe": {
            alertname: "HealthcareCalendarProbe",
            labels: { alert_type: "tool", team: "calendar-owners", tool_name: "calendar" },
            severities: ["critical"],
          },
        },
        paths: { alertname: "monitor" },
        severities: {},
        resolvedValues: ["resolved", "ok", "OK"],
      },
    });
  });

  it("declares every alert that can arrive, at each severity, with every label it reaches Alertmanager with", () => {
    const alerts = planOf(bridgeSection())?.alerts;
    const realEstate = { vertical: "real-estate", alert_type: "model", team: "ai-eng" };
    assert.deepEqual(alerts, [
      ...["critical", "warning"].map((severity) => ({
        source: "langfuse",
        vertical: "healthcare",
        alertname: "HealthcareHallucinationRate",
        severity,
        labels: {
          product: "voice",
          ...healthcareLangfuse,
          alertname: "HealthcareHallucinationRate",
          severity,
        },
      })),
      ...["critical", "warning"].map((severity) => ({
        source: "langfuse",
        vertical: "healthcare",
        alertname: "HealthcarePiiLeakDetected",
        severity,
        labels: {
          product: "voice",
          ...healthcareLangfuse,
          symptom: "pii-leak",
          alertname: "HealthcarePiiLeakDetected",
          severity,
        },
      })),
      {
        source: "langsmith",
        vertical: "real-estate",
        alertname: "RealEstateCrmLookups",
        severity: "critical",
        labels: {
          ...realEstate,
          source: "langsmith",
          alert_type: "tool",
          team: "crm-owners",
          tool_name: "crm",
          alertname: "RealEstateCrmLookups",
          severity: "critical",
        },
      },
      {
        source: "langsmith",
        vertical: "real-estate",
        alertname: "RealEstateListingSearch",
        severity: "critical",
        labels: {
          ...realEstate,
          source: "langsmith",
          alert_type: "tool",
          team: "integrations",
          tool_name: "listings",
          alertname: "RealEstateListingSearch",
          severity: "critical",
        },
      },
      {
        source: "langsmith",
        vertical: "real-estate",
        alertname: "RealEstateSlowAnswers",
        severity: "critical",
        labels: {
          ...realEstate,
          source: "langsmith",
          alert_type: "infra",
          team: "platform",
          alertname: "RealEstateSlowAnswers",
          severity: "critical",
        },
      },
      ...["critical", "warning"].map((severity) => ({
        source: "webhook",
        vertical: "real-estate",
        alertname: "RealEstateRefundEval",
        severity,
        labels: { ...realEstate, source: "webhook", alertname: "RealEstateRefundEval", severity },
      })),
      {
        source: "webhook",
        vertical: "healthcare",
        alertname: "HealthcareCalendarProbe",
        severity: "critical",
        labels: {
          vertical: "healthcare",
          source: "webhook",
          alert_type: "tool",
          team: "calendar-owners",
          tool_name: "calendar",
          alertname: "HealthcareCalendarProbe",
          severity: "critical",
        },
      },
    ]);
  });
});
