// `npm run render -- --stack <name> [--out <dir>] [--config <stack file>]`
// Renders a stack offline: runs index.ts under the mock engine and writes what it declared.
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import yaml from "js-yaml";
import { type RouteKey, routeKeys } from "../alertmanager/routeKeys";
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
import { stackFilePath } from "../pipeline/projectFiles";
import { checkStackPolicies, reportViolations } from "../policies/offline";
import type { Violation } from "../policies/run";
import { renderRoutingDoc } from "../render/routingDoc";
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
}

function usage(message: string): never {
  process.stderr.write(
    `render: ${message}\nusage: npm run render -- --stack <name> [--out <dir>] [--config <stack file>]\n`,
  );
  process.exit(2);
}

export function parseArgs(argv: string[]): RenderOptions {
  const options: RenderOptions = { stack: "prod", out: "out" };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
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

/** A route as Alertmanager keys it, and the receiver its alerts reach. */
function readRouteKeys(file: string): RouteKey[] | undefined {
  if (!fs.existsSync(file)) return undefined;
  try {
    return (JSON.parse(fs.readFileSync(file, "utf8")) as { routes: RouteKey[] }).routes;
  } catch {
    return undefined;
  }
}

/** One line per route of the previous render whose key, or whose receiver under that key, is gone. */
export function reKeyedRoutes(previous: readonly RouteKey[], current: readonly RouteKey[]): string[] {
  const id = (route: RouteKey) => `${route.key} -> ${route.receiver}`;
  const now = new Set(current.map(id));
  return [...new Set(previous.map(id))]
    .filter((entry) => !now.has(entry))
    .map(
      (entry) =>
        `warning: route ${entry} is gone or re-keyed since the last render; ` +
        "PagerDuty incidents open on it will never receive their resolve",
    );
}

/** A violation of the pack, with where its value was written, as validation names it. */
export type LocatedViolation = Violation & { issue: Issue };

export interface RenderResult {
  /** The files written under `<out>/<stack>`: none when a mandatory policy failed. */
  written: string[];
  violations: LocatedViolation[];
  /** One warning per route of the previous render that this one re-keys. */
  reKeyed: string[];
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
  const asWritten = readStackFile(options.stackFile ?? stackFilePath(options.stack));
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
  if (keys) emit(ROUTE_KEYS_FILE, `${JSON.stringify({ routes: keys }, null, 2)}\n`);
  if (amConfig) {
    // The review the pipeline made of this config, which the program also returns as its output.
    const { moments, matrix, findings, heldBack } = compiled.review;
    emit("routing.md", renderRoutingDoc(options.stack, amConfig, matrix, moments, findings, heldBack));
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
    return { written: [], violations, reKeyed: [] };
  }

  const dir = path.join(options.out, options.stack);
  // Read before the previous render is replaced: the routes this change re-keys.
  const reKeyed = keys ? reKeyedRoutes(readRouteKeys(path.join(dir, ROUTE_KEYS_FILE)) ?? [], keys) : [];
  replaceDir(dir, files);
  return { written: [...files.keys()].map((name) => path.join(dir, name)), violations, reKeyed };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  try {
    const { written, violations, reKeyed } = await render(options);
    // Policy violations read like validation errors: the file and field the value was written in.
    const { ok, count } = reportViolations(violations, (line) => process.stderr.write(`${line}\n`));
    process.stderr.write(`${count}\n`);
    if (!ok) {
      process.stderr.write(
        `render: nothing written; ${path.join(options.out, options.stack)} is left as it was\n`,
      );
      process.exit(1);
    }
    for (const line of reKeyed) process.stderr.write(`${line}\n`);
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
