// Shared fixtures for unit tests: a small valid stack config (the production teams, routing and tiers
// with two in-memory verticals) and small valid in-memory catalogues, plus helpers to break one field.

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import yaml from "js-yaml";
import { type Issue, ValidationError } from "../../core/errors";
import type { RenderedRule } from "../../core/rules";
import { type AlertingModel, buildModel, type ModelInput } from "../../input/model";

export const PREFIX = "agent-alert-routing:";
export const STACK_FILE = "Pulumi.test.yaml";
export const HEALTHCARE_FILE = "alerts/healthcare.yaml";
export const REAL_ESTATE_FILE = "alerts/real-estate.yaml";

/** A catalogue rule as the tests write it, with room for fields the schema must refuse. */
export type RuleFixture = RenderedRule & { [field: string]: unknown };

export interface GroupFixture {
  name: string;
  interval?: string;
  rules: RuleFixture[];
}

export interface CatalogueFixture {
  groups: GroupFixture[];
}

const PROD_STACK_FILE = path.resolve(__dirname, "../../Pulumi.prod.yaml");

/** Pulumi.prod.yaml's config, keyed without the `agent-alert-routing:` namespace. Read once. */
const prodConfig: Record<string, unknown> = (() => {
  const doc = yaml.load(fs.readFileSync(PROD_STACK_FILE, "utf8")) as { config: Record<string, unknown> };
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc.config)) {
    if (key.startsWith(PREFIX)) out[key.slice(PREFIX.length)] = value;
  }
  return out;
})();

/**
 * A valid raw config: the production teams, routing, tiers and settings, with two verticals whose
 * catalogues the tests provide in memory. Indices follow Pulumi.prod.yaml: teams[0] is platform,
 * teams[1] ai-eng; tiers are enterprise (24x7), business (business hours) and trial (e-mail only).
 */
export function baseConfig(): Record<string, unknown> {
  const config = structuredClone(prodConfig);
  config.verticals = [
    {
      id: "healthcare",
      tiers: ["enterprise"],
      namespace: "healthcare",
      sev1EscalatesToExec: true,
      catalogue: HEALTHCARE_FILE,
    },
    { id: "real-estate", tiers: ["business"], namespace: "real-estate", catalogue: REAL_ESTATE_FILE },
  ];
  return config;
}

/** A small valid catalogue for a vertical whose alert-name prefix is `prefix` (e.g. `Healthcare`). */
export function baseCatalogue(prefix: string): CatalogueFixture {
  return {
    groups: [
      {
        name: "meta",
        rules: [
          {
            alert: "Watchdog",
            expr: "vector(1)",
            labels: { alert_type: "infra", severity: "info" },
            annotations: { summary: "Heartbeat (always firing)" },
          },
        ],
      },
      {
        name: "latency",
        rules: [
          {
            record: "vertical:ftl_ms:p95",
            expr: "histogram_quantile(0.95, sum by (le) (rate(callsphere_ftl_ms_bucket[5m])))",
          },
          {
            alert: `${prefix}FtlP95High`,
            expr: "histogram_quantile(0.95, sum by (le) (rate(callsphere_ftl_ms_bucket[5m]))) > 800",
            for: "5m",
            keep_firing_for: "5m",
            labels: { alert_type: "model", severity: "critical" },
            annotations: { summary: "First-token latency p95 above 800 ms" },
          },
        ],
      },
      {
        name: "infra",
        rules: [
          {
            alert: `${prefix}ServiceDown`,
            expr: "(sum(up) or vector(0)) == 0",
            for: "2m",
            labels: { alert_type: "infra", severity: "critical", priority: "P1" },
            annotations: { summary: "No target is up" },
          },
          {
            alert: `${prefix}CrashLoop`,
            expr: 'max by (pod) (kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff"}) == 1',
            for: "5m",
            labels: { alert_type: "infra", severity: "critical", auto_remediation: "restart-pod" },
            annotations: {
              summary: "Crash looping",
              runbook_url: "https://runbooks.example/crash-loop",
            },
          },
        ],
      },
      {
        name: "tools",
        rules: [
          {
            alert: `${prefix}CrmToolErrors`,
            expr: 'sum(rate(callsphere_tool_calls_total{tool_name="crm",status_code=~"5.."}[5m])) > 0.02',
            for: "5m",
            labels: { alert_type: "tool", severity: "warning", tool_name: "crm" },
            annotations: { summary: "CRM tool returning 5xx errors" },
          },
        ],
      },
      {
        name: "cost",
        rules: [
          {
            alert: `${prefix}LlmCostSpike5x`,
            expr:
              "sum(rate(callsphere_llm_cost_usd_total[1h]))" +
              " / sum(rate(callsphere_llm_cost_usd_total[1h] offset 1w)) > 5",
            for: "10m",
            labels: { alert_type: "model", severity: "critical", category: "cost-spike" },
            annotations: { summary: "LLM spend above 5x last week's baseline" },
          },
        ],
      },
    ],
  };
}

/** Catalogue texts by path; a path that is absent reads as a missing file. */
export type CatalogueTexts = Record<string, string>;

export function baseCatalogueTexts(): CatalogueTexts {
  return {
    [HEALTHCARE_FILE]: yaml.dump(baseCatalogue("Healthcare")),
    [REAL_ESTATE_FILE]: yaml.dump(baseCatalogue("RealEstate")),
  };
}

export function makeInput(
  config: Record<string, unknown> = baseConfig(),
  catalogues: CatalogueTexts = baseCatalogueTexts(),
): ModelInput {
  return {
    stack: "test",
    stackFile: STACK_FILE,
    config,
    readFile: (file) => (Object.hasOwn(catalogues, file) ? catalogues[file] : undefined),
  };
}

/** The baseline input with the healthcare catalogue changed by `edit`. */
export function inputWithHealthcare(edit: (catalogue: CatalogueFixture) => void): ModelInput {
  const catalogue = baseCatalogue("Healthcare");
  edit(catalogue);
  return makeInput(baseConfig(), { ...baseCatalogueTexts(), [HEALTHCARE_FILE]: yaml.dump(catalogue) });
}

/** The baseline input with the healthcare catalogue's text replaced verbatim. */
export function inputWithHealthcareText(text: string): ModelInput {
  return makeInput(baseConfig(), { ...baseCatalogueTexts(), [HEALTHCARE_FILE]: text });
}

/** Sets `value` at `keys` inside a plain object/array tree, creating nothing: the parents must exist. */
export function setIn(root: unknown, keys: readonly (string | number)[], value: unknown): void {
  let node = root as Record<string | number, unknown>;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    assert.ok(
      next !== null && typeof next === "object",
      `fixture has no ${String(key)} in ${keys.join(".")}`,
    );
    node = next as Record<string | number, unknown>;
  }
  node[keys[keys.length - 1]] = value;
}

/** The baseline input with one config value replaced. */
export function inputWithConfig(keys: readonly (string | number)[], value: unknown): ModelInput {
  const config = baseConfig();
  setIn(config, keys, value);
  return makeInput(config);
}

/** Runs `fn`, asserts it throws a ValidationError, and returns it. */
export function validationErrorOf(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  assert.fail("expected a ValidationError, but nothing was thrown");
}

export function buildErrors(input: ModelInput): ValidationError {
  return validationErrorOf(() => buildModel(input));
}

export interface ExpectedIssue {
  file: string;
  path: string;
  message: RegExp;
}

function show(issues: readonly Issue[]): string {
  return issues.map((issue) => `  ${issue.file} | ${issue.path} | ${issue.message}`).join("\n");
}

/** Asserts that `error` has an issue with exactly this file and path whose message matches. */
export function assertHasIssue(error: ValidationError, expected: ExpectedIssue): Issue {
  const found = error.issues.find(
    (issue) =>
      issue.file === expected.file && issue.path === expected.path && expected.message.test(issue.message),
  );
  assert.ok(
    found,
    `no issue ${expected.file} | ${expected.path} | ${expected.message}; got:\n${show(error.issues)}`,
  );
  return found;
}

/** Asserts that building `input` throws a ValidationError containing the expected issue. */
export function assertRejects(input: ModelInput, expected: ExpectedIssue): ValidationError {
  const error = buildErrors(input);
  assertHasIssue(error, expected);
  return error;
}

/** Builds the model and fails with the issues listed when it does not validate. */
export function buildOk(input: ModelInput): AlertingModel {
  try {
    return buildModel(input);
  } catch (error) {
    if (error instanceof ValidationError) assert.fail(`expected no issues; got:\n${show(error.issues)}`);
    throw error;
  }
}
