// The pack's contract with the engine and the stack: its defaults are prod's values, the config it
// is handed is the stack's own, its schemas refuse a config of the wrong shape as the Pulumi CLI
// would, CrossGuard's validateStack answers as the offline runner does, and each resource keeps the
// URN and protection the engine gives it.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import Ajv from "ajv";
import yaml from "js-yaml";
import { RULE_CHECKS } from "../../input/checks/rules";
import { compileStack } from "../../pipeline/compile";
import { allPolicies } from "../../policies/all";
import { asPolicyResources, type PolicyConfig, runPolicies, type Violation } from "../../policies/run";
import type { PolicyResourceLike } from "../../policies/view";
import { applyFixture, type PolicyFixture } from "../support/policyFixtures";
import { runStack } from "../support/program";
import { PROJECT_DIR } from "../support/tools";

const FIXTURES = path.join(__dirname, "..", "fixtures", "policy");
const fixture = (file: string) =>
  JSON.parse(fs.readFileSync(path.join(FIXTURES, file), "utf8")) as PolicyFixture;

let declared: Awaited<ReturnType<typeof runStack>>["resources"];
let resources: PolicyResourceLike[];
let config: PolicyConfig;
let baseline: Violation[];

before(async () => {
  const run = await runStack("prod");
  declared = run.resources;
  resources = asPolicyResources(run.resources, "prod");
  const { file, values } = run.stackFile;
  config = (await compileStack({ stack: "prod", stackFile: file, config: values })).policyConfig;
  baseline = runPolicies(resources, config);
});

describe("the pack's defaults", () => {
  it("judge prod as prod's own policy config does", () => {
    // `pulumi preview --policy-pack policies` without `--policy-pack-config` runs on the defaults.
    assert.deepEqual(runPolicies(resources), baseline);
    // Including the tiers a rule may name: each tier prod sells is one.
    const tiers = (config["tier-label"] as { tiers: string[] }).tiers;
    assert.ok(tiers.length > 0);
    for (const tier of tiers) {
      const tiered = applyFixture(resources, {
        description: `an alert of the ${tier} tier`,
        policy: "tier-label",
        message: "",
        changes: [{ op: "rule", alert: "SalesPm2RestartsHigh", set: { "labels.tier": tier } }],
      });
      const verdict = (policyConfig?: PolicyConfig) =>
        runPolicies(tiered, policyConfig).filter((violation) => violation.policy === "tier-label");
      assert.deepEqual(verdict(), verdict(config), tier);
      assert.deepEqual(verdict(), [], tier);
    }
  });

  it("require no protection, and take the Alertmanager root's receiver as the catch-all", () => {
    const tripped = (file: string, policy: string, policyConfig?: PolicyConfig) =>
      runPolicies(applyFixture(resources, fixture(file)), policyConfig).filter(
        (violation) => violation.policy === policy,
      ).length;
    // A stack that does not ask for protection (staging) may leave its services unprotected.
    assert.equal(tripped("protected-oncall.json", "protected-oncall"), 0);
    assert.equal(tripped("protected-oncall.json", "protected-oncall", config), 1);
    assert.equal(tripped("one-team-per-alert.catch-all.json", "one-team-per-alert"), 1);
  });

  it("count as an SLO only a recording rule named slo:…, not any recording rule on the series", () => {
    const covered = fixture("threshold-alert-covered-by-slo.json");
    const plainRecord = {
      ...covered,
      changes: covered.changes.map((change) => ({
        ...change,
        rule: { ...change.rule, record: "sales:pm2_restarts:rate5m" },
      })),
    };
    const flagged = (changed: PolicyFixture) =>
      runPolicies(applyFixture(resources, changed)).filter(
        (violation) => violation.policy === "threshold-alert-covered-by-slo",
      ).length;
    assert.equal(flagged(covered), 1);
    assert.equal(flagged(plainRecord), 0);
  });
});

describe("the policy config the render writes", () => {
  it("carries the stack file's owners, tiers and PagerDuty settings", () => {
    const stackFile = yaml.load(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.prod.yaml"), "utf8")) as {
      config: Record<string, Record<string, unknown>>;
    };
    const value = (key: string) => stackFile.config[`agent-alert-routing:${key}`];
    const routing = value("routing") as Record<string, string>;
    const owners = {
      infraTeam: routing.infraTeam,
      modelTeam: routing.modelTeam,
      toolFallbackTeam: routing.toolFallbackTeam,
      toolOwners: value("toolOwners"),
    };
    const tiers = value("tiers") as Record<string, { coverage: string }>;
    const pagerduty = value("pagerduty") as { protect: boolean; alertGrouping: { windowMinutes: number } };
    for (const check of RULE_CHECKS)
      assert.deepEqual(config[check.name], { ...owners, tiers: Object.keys(tiers) }, check.name);
    for (const policy of [
      "model-alerts-avoid-platform",
      "infra-alerts-avoid-ai-engineering",
      "tool-alerts-reach-owner",
    ])
      assert.deepEqual(config[policy], owners, policy);
    assert.deepEqual(config["one-team-per-alert"], { catchAllReceiver: `${routing.catchAllTeam}-unrouted` });
    assert.deepEqual(config["tier-coverage"], {
      tiers: Object.fromEntries(Object.entries(tiers).map(([tier, { coverage }]) => [tier, coverage])),
    });
    assert.deepEqual(config["protected-oncall"], { required: pagerduty.protect });
    assert.deepEqual(config["alert-grouping-window"], {
      windowMinutes: pagerduty.alertGrouping.windowMinutes,
    });
  });
});

describe("the pack's config schemas", () => {
  const ajv = new Ajv({ strict: true, allErrors: true });
  const validator = (policy: (typeof allPolicies)[number]) =>
    ajv.compile({ type: "object", properties: policy.configSchema?.properties ?? {} });

  it("take the config the render writes for prod, and each policy's defaults", () => {
    for (const policy of allPolicies) {
      // Each key the render writes is declared, so the CLI checks it and the pack documents it.
      const declared = Object.keys(policy.configSchema?.properties ?? {}).sort();
      assert.deepEqual(
        Object.keys(config[policy.name] ?? {}).filter((key) => !declared.includes(key)),
        [],
        policy.name,
      );
      const validate = validator(policy);
      assert.ok(validate(config[policy.name] ?? {}), `${policy.name}: ${ajv.errorsText(validate.errors)}`);
      const defaults = Object.fromEntries(
        Object.entries(policy.configSchema?.properties ?? {}).map(([key, schema]) => [
          key,
          (schema as { default: unknown }).default,
        ]),
      );
      assert.ok(validate(defaults), `${policy.name} defaults: ${ajv.errorsText(validate.errors)}`);
    }
  });

  // A value of another kind than the property's default, as a hand-written --policy-pack-config
  // might hold; the Pulumi CLI checks a pack's config against these schemas before it runs.
  function wrongValues(fallback: unknown): unknown[] {
    if (typeof fallback === "string") return [42, true];
    if (typeof fallback === "number") return ["5", 1.5];
    if (typeof fallback === "boolean") return ["true", 1];
    if (Array.isArray(fallback)) return ["business", [42]];
    if (fallback && typeof fallback === "object") {
      const [key] = Object.keys(fallback);
      return ["x", [], { [key ?? "x"]: 42 }];
    }
    return [];
  }

  it("refuse a property of the wrong kind, naming it", () => {
    let refused = 0;
    for (const policy of allPolicies) {
      const validate = validator(policy);
      for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
        const fallback = (schema as { default: unknown }).default;
        for (const wrong of wrongValues(fallback)) {
          assert.equal(
            validate({ [key]: wrong }),
            false,
            `${policy.name}.${key} took ${JSON.stringify(wrong)}`,
          );
          assert.match(ajv.errorsText(validate.errors), new RegExp(`/${key}`), `${policy.name}.${key}`);
          refused++;
        }
      }
    }
    assert.ok(refused > 40, `only ${refused} wrong values tried`);
  });

  it("refuse a coverage the program does not know, and counts below their minimum", () => {
    const named = (name: string) => {
      const policy = allPolicies.find((candidate) => candidate.name === name);
      assert.ok(policy, name);
      return validator(policy);
    };
    assert.equal(named("tier-coverage")({ tiers: { enterprise: "always" } }), false);
    assert.equal(named("services-per-team")({ maxServicesPerTeam: 0 }), false);
    assert.equal(named("escalation-has-levels")({ minLevels: 0 }), false);
    assert.equal(named("alert-grouping-window")({ windowMinutes: 1441 }), false);
    assert.equal(named("alert-grouping-window")({ windowMinutes: -1 }), false);
    assert.equal(named("objects-under-1mib")({ limitBytes: 0 }), false);
    assert.equal(named("no-plain-secrets")({ minSecretLength: 0 }), false);
  });
});

describe("the pack's documented config", () => {
  it("lists every property of every policy, with its default, in policies/README.md", () => {
    const readme = fs.readFileSync(path.join(PROJECT_DIR, "policies", "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Policy config"), readme.indexOf("## Running the pack"));
    const documented = new Map<string, unknown>();
    for (const line of section.split("\n")) {
      const row = /^\| `(\w+)`[^|]* \| (.+) \| `(.+)` \|$/.exec(line);
      if (!row) continue;
      const [, property, policies, fallback] = row;
      const names = policies
        .split(", ")
        .flatMap((entry) =>
          entry === "each rule check" ? RULE_CHECKS.map((check) => check.name) : [entry.replaceAll("`", "")],
        );
      for (const name of names) documented.set(`${name}.${property}`, JSON.parse(fallback));
    }
    const declared = new Map(
      allPolicies.flatMap((policy) =>
        Object.entries(policy.configSchema?.properties ?? {}).map(([key, schema]) => [
          `${policy.name}.${key}`,
          (schema as { default: unknown }).default,
        ]),
      ),
    );
    assert.deepEqual([...documented.keys()].sort(), [...declared.keys()].sort());
    for (const [key, fallback] of declared) assert.deepEqual(documented.get(key), fallback, key);
  });
});

describe("CrossGuard's entry", () => {
  it("validateStack answers as the offline runner does, with each policy's config", () => {
    // protected-oncall trips only under prod's config (its default requires nothing).
    for (const file of ["protected-oncall.json", "tier-coverage.json", "no-plain-secrets.json"]) {
      const broken = applyFixture(resources, fixture(file));
      const offline = runPolicies(broken, config).map((violation) => [
        violation.policy,
        violation.message,
        violation.resource,
      ]);
      const viaEngine: (string | undefined)[][] = [];
      for (const policy of allPolicies) {
        const args = { resources: broken, getConfig: () => config[policy.name] };
        policy.validateStack(args as unknown as Parameters<typeof policy.validateStack>[0], (message, urn) =>
          viaEngine.push([policy.name, message, broken.find((resource) => resource.urn === urn)?.name]),
        );
      }
      assert.ok(offline.length > 0, file);
      assert.deepEqual(viaEngine, offline, file);
    }
  });

  it("sees each resource under the engine's URN, with the protection it was declared with", () => {
    const project = (
      yaml.load(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8")) as { name: string }
    ).name;
    assert.equal(resources.length, declared.length);
    resources.forEach((resource, i) => {
      const source = declared[i];
      assert.equal(resource.urn, `urn:pulumi:prod::${project}::${source.type}::${source.name}`);
      assert.equal(resource.opts.protect, source.protect === true, source.name);
    });
    assert.ok(resources.some((resource) => resource.opts.protect));
    assert.ok(resources.some((resource) => !resource.opts.protect));
    // A violation names the resource it was reported on.
    const unprotected = runPolicies(applyFixture(resources, fixture("protected-oncall.json")), config).filter(
      (violation) => violation.policy === "protected-oncall",
    );
    assert.deepEqual(
      unprotected.map((violation) => violation.resource),
      ["alert-routing-ai-eng-service-ai-eng"],
    );
  });
});
