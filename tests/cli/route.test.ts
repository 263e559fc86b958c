// `npm run route` answers the domain's cases at business hours, at night and at the weekend.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { aliasBomb } from "../support/hostileYaml";
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

  it("a Langfuse model alert from the bridge says where it comes from and pages AI engineering, never platform", () => {
    const labels = [
      "vertical=healthcare",
      "alert_type=model",
      "team=ai-eng",
      "severity=critical",
      "source=langfuse",
    ];
    const out = ok(["--stack", "prod", "--at", NIGHT, "alertname=HealthcareHallucinationRate", ...labels]);
    assert.match(
      out,
      /from langfuse through the bridge; declared in bridge\.langfuse for healthcare, so the routing matrix lists it/,
    );
    assert.match(out, /receiver ai-eng: notifies now/);
    assert.doesNotMatch(out, /receiver platform/);
    const undeclared = ok(["--stack", "prod", "--at", NIGHT, "alertname=HealthcareToxicity", ...labels]);
    assert.match(
      undeclared,
      /not declared in the stack config's bridge section, so the routing matrix does not list it/,
    );
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

  it("a real-estate CRM 5xx pages the CRM owners at night for everyone and for an enterprise customer, not for cheaper tiers", () => {
    const labels = [
      "alertname=RealEstateCrmWebhook5xx",
      "vertical=real-estate",
      "alert_type=tool",
      "tool_name=crm",
      "severity=critical",
    ];
    // Vertical-wide: real estate sells enterprise, so an outage for everyone pages at 03:00.
    for (const tier of [[], ["tier=enterprise"]]) {
      const night = ok(["--at", NIGHT, ...labels, ...tier]);
      assert.match(night, /receiver crm-owners: notifies now\n\s+PagerDuty service "CRM Integration Owners"/);
      assert.doesNotMatch(night, /crm-owners-offhours|crm-owners-email/);
    }
    const business = ["tier=business"];
    const day = ok(["--at", BUSINESS, ...labels, ...business]);
    assert.match(day, /receiver crm-owners: notifies now/);
    assert.match(day, /receiver crm-owners-offhours: muted now by business-hours/);
    for (const at of [NIGHT, WEEKEND]) {
      const off = ok(["--at", at, ...labels, ...business]);
      assert.match(off, /receiver crm-owners: silent now: active only in business-hours/);
      assert.match(off, /receiver crm-owners-offhours: notifies now/);
      assert.match(off, /Slack #oncall-crm\n\s+e-mail crm-owners@callsphere\.example/);
    }
    const trial = ok(["--at", NIGHT, ...labels, "tier=trial"]);
    assert.match(
      trial,
      /receiver crm-owners-email: notifies now\n\s+e-mail crm-owners@callsphere\.example\n/,
    );
    assert.doesNotMatch(trial, /PagerDuty service|Slack/);
  });

  it("a trial customer's alert reaches e-mail only, and an unknown tool the integrations team", () => {
    const trial = ok([
      "--at",
      NIGHT,
      "alertname=SalonCrashLoop",
      "vertical=salon",
      "alert_type=infra",
      "severity=critical",
      "tier=trial",
    ]);
    assert.match(
      trial,
      /receiver platform-email: notifies now\n\s+e-mail platform-oncall@callsphere\.example\n/,
    );
    assert.doesNotMatch(trial, /PagerDuty service|Slack/);
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

  it("reads a file of alerts and shows inhibition: a stalled queue holds back the model alert, a Redis warning nothing", () => {
    const file = path.join(tempDir("route"), "alerts.yaml");
    fs.writeFileSync(
      file,
      [
        "- { alertname: AfterHoursQueueDepthHigh, vertical: after-hours, alert_type: infra, severity: critical, impact: vertical }",
        "- { alertname: AfterHoursJobModelErrors, vertical: after-hours, alert_type: model, severity: critical }",
        "",
      ].join("\n"),
    );
    const out = ok(["--at", NIGHT, "--file", file]);
    const [infra, model] = out.split("\nAlert ").slice(1);
    assert.match(infra, /receiver platform: notifies now/);
    assert.match(model, /HELD BACK by AfterHoursQueueDepthHigh/);
    assert.match(model, /receiver ai-eng: held back/);
    assert.match(
      out,
      /Together: 1 notify \(AfterHoursQueueDepthHigh\), 1 held back \(AfterHoursJobModelErrors \(by AfterHoursQueueDepthHigh\)\)\./,
    );
    // A crash loop does not say the vertical is down: the model alert still pages beside it.
    fs.writeFileSync(
      file,
      [
        "- { alertname: AfterHoursCrashLoop, vertical: after-hours, alert_type: infra, severity: critical }",
        "- { alertname: AfterHoursJobModelErrors, vertical: after-hours, alert_type: model, severity: critical }",
        "",
      ].join("\n"),
    );
    const [, paged] = ok(["--at", NIGHT, "--file", file]).split("\nAlert ").slice(1);
    assert.doesNotMatch(paged, /HELD BACK/);
    assert.match(paged, /receiver ai-eng: notifies now/);
  });

  it("shows one page for one symptom: the SEV1 holds back the 800 ms page and the SLO's page and ticket", () => {
    const file = path.join(tempDir("route"), "symptom.yaml");
    const ftl = "vertical: healthcare, alert_type: model, symptom: ftl-latency";
    fs.writeFileSync(
      file,
      [
        `- { alertname: HealthcareFtlP95High, ${ftl}, severity: critical }`,
        `- { alertname: HealthcareFtlP95Severe, ${ftl}, severity: critical, priority: P1 }`,
        `- { alertname: HealthcareFtlLatencyFastBurn, ${ftl}, severity: critical, slo: ftl-latency }`,
        `- { alertname: HealthcareFtlLatencySlowBurn, ${ftl}, severity: warning, slo: ftl-latency }`,
        "",
      ].join("\n"),
    );
    const out = ok(["--at", NIGHT, "--file", file]);
    assert.match(out, /Together: 1 notify \(HealthcareFtlP95Severe\), 3 held back \(/);
    assert.match(out, /receiver ai-eng-sev1: notifies now/);
    for (const weaker of [
      "HealthcareFtlP95High",
      "HealthcareFtlLatencyFastBurn",
      "HealthcareFtlLatencySlowBurn",
    ])
      assert.match(out, new RegExp(`${weaker} \\(by HealthcareFtlP95Severe\\)`));
  });

  it("rejects a bad label, a time without a zone, an impossible time and a missing alert", () => {
    const cases: [string[], RegExp][] = [
      [["bad-name=x"], /"bad-name" is not a valid label name/],
      [["vertical"], /"vertical" is not a label; write name=value/],
      [["--at", "2026-01-14T11:00:00", "vertical=sales"], /needs a time zone: end it with Z or an offset/],
      [["--at", "2026-13-45T11:00:00Z", "vertical=sales"], /is not an ISO 8601 time/],
      [[], /no alert: give its labels/],
      [["--stack", "nope", "vertical=sales"], /Pulumi\.nope\.yaml: does not exist/],
      [["--customer-tier", "acme", "vertical=sales"], /--customer-tier "acme" is not a customer and a tier/],
      [
        ["--customer-tier", "acme=gold", "vertical=sales"],
        /"gold" is not a tier \(tiers: enterprise, business, trial\)/,
      ],
      [
        ["--customer-tiers", "/nonexistent.yaml", "vertical=sales"],
        /--customer-tiers \/nonexistent\.yaml does not exist/,
      ],
    ];
    for (const [args, message] of cases) {
      const result = route(...args);
      assert.notEqual(result.status, 0, args.join(" "));
      assert.match(result.stderr, message);
      assert.doesNotMatch(result.stderr, /^\s+at /m);
    }
  });

  it("refuses a file it is handed as the stack file's reader does: an alias bomb, too large, not UTF-8, a folder", () => {
    const dir = tempDir("route-hostile");
    const write = (name: string, content: string | Buffer) => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, content);
      return file;
    };
    const bomb = write("bomb.yaml", aliasBomb());
    const large = write("large.yaml", `acme: trial\n# ${"x".repeat(1024 * 1024)}\n`);
    const latin1 = write("latin1.yaml", Buffer.from([0x61, 0x63, 0x6d, 0x65, 0x3a, 0x20, 0xe9, 0x0a]));
    const cases: [string[], RegExp][] = [
      [["--file", bomb], /--file .*bomb\.yaml .*aliases.*expand/],
      [["--customer-tiers", bomb, "vertical=sales"], /--customer-tiers .*bomb\.yaml .*aliases.*expand/],
      [["--file", large], /--file .*large\.yaml is 1\.0 MiB; a file the program reads may be at most 1 MiB/],
      [["--customer-tiers", latin1, "vertical=sales"], /--customer-tiers .*latin1\.yaml .*UTF-8/],
      [["--file", dir], /--file .* is a directory, not a file/],
    ];
    for (const [args, message] of cases) {
      const result = route(...args);
      assert.notEqual(result.status, 0, args.join(" "));
      assert.match(result.stderr, message);
      assert.doesNotMatch(result.stderr, /^\s+at /m);
    }
  });

  it("takes a per-customer alert's tier from its customer, and the strictest for a customer it does not know", () => {
    const labels = [
      "alertname=RealEstateCustomerCrmFailing",
      "vertical=real-estate",
      "alert_type=tool",
      "tool_name=crm",
      "severity=critical",
    ];
    const tiers = path.join(tempDir("route"), "tiers.yaml");
    fs.writeFileSync(tiers, "acme: enterprise\nbolt: business\ncora: trial\n");
    const night = (customer: string) =>
      ok(["--at", NIGHT, "--customer-tiers", tiers, ...labels, `customer=${customer}`]);
    assert.match(
      night("acme"),
      /tier enterprise: customer acme's, from the customer info series\n[\s\S]*receiver crm-owners: notifies now/,
    );
    assert.match(
      night("bolt"),
      /tier business: customer bolt's[\s\S]*receiver crm-owners-offhours: notifies now/,
    );
    assert.match(night("cora"), /tier trial: customer cora's[\s\S]*receiver crm-owners-email: notifies now/);
    const unknown = night("dell");
    assert.match(
      unknown,
      /no tier: customer dell is not in the customer info series given .*the strictest tier real-estate sells, enterprise, applies/,
    );
    assert.match(unknown, /receiver crm-owners: notifies now/);
    // A flag overrides the file, as the last word on a customer.
    assert.match(
      ok([
        "--at",
        NIGHT,
        "--customer-tiers",
        tiers,
        "--customer-tier",
        "cora=enterprise",
        ...labels,
        "customer=cora",
      ]),
      /tier enterprise: customer cora's[\s\S]*receiver crm-owners: notifies now/,
    );
    const wide = ok([
      "--at",
      NIGHT,
      "alertname=RealEstateCrmWebhook5xx",
      "vertical=real-estate",
      "alert_type=tool",
      "tool_name=crm",
      "severity=critical",
    ]);
    assert.match(
      wide,
      /no tier: a vertical-wide alert, so the strictest tier real-estate sells, enterprise, applies/,
    );
    assert.match(wide, /overrides made in PagerDuty are not known offline/);
    // A customer label on a vertical-wide alert changes nothing: its rule joins no customer's tier.
    const labelled = ok([
      "--at",
      NIGHT,
      "--customer-tier",
      "acme=trial",
      "alertname=RealEstateCrmWebhook5xx",
      "vertical=real-estate",
      "alert_type=tool",
      "tool_name=crm",
      "severity=critical",
      "customer=acme",
    ]);
    assert.match(labelled, /no tier: RealEstateCrmWebhook5xx is not a per-customer alert of real-estate/);
    assert.match(labelled, /receiver crm-owners: notifies now/);
  });

  it("hands the rotation over at its hand-off time in its own zone, in summer as in winter", () => {
    const model = [
      "alertname=HealthcareIntentAccuracyDrop",
      "vertical=healthcare",
      "alert_type=model",
      "severity=critical",
    ];
    const onCall = (at: string) =>
      /L1 at 0 min: ai-eng rotation \(([^<]+) </.exec(ok(["--at", at, ...model]))?.[1];
    // AI engineering hands off on Mondays at 10:00 New York time.
    for (const [before, after, later] of [
      ["2026-01-05T09:30:00-05:00", "2026-01-05T10:30:00-05:00", "2026-01-11T12:00:00-05:00"],
      ["2026-07-06T09:30:00-04:00", "2026-07-06T10:30:00-04:00", "2026-07-12T12:00:00-04:00"],
    ]) {
      assert.notEqual(onCall(before), onCall(after), `a new engineer at ${after}`);
      assert.equal(onCall(after), onCall(later), `the same engineer all week from ${after}`);
    }
  });
});
