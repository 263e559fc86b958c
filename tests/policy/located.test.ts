// Each broken fixture's violation, as `npm run render` and `npm run policy` print it: located where
// its value was written. The expected place is read from the catalogue files themselves: an alert a
// violation names is at its `groups[g].rules[r]`, and at the field the fixture changed when the
// fixture changed one; a violation about a declared resource is at the stack file and that resource.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import yaml from "js-yaml";
import type { DeclaredResource } from "../../cli/mockEngine";
import { type CompiledStack, compileStack } from "../../pipeline/compile";
import { checkStackPolicies, type LocatedViolation, reportViolations } from "../../policies/offline";
import { asPolicyResources } from "../../policies/run";
import { applyFixture, type PolicyFixture } from "../support/policyFixtures";
import { runStack } from "../support/program";
import { PROJECT_DIR } from "../support/tools";

const FIXTURES = path.join(__dirname, "..", "fixtures", "policy");
const STACK_FILE = "Pulumi.prod.yaml";

/** Where each alert and SLO of the prod catalogues is written, from the YAML files. */
function catalogueEntries(): {
  alerts: Map<string, { file: string; path: string }[]>;
  slos: { file: string; path: string; pascal: string }[];
} {
  const alerts = new Map<string, { file: string; path: string }[]>();
  const slos: { file: string; path: string; pascal: string }[] = [];
  for (const name of fs.readdirSync(path.join(PROJECT_DIR, "alerts"))) {
    if (!name.endsWith(".yaml") || name.endsWith(".tests.yaml")) continue;
    const file = `alerts/${name}`;
    const catalogue = yaml.load(fs.readFileSync(path.join(PROJECT_DIR, file), "utf8")) as {
      groups?: { rules?: { alert?: string }[] }[];
      slos?: { name: string }[];
    };
    catalogue.groups?.forEach((group, g) => {
      group.rules?.forEach((rule, r) => {
        if (rule.alert)
          alerts.set(rule.alert, [
            ...(alerts.get(rule.alert) ?? []),
            { file, path: `groups[${g}].rules[${r}]` },
          ]);
      });
    });
    catalogue.slos?.forEach((slo, k) => {
      const pascal = slo.name.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
      slos.push({ file, path: `slos[${k}]`, pascal });
    });
  }
  return { alerts, slos };
}

let declared: DeclaredResource[];
let compiled: CompiledStack;
let entries: ReturnType<typeof catalogueEntries>;
let bridgeAlerts: Set<string>;

before(async () => {
  const run = await runStack("prod");
  declared = run.resources;
  const { file, values } = run.stackFile;
  compiled = await compileStack({ stack: "prod", stackFile: file, config: values });
  entries = catalogueEntries();
  const stackFile = yaml.load(fs.readFileSync(path.join(PROJECT_DIR, STACK_FILE), "utf8")) as {
    config: { "agent-alert-routing:bridge": Record<string, { alerts?: { alertname: string }[] }[]> };
  };
  bridgeAlerts = new Set(
    Object.values(stackFile.config["agent-alert-routing:bridge"])
      .filter(Array.isArray)
      .flatMap((projects) => projects.flatMap((project) => project.alerts ?? []))
      .map((alert) => alert.alertname),
  );
  assert.ok(bridgeAlerts.size > 0);
});

function locate(fixture?: PolicyFixture): LocatedViolation[] {
  const resources = asPolicyResources(declared, "prod");
  const broken = fixture ? applyFixture(resources, fixture) : resources;
  return checkStackPolicies(
    "prod",
    broken.map((resource) => ({
      type: resource.type,
      name: resource.name,
      inputs: resource.props,
      protect: resource.opts.protect,
    })),
    compiled.policyConfig,
    compiled.model,
  );
}

/** The one field a fixture changes on an alert it names, if it changes exactly one. */
function changedField(fixture: PolicyFixture, alert: string): string | undefined {
  const changes = fixture.changes.filter((change) => change.op === "rule" && change.alert === alert);
  const fields = changes.flatMap((change) => [
    ...Object.keys(change.set ?? {}),
    ...(change.delete ?? []),
    ...Object.keys(change.replace ?? {}),
  ]);
  return fields.length === 1 ? fields[0] : undefined;
}

describe("a violation located in the input", () => {
  const files = fs.readdirSync(FIXTURES).filter((file) => file.endsWith(".json"));
  const baselineKeys = () =>
    new Set(locate().map((violation) => `${violation.policy}: ${violation.message}`));

  for (const file of files) {
    const fixture = JSON.parse(fs.readFileSync(path.join(FIXTURES, file), "utf8")) as PolicyFixture;
    it(`${file}: where the offending value was written`, () => {
      const before = baselineKeys();
      const found = locate(fixture).filter(
        (violation) =>
          violation.policy === fixture.policy && !before.has(`${violation.policy}: ${violation.message}`),
      );
      assert.ok(found.length > 0, "no violation");
      for (const violation of found) {
        const alert =
          /^(?:Alert|Threshold alert|Critical alert|Tool alert|Infra alert|Model alert|Recording rule) (\S+) /.exec(
            violation.message,
          )?.[1];
        // The vertical, from the message (`Alert Watchdog in alerting: …`) or the fixture's change,
        // tells apart a name several catalogues use (each vertical's Watchdog).
        const vertical =
          / (?:in|of) ([a-z][a-z0-9-]*)[:,. ]/.exec(violation.message)?.[1] ??
          fixture.changes.find((change) => change.vertical)?.vertical;
        const catalogue = compiled.model.verticals.find(
          (candidate) => candidate.id === vertical,
        )?.catalogueFile;
        const candidates = alert ? (entries.alerts.get(alert) ?? []) : [];
        const entry =
          candidates.length === 1
            ? candidates[0]
            : candidates.find((candidate) => candidate.file === catalogue);
        const renamed = alert !== undefined && fixture.changes.some((change) => change.set?.alert === alert);
        const where = `${violation.issue.file}: ${violation.issue.path}`;
        // An SLO's generated alert carries the SLO's name: `HealthcareFtlLatencyFastBurn`, `ftl-latency`.
        const slo = entries.slos.find(
          (candidate) => candidate.file === catalogue && alert?.includes(candidate.pascal),
        );
        if (entry && alert) {
          // The field the fixture changed, or the label the message asks for.
          const asked = /Add the label (\w+):/.exec(violation.message)?.[1];
          const field = changedField(fixture, alert) ?? (asked && `labels.${asked}`);
          const expected = field ? `${entry.path}.${field}` : entry.path;
          assert.equal(where, `${entry.file}: ${expected}`, violation.message);
        } else if (renamed) {
          // The alert is no longer under its written name: its vertical's catalogue is named.
          assert.match(where, /^alerts\/[a-z-]+\.yaml: $/, violation.message);
        } else if (slo) {
          assert.equal(where, `${slo.file}: ${slo.path}`, violation.message);
        } else if (alert && bridgeAlerts.has(alert)) {
          // Declared in the stack file's bridge section, not in a catalogue.
          assert.equal(where, `${STACK_FILE}: agent-alert-routing:bridge`, violation.message);
        } else if (alert?.endsWith("CustomerTiersUnknown")) {
          // Generated from the stack's customers section.
          assert.equal(where, `${STACK_FILE}: agent-alert-routing:customers`, violation.message);
        } else if (catalogue) {
          // A problem of a vertical's rules as a whole (a group added to one): its catalogue.
          assert.equal(where, `${catalogue}: `, violation.message);
        } else {
          // A declared resource, a rule the program generates (the alerts about the alerting), or
          // the stack as a whole.
          assert.equal(where, `${STACK_FILE}: ${violation.resource ?? ""}`, violation.message);
        }
        assert.ok(
          violation.issue.message.endsWith(`(${violation.enforcementLevel} policy ${violation.policy})`),
        );
      }
    });
  }

  it("prints each located violation, then the count of both levels, and fails only on a mandatory one", () => {
    const lines: string[] = [];
    const fixture = (file: string) =>
      JSON.parse(fs.readFileSync(path.join(FIXTURES, file), "utf8")) as PolicyFixture;
    const secretLeak = [
      ...locate(fixture("no-plain-secrets.json")),
      ...locate(fixture("threshold-alert-covered-by-slo.json")).filter(
        (violation) => violation.enforcementLevel === "advisory",
      ),
    ];
    const mandatory = secretLeak.filter((violation) => violation.enforcementLevel === "mandatory").length;
    const advisory = secretLeak.length - mandatory;
    assert.ok(mandatory > 0 && advisory > 0);
    const verdict = reportViolations(secretLeak, (line) => lines.push(line));
    assert.deepEqual(verdict, {
      ok: false,
      count: `policy: ${mandatory} mandatory and ${advisory} advisory violation(s)`,
    });
    assert.equal(lines.length, secretLeak.length);
    assert.ok(lines.some((line) => line.startsWith("alerts/sales.yaml: groups[")));
    const advisoriesOnly = secretLeak.filter((violation) => violation.enforcementLevel === "advisory");
    assert.deepEqual(
      reportViolations(advisoriesOnly, () => {}),
      { ok: true, count: `policy: 0 mandatory and ${advisory} advisory violation(s)` },
    );
  });
});
