// Reads `Pulumi.<stack>.yaml` the way the Pulumi CLI would hand it to the program, without the CLI.
import * as fs from "node:fs";
import * as path from "node:path";
import yaml from "js-yaml";
import { PROJECT } from "../core/conventions";
import { ValidationError } from "../core/errors";
import type { SecretPresence } from "../input/secrets";
import { compileRouting } from "../pipeline/compile";
import type { AlertingPlan } from "../plan/plan";

export const SECRET_PLACEHOLDER = "[secret]";

export interface StackFile {
  file: string;
  /** Raw values by key, without the project namespace; secure leaves replaced by placeholders. */
  values: Record<string, unknown>;
  /** Keys whose value is, or contains, a Pulumi secret. */
  secretKeys: Set<string>;
  /** For an object-valued secret key, the entries written in plain text beside the secret ones. */
  plainFields: Map<string, string[]>;
  /** Other namespaces' values (a provider's, like `pagerduty:serviceRegion`) by full key, secure leaves masked. */
  providerConfig: Record<string, unknown>;
  /** Full keys of other namespaces whose value is a Pulumi secret, like `pagerduty:token`. */
  providerSecretKeys: Set<string>;
}

function isSecure(value: unknown): boolean {
  return value !== null && typeof value === "object" && Object.keys(value).length === 1 && "secure" in value;
}

/** Replaces every `{secure: …}` leaf with a placeholder; the offline render never decrypts anything. */
function maskSecure(value: unknown, found: { secret: boolean }): unknown {
  if (isSecure(value)) {
    found.secret = true;
    return SECRET_PLACEHOLDER;
  }
  if (Array.isArray(value)) return value.map((item) => maskSecure(item, found));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskSecure(v, found)]));
  }
  return value;
}

export function readStackFile(file: string): StackFile {
  const name = path.basename(file);
  if (!fs.existsSync(file)) {
    const stacks = fs
      .readdirSync(path.dirname(file))
      .filter((entry) => /^Pulumi\.[^.]+\.yaml$/.test(entry))
      .map((entry) => entry.slice("Pulumi.".length, -".yaml".length));
    throw new ValidationError([
      { file: name, path: "", message: `does not exist (stacks here: ${stacks.join(", ") || "none"})` },
    ]);
  }
  let doc: unknown;
  try {
    doc = yaml.load(fs.readFileSync(file, "utf8"), { filename: name });
  } catch (error) {
    const mark = error instanceof yaml.YAMLException ? error.mark : undefined;
    const where = mark ? ` at line ${mark.line + 1}, column ${mark.column + 1}` : "";
    const reason = error instanceof yaml.YAMLException ? error.reason : String(error);
    throw new ValidationError([{ file: name, path: "", message: `is not valid YAML${where}: ${reason}` }]);
  }
  const config = (doc as { config?: Record<string, unknown> } | undefined)?.config ?? {};
  const values: Record<string, unknown> = {};
  const secretKeys = new Set<string>();
  const plainFields = new Map<string, string[]>();
  const providerConfig: Record<string, unknown> = {};
  const providerSecretKeys = new Set<string>();
  for (const [fullKey, value] of Object.entries(config)) {
    const [namespace, key] = fullKey.includes(":") ? fullKey.split(":", 2) : [PROJECT, fullKey];
    const found = { secret: false };
    const masked = maskSecure(value, found);
    if (namespace !== PROJECT) {
      providerConfig[fullKey] = masked;
      if (found.secret) providerSecretKeys.add(fullKey);
      continue;
    }
    values[key] = masked;
    if (!found.secret) continue;
    secretKeys.add(key);
    if (value !== null && typeof value === "object" && !Array.isArray(value) && !isSecure(value)) {
      const plain = Object.entries(value)
        .filter(([, entry]) => !containsSecure(entry))
        .map(([field]) => field);
      if (plain.length > 0) plainFields.set(key, plain);
    }
  }
  return { file: name, values, secretKeys, plainFields, providerConfig, providerSecretKeys };
}

function containsSecure(value: unknown): boolean {
  const found = { secret: false };
  maskSecure(value, found);
  return found.secret;
}

/** What the stack file holds for a secret key, as the secret check reads it. */
export function secretPresence(stackFile: StackFile, key: string): SecretPresence | undefined {
  if (!Object.hasOwn(stackFile.values, key)) return undefined;
  const value = stackFile.values[key];
  const object = value !== null && typeof value === "object" && !Array.isArray(value);
  return {
    secret: stackFile.secretKeys.has(key),
    fields: object ? Object.keys(value) : undefined,
    plainFields: stackFile.plainFields.get(key),
  };
}

/**
 * Secrets that the stack file does not hold (it cannot hold real ones without the Pulumi CLI) get a
 * value from `valueOf`, a placeholder by default, where `pulumi config set --secret` would put it.
 */
export function withSecrets(
  stack: string,
  stackFile: StackFile,
  secretFor: (key: string, field?: string) => string = () => SECRET_PLACEHOLDER,
  plan: AlertingPlan = compileRouting({ stack, stackFile: stackFile.file, config: stackFile.values }).plan,
): StackFile {
  const values = { ...stackFile.values };
  const secretKeys = new Set(stackFile.secretKeys);
  for (const { configKey, field } of plan.secretInputs) {
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
