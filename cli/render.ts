// `npm run render -- --stack <name> [--out <dir>] [--config <stack file>]`
// Renders a stack offline: runs index.ts under the mock engine and writes what it declared.
import * as fs from "node:fs";
import * as path from "node:path";
import yaml from "js-yaml";
import { ValidationError } from "../model/errors";
import { buildModel } from "../model/index";
import { buildPlan } from "../model/plan";
import type { Finding } from "../model/routing/lint";
import type { MatrixRow, MomentId } from "../model/routing/matrix";
import type { AmConfig } from "../model/routing/types";
import { withoutSecretKeys } from "../model/secrets";
import { renderRoutingDoc } from "../render/routingDoc";
import { type DeclaredResource, maskSecrets, ProgramFailure, runProgram } from "./mockEngine";
import { readStackFile, SECRET_PLACEHOLDER, type StackFile } from "./stackFile";

const PROJECT_DIR = path.resolve(__dirname, "..");
const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";
const SECRET = "kubernetes:core/v1:Secret";

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

function readProjectFile(file: string): string | undefined {
  const full = path.resolve(PROJECT_DIR, file);
  return fs.existsSync(full) ? fs.readFileSync(full, "utf8") : undefined;
}

/**
 * Secrets that the stack file does not hold (it cannot hold real ones without the Pulumi CLI) get a
 * value from `valueOf`, a placeholder by default, where `pulumi config set --secret` would put it.
 */
export function withSecrets(
  stack: string,
  stackFile: StackFile,
  secretFor: (key: string, field?: string) => string = () => SECRET_PLACEHOLDER,
): StackFile {
  const model = buildModel({
    stack,
    stackFile: stackFile.file,
    config: withoutSecretKeys(stackFile.values),
    readFile: readProjectFile,
  });
  const values = { ...stackFile.values };
  const secretKeys = new Set(stackFile.secretKeys);
  for (const { configKey, field } of buildPlan(model).secretInputs) {
    // A value written in plain text stays as it is, so the program rejects it as it would for real.
    if (configKey in stackFile.values && !stackFile.secretKeys.has(configKey)) continue;
    secretKeys.add(configKey);
    if (field === undefined) {
      values[configKey] ??= secretFor(configKey);
    } else {
      const current = values[configKey];
      const object =
        current !== null && typeof current === "object" ? { ...(current as Record<string, unknown>) } : {};
      object[field] ??= secretFor(configKey, field);
      values[configKey] = object;
    }
  }
  return { ...stackFile, values, secretKeys };
}

function configMapData(resource: DeclaredResource): Record<string, string> {
  return (resource.inputs.data ?? {}) as Record<string, string>;
}

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

export async function render(options: RenderOptions): Promise<string[]> {
  const stackPath = options.stackFile ?? path.join(PROJECT_DIR, `Pulumi.${options.stack}.yaml`);
  const stackFile = withSecrets(options.stack, readStackFile(stackPath));
  const run = await runProgram(options.stack, stackFile.values, stackFile.secretKeys);

  const dir = path.join(options.out, options.stack);
  fs.rmSync(dir, { recursive: true, force: true });
  const written: string[] = [];
  const emit = (name: string, text: string) => {
    write(path.join(dir, name), text);
    written.push(path.join(dir, name));
  };

  let alertmanagerText: string | undefined;
  for (const resource of run.resources.filter((candidate) => candidate.type === CONFIG_MAP)) {
    const metadata = resource.inputs.metadata as { labels?: Record<string, string> };
    const data = configMapData(resource);
    const component = metadata.labels?.["app.kubernetes.io/component"];
    if (component === "alertmanager-config") {
      alertmanagerText = data["alertmanager.yaml"];
      emit("alertmanager.yaml", alertmanagerText);
    }
    const vertical = metadata.labels?.["agent-alert-routing/vertical"];
    if (component === "prometheus-rules" && vertical)
      emit(path.join("rules", `${vertical}.yaml`), data[`${vertical}.rules.yaml`]);
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
  const routing = run.outputs.routing as
    | { moments: { id: MomentId; label: string; at: string }[]; matrix: MatrixRow[]; findings: Finding[] }
    | undefined;
  const amConfig = alertmanagerText ? (yaml.load(alertmanagerText) as AmConfig) : undefined;
  if (routing && amConfig) {
    const moments = routing.moments.map((moment) => ({ ...moment, at: new Date(moment.at) }));
    emit("routing.md", renderRoutingDoc(options.stack, amConfig, routing.matrix, moments, routing.findings));
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
    `${summary}\n## Declared resources\n\n${run.resources.length} resources; the Secret holds ${secretFiles.length} files, shown here as ${SECRET_PLACEHOLDER}.\n`,
  );
  return written;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  try {
    const written = await render(options);
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
