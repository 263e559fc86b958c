// `npm run render -- --stack <name> [--out <dir>] [--config <stack file>] [--update-route-keys]`
// Renders a stack offline: runs index.ts under the mock engine and writes what it declared, and
// compares its route keys with the stack's committed baseline (rewritten only when asked).
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import yaml from "js-yaml";
import { lostRoutes, type RouteKey, routeKeyId, routeKeys } from "../alertmanager/routeKeys";
import type { AmConfig } from "../alertmanager/types";
import {
  ALERTMANAGER_CONFIG_KEY,
  RESOURCE_TYPES,
  ruleFileKey,
  SHARD_LABEL,
  VERTICAL_LABEL,
} from "../core/conventions";
import { type Issue, ValidationError } from "../core/errors";
import { plain } from "../core/secretValues";
import { checkSecrets } from "../input/secrets";
import { compileStack } from "../pipeline/compile";
import { routeKeysBaselinePath, stackFilePath } from "../pipeline/projectFiles";
import { checkStackPolicies, reportViolations } from "../policies/offline";
import type { Violation } from "../policies/run";
import { renderRoutingDoc } from "../render/routingDoc";
import { ROUTING_MATRIX_FILE, routingMatrixFile } from "../render/routingMatrixFile";
import { renderRuleTestFile } from "../render/ruleTests";
import { toYaml } from "../render/yaml";
import { type DeclaredResource, maskSecrets, ProgramFailure, runProgram } from "./mockEngine";
import { readStackFile, SECRET_PLACEHOLDER, secretPresence, withSecrets } from "./stackFile";

const CONFIG_MAP = RESOURCE_TYPES.configMap;
const SECRET = RESOURCE_TYPES.secret;

export interface RenderOptions {
  stack: string;
  out: string;
  /** Defaults to `Pulumi.<stack>.yaml` in the project root. */
  stackFile?: string;
  /** Rewrite the stack's committed route-key baseline once the render has succeeded. */
  updateRouteKeys?: boolean;
}

function usage(message: string): never {
  process.stderr.write(
    `render: ${message}\nusage: npm run render -- --stack <name> [--out <dir>] [--config <stack file>] [--update-route-keys]\n`,
  );
  process.exit(2);
}

export function parseArgs(argv: string[]): RenderOptions {
  const options: RenderOptions = { stack: "prod", out: "out" };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === "--update-route-keys") {
      options.updateRouteKeys = true;
      continue;
    }
    const value = argv[i + 1];
    if (!["--stack", "--out", "--config"].includes(flag)) usage(`unknown argument "${flag}"`);
    if (value === undefined || value.startsWith("--")) usage(`${flag} needs a value`);
    if (flag === "--stack") options.stack = value;
    if (flag === "--out") options.out = value;
    if (flag === "--config") options.stackFile = value;
    i++;
  }
  if (!/^[A-Za-z0-9_.-]+$/.test(options.stack)) usage(`"${options.stack}" is not a stack name`);
  return options;
}

const GROUP_KEYS = ["name", "interval", "rules"];
const RULE_KEYS = ["alert", "record", "expr", "for", "keep_firing_for", "labels", "annotations"];

function ordered(object: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const known = keys.filter((key) => object[key] !== undefined).map((key) => [key, object[key]]);
  const rest = Object.keys(object)
    .filter((key) => !keys.includes(key))
    .sort()
    .map((key) => [key, object[key]]);
  return Object.fromEntries([...known, ...rest]);
}

/**
 * Rule fields in the order Prometheus documents them. The engine hands object inputs over with
 * their keys sorted, so without this a PrometheusRule would render `annotations` before `expr`.
 */
function canonicalGroup(group: Record<string, unknown>): Record<string, unknown> {
  const rules = (group.rules as Record<string, unknown>[]).map((rule) => ordered(rule, RULE_KEYS));
  return ordered({ ...group, rules }, GROUP_KEYS);
}

/**
 * The files the cluster receives, read back from the declared objects whichever the delivery mode:
 * alertmanager.yaml from its ConfigMap or the operator's config Secret, and each vertical's rule
 * file from its ConfigMaps or PrometheusRules, shards joined in order.
 */
export function deliveredFiles(resources: readonly DeclaredResource[]): {
  alertmanagerText?: string;
  ruleFiles: Map<string, string>;
} {
  let alertmanagerText: string | undefined;
  const shards = new Map<string, { shard: number; groups: unknown[] }[]>();
  const addShard = (labels: Record<string, string>, groups: unknown[]) => {
    const vertical = labels[VERTICAL_LABEL];
    if (!shards.has(vertical)) shards.set(vertical, []);
    shards.get(vertical)?.push({ shard: Number(labels[SHARD_LABEL]), groups });
  };
  // In `both` mode the ConfigMaps and the PrometheusRules carry the same rules; read them once.
  const hasRuleConfigMaps = resources.some(
    (resource) =>
      resource.type === CONFIG_MAP &&
      (resource.inputs.metadata as { labels?: Record<string, string> }).labels?.[
        "app.kubernetes.io/component"
      ] === "prometheus-rules",
  );
  for (const resource of resources) {
    const metadata = resource.inputs.metadata as { labels?: Record<string, string> } | undefined;
    const labels = metadata?.labels ?? {};
    const component = labels["app.kubernetes.io/component"];
    if (component === "alertmanager-config") {
      const data = (plain(resource.type === SECRET ? resource.inputs.stringData : resource.inputs.data) ??
        {}) as Record<string, unknown>;
      alertmanagerText ??= String(plain(data[ALERTMANAGER_CONFIG_KEY]));
    }
    if (component !== "prometheus-rules" || !labels[VERTICAL_LABEL]) continue;
    if (resource.type === CONFIG_MAP) {
      const key = ruleFileKey(labels[VERTICAL_LABEL], Number(labels[SHARD_LABEL]));
      const text = (resource.inputs.data as Record<string, string>)[key];
      addShard(labels, (yaml.load(text) as { groups: unknown[] }).groups);
    } else if (!hasRuleConfigMaps) {
      addShard(labels, (resource.inputs.spec as { groups: unknown[] }).groups);
    }
  }
  const ruleFiles = new Map<string, string>();
  for (const [vertical, list] of shards) {
    const groups = [...list]
      .sort((a, b) => a.shard - b.shard)
      .flatMap((entry) => entry.groups)
      .map((group) => canonicalGroup(group as Record<string, unknown>));
    ruleFiles.set(vertical, toYaml({ groups }));
  }
  return { alertmanagerText, ruleFiles };
}

export const ROUTE_KEYS_FILE = "route-keys.json";

/** The committed route keys of a stack: undefined when there is none, or it is not ours to read. */
function readRouteKeys(file: string): RouteKey[] | undefined {
  if (!fs.existsSync(file)) return undefined;
  try {
    return (JSON.parse(fs.readFileSync(file, "utf8")) as { routes: RouteKey[] }).routes;
  } catch {
    return undefined;
  }
}

export function routeKeysText(keys: readonly RouteKey[]): string {
  return `${JSON.stringify({ routes: keys }, null, 2)}\n`;
}

/** The render's route keys against the stack's committed baseline. */
export interface RouteKeyCheck {
  /** `route-keys/<stack>.json` beside the stack file. */
  baseline: string;
  /** No baseline was committed (or it is not JSON): nothing to compare with. */
  missing: boolean;
  /** Routes of the baseline whose key, or whose receiver under it, the render no longer has. */
  lost: RouteKey[];
  added: RouteKey[];
  /** The baseline was rewritten with the render's keys (`--update-route-keys`). */
  updated: boolean;
}

/** What a route-key check says on stderr: a warning per lost route, and what to do. */
export function routeKeyMessages(stack: string, check: RouteKeyCheck): string[] {
  const file = path.relative(process.cwd(), check.baseline) || check.baseline;
  const update = `npm run render -- --stack ${stack} --update-route-keys`;
  const counts = `${check.lost.length} gone or re-keyed, ${check.added.length} new`;
  if (check.updated) return [`route keys: wrote ${file} (${counts}); commit it with the change`];
  if (check.missing) return [`route keys: no committed baseline ${file}; run \`${update}\` and commit it`];
  const lines = check.lost.map(
    (route) =>
      `warning: route ${routeKeyId(route)} is gone or re-keyed against the committed ${file}; ` +
      "PagerDuty incidents open on it will never receive their resolve",
  );
  if (check.lost.length > 0 || check.added.length > 0) {
    lines.push(
      `route keys: ${counts} against ${file}; ` +
        (check.lost.length > 0 ? "resolve the incidents open on the lost routes or keep them, then " : "") +
        `run \`${update}\` and commit ${file} with the change`,
    );
  }
  return lines;
}

/** A violation of the pack, with where its value was written, as validation names it. */
export type LocatedViolation = Violation & { issue: Issue };

export interface RenderResult {
  /** The files written under `<out>/<stack>`: none when a mandatory policy failed. */
  written: string[];
  violations: LocatedViolation[];
  /** The route keys against the committed baseline; undefined when nothing was written. */
  routeKeys?: RouteKeyCheck;
}

/**
 * Replaces `dir` with a folder holding exactly `files`, all at once: they are written into a new
 * folder beside it, which is renamed into place, and only then is the old one deleted. Whatever
 * fails on the way, `dir` is left as it was.
 */
export function replaceDir(dir: string, files: ReadonlyMap<string, string>): void {
  const parent = path.dirname(dir);
  fs.mkdirSync(parent, { recursive: true });
  // Hidden, and in the same parent, so the rename below stays on one file system and is atomic.
  const staged = path.join(parent, `.${path.basename(dir)}.render-${randomBytes(6).toString("hex")}`);
  fs.mkdirSync(staged);
  const aside = `${staged}.previous`;
  let movedAside = false;
  try {
    for (const [name, text] of files) {
      fs.mkdirSync(path.dirname(path.join(staged, name)), { recursive: true });
      fs.writeFileSync(path.join(staged, name), text);
    }
    if (fs.existsSync(dir)) {
      fs.renameSync(dir, aside);
      movedAside = true;
    }
    fs.renameSync(staged, dir);
  } catch (error) {
    if (movedAside && !fs.existsSync(dir)) fs.renameSync(aside, dir);
    fs.rmSync(staged, { recursive: true, force: true });
    throw error;
  }
  fs.rmSync(aside, { recursive: true, force: true });
}

/**
 * Renders a stack, and writes `<out>/<stack>` only when validation, the program and every mandatory
 * policy passed; otherwise the previous render there is left untouched.
 */
export async function render(options: RenderOptions): Promise<RenderResult> {
  const stackFilePathname = options.stackFile ?? stackFilePath(options.stack);
  const asWritten = readStackFile(stackFilePathname);
  // Compiled here for the secrets, the rule tests and the policy config; the program, run next in
  // this process, gets the same compiled stack from the pipeline instead of building it again.
  const compiled = await compileStack({
    stack: options.stack,
    stackFile: asWritten.file,
    config: asWritten.values,
  });
  const { plan } = compiled;
  const stackFile = withSecrets(options.stack, asWritten, undefined, plan);
  // The program sees whether a key is secret, not each entry of it; the file shows an entry in plain
  // text beside secret ones, and that is as much a leak.
  checkSecrets(stackFile.file, plan.secretInputs, (key) => secretPresence(stackFile, key));
  const run = await runProgram(options.stack, stackFile.values, stackFile.secretKeys);

  // Every file is made in memory first: nothing reaches the disk before the policies have passed.
  const files = new Map<string, string>();
  const emit = (name: string, text: string) => files.set(name, text);

  const { alertmanagerText, ruleFiles } = deliveredFiles(run.resources);
  if (alertmanagerText !== undefined) emit("alertmanager.yaml", alertmanagerText);
  for (const [vertical, text] of ruleFiles) emit(path.join("rules", `${vertical}.yaml`), text);
  // Rule tests are not deployed, so they come from the plan rather than a declared object; each one
  // runs against the rule file written above for its vertical.
  for (const tests of plan.ruleTests) {
    if (!ruleFiles.has(tests.vertical)) continue;
    const text = renderRuleTestFile(tests, [`${tests.vertical}.yaml`]);
    emit(path.join("rules", tests.file), text);
  }
  const secretFiles = run.resources
    .filter((resource) => resource.type === SECRET)
    .flatMap((resource) => Object.keys((maskSecrets(resource.inputs.stringData) ?? {}) as object));

  // A dynamic provider's inputs carry its serialised code; the review needs to know it is there, not read it.
  const readable = run.resources.map((resource) =>
    typeof resource.inputs.__provider === "string"
      ? {
          ...resource,
          inputs: {
            ...resource.inputs,
            __provider: `[dynamic provider code, ${resource.inputs.__provider.length} bytes]`,
          },
        }
      : resource,
  );
  const amConfig = alertmanagerText ? (yaml.load(alertmanagerText) as AmConfig) : undefined;
  const keys = amConfig ? routeKeys(amConfig.route) : undefined;
  if (keys) emit(ROUTE_KEYS_FILE, routeKeysText(keys));
  if (amConfig) {
    // The review the pipeline made of this config, which the program also returns as its output.
    const { moments, matrix, findings, heldBack } = compiled.review;
    emit("routing.md", renderRoutingDoc(options.stack, amConfig, matrix, moments, findings, heldBack));
    emit(ROUTING_MATRIX_FILE, routingMatrixFile(options.stack, moments, matrix));
  }
  emit("resources.json", `${JSON.stringify(maskSecrets(readable), null, 2)}\n`);
  const summary = typeof run.outputs.summary === "string" ? run.outputs.summary : "";
  const outputs = maskSecrets(run.outputs) as Record<string, unknown>;
  // The summary and the routing review have files of their own.
  delete outputs.summary;
  delete outputs.routing;
  emit("outputs.json", `${JSON.stringify(outputs, null, 2)}\n`);
  emit(
    "summary.md",
    `${summary}\n## Declared resources\n\n${run.resources.length} resources; the Secrets hold ${secretFiles.length} files, shown here as ${SECRET_PLACEHOLDER}.\n`,
  );
  // The policy pack judges what was declared, as `pulumi preview --policy-pack policies` would.
  emit("policy-config.json", `${JSON.stringify(compiled.policyConfig, null, 2)}\n`);
  const violations = checkStackPolicies(options.stack, run.resources, compiled.policyConfig, compiled.model);
  if (violations.some((violation) => violation.enforcementLevel === "mandatory")) {
    return { written: [], violations };
  }

  const dir = path.join(options.out, options.stack);
  replaceDir(dir, files);
  const written = [...files.keys()].map((name) => path.join(dir, name));
  if (!keys) return { written, violations };
  // The baseline is committed beside the stack file, so a change that moves route keys shows them in
  // its own diff, and a clone (CI's) compares with what was reviewed rather than with a local render.
  const baseline = routeKeysBaselinePath(stackFilePathname, options.stack);
  const committed = readRouteKeys(baseline);
  const check: RouteKeyCheck = {
    baseline,
    missing: committed === undefined,
    lost: lostRoutes(committed ?? [], keys),
    added: lostRoutes(keys, committed ?? []),
    updated: false,
  };
  if (options.updateRouteKeys) {
    fs.mkdirSync(path.dirname(baseline), { recursive: true });
    fs.writeFileSync(baseline, routeKeysText(keys));
    check.updated = true;
  }
  return { written, violations, routeKeys: check };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  try {
    const { written, violations, routeKeys: keyCheck } = await render(options);
    // Policy violations read like validation errors: the file and field the value was written in.
    const { ok, count } = reportViolations(violations, (line) => process.stderr.write(`${line}\n`));
    process.stderr.write(`${count}\n`);
    if (!ok) {
      process.stderr.write(
        `render: nothing written; ${path.join(options.out, options.stack)} is left as it was\n`,
      );
      process.exit(1);
    }
    for (const line of keyCheck ? routeKeyMessages(options.stack, keyCheck) : [])
      process.stderr.write(`${line}\n`);
    process.stdout.write(
      `rendered stack ${options.stack}:\n${written.map((file) => `  ${file}`).join("\n")}\n`,
    );
    process.exit(0);
  } catch (error) {
    // Validation errors and the program's RunError carry a complete message; never print a stack.
    const message = error instanceof Error ? error.message : String(error);
    const known = error instanceof ValidationError || (error instanceof ProgramFailure && error.expected);
    process.stderr.write(`${known ? "" : "render failed: "}${message}\n`);
    process.exit(1);
  }
}

if (require.main === module) void main();
