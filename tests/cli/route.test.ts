// `npm run route` answers the domain's cases at business hours, at night and at the weekend.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { runCli, tempDir } from "../support/tools";

const route = (...args: string[]) => runCli("route", [...args]);

// New York: Wednesday 11:00, Wednesday 03:00, Saturday 11:00 (January, standard time).
const BUSINESS = "2026-01-14T11:00:00-05:00";
const NIGHT = "2026-01-14T03:00:00-05:00";
const WEEKEND = "2026-01-17T11:00:00-05:00";

function ok(args: string[]): string {
  const result = route(...args);
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

describe("npm run route", () => {
  it("healthcare FTL pages the AI engineering rotation at any hour, and says who and when", () => {
    for (const at of [BUSINESS, NIGHT, WEEKEND]) {
      const out = ok([
        "--stack",
        "prod",
        "--at",
        at,
        "alertname=HealthcareFtlP95High",
        "vertical=healthcare",
        "alert_type=model",
        "severity=critical",
      ]);
      assert.match(out, /receiver ai-eng: notifies now/);
      assert.match(out, /PagerDuty service "AI Engineering", urgency high at this time/);
      assert.match(out, /L1 at 0 min: ai-eng rotation \((Dana Levi|Emeka Obi|Farah Haddad) </);
      assert.match(out, /L2 at 10 min: ml-lead@callsphere\.example/);
      assert.match(out, /Slack #oncall-ai-eng/);
      assert.doesNotMatch(out, /receiver platform/);
    }
  });

  it("a healthcare P1 escalates to the executive within the SEV1 budget", () => {
    const out = ok([
      "--at",
      NIGHT,
      "alertname=HealthcareFtlP95Severe",
      "vertical=healthcare",
      "alert_type=model",
      "severity=critical",
      "priority=P1",
    ]);
    assert.match(out, /receiver ai-eng-sev1: notifies now/);
    assert.match(out, /L3 at 20 min: exec rotation \(Maya Chen <ceo@callsphere\.example>\)/);
  });

  it("a real-estate CRM 5xx pages the CRM owners in business hours and tells Slack and e-mail otherwise", () => {
    const labels = [
      "alertname=RealEstateCrmWebhook5xx",
      "vertical=real-estate",
      "alert_type=tool",
      "tool_name=crm",
      "severity=critical",
    ];
    const day = ok(["--at", BUSINESS, ...labels]);
    assert.match(day, /receiver crm-owners: notifies now/);
    assert.match(day, /receiver crm-owners-offhours: muted now by business-hours/);
    for (const at of [NIGHT, WEEKEND]) {
      const off = ok(["--at", at, ...labels]);
      assert.match(off, /receiver crm-owners: silent now: active only in business-hours/);
      assert.match(off, /receiver crm-owners-offhours: notifies now/);
      assert.match(off, /Slack #oncall-crm\n\s+e-mail crm-owners@callsphere\.example/);
    }
  });

  it("a trial vertical's alert reaches e-mail only, and an unknown tool the integrations team", () => {
    const trial = ok([
      "--at",
      NIGHT,
      "alertname=SalonCrashLoop",
      "vertical=salon",
      "alert_type=infra",
      "severity=critical",
    ]);
    assert.match(
      trial,
      /receiver platform-email: notifies now\n\s+e-mail platform-oncall@callsphere\.example\n/,
    );
    assert.doesNotMatch(trial, /PagerDuty|Slack/);
    const tool = ok([
      "--at",
      NIGHT,
      "alertname=HealthcareEhrToolErrors",
      "vertical=healthcare",
      "alert_type=tool",
      "tool_name=ehr",
      "severity=critical",
    ]);
    assert.match(tool, /receiver integrations: notifies now/);
  });

  it("reads a file of alerts and shows inhibition: Redis down holds back the model alert", () => {
    const file = path.join(tempDir("route"), "alerts.yaml");
    fs.writeFileSync(
      file,
      [
        "- { alertname: AfterHoursRedisMemoryNearOom, vertical: after-hours, alert_type: infra, severity: critical }",
        "- { alertname: AfterHoursJobModelErrors, vertical: after-hours, alert_type: model, severity: critical }",
        "",
      ].join("\n"),
    );
    const out = ok(["--at", NIGHT, "--file", file]);
    const [infra, model] = out.split("\nAlert ").slice(1);
    assert.match(infra, /receiver platform: notifies now/);
    assert.match(model, /INHIBITED by AfterHoursRedisMemoryNearOom/);
    assert.match(model, /receiver ai-eng: inhibited/);
  });

  it("rejects a bad label, a time without a zone, an impossible time and a missing alert", () => {
    const cases: [string[], RegExp][] = [
      [["bad-name=x"], /"bad-name" is not a valid label name/],
      [["vertical"], /"vertical" is not a label; write name=value/],
      [["--at", "2026-01-14T11:00:00", "vertical=sales"], /needs a time zone: end it with Z or an offset/],
      [["--at", "2026-13-45T11:00:00Z", "vertical=sales"], /is not an ISO 8601 time/],
      [[], /no alert: give its labels/],
      [["--stack", "nope", "vertical=sales"], /Pulumi\.nope\.yaml: does not exist/],
    ];
    for (const [args, message] of cases) {
      const result = route(...args);
      assert.notEqual(result.status, 0, args.join(" "));
      assert.match(result.stderr, message);
      assert.doesNotMatch(result.stderr, /^\s+at /m);
    }
  });
});
