// Reads `Pulumi.<stack>.yaml` the way the Pulumi CLI would hand it to the program, without the CLI.
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT } from "../core/conventions";
import { joinPath, ValidationError } from "../core/errors";
import type { SecretPresence } from "../input/secrets";
import { parseYaml } from "../input/yamlFile";
import { compileRouting } from "../pipeline/compile";
import { allowFilesBeside, readTextFile } from "../pipeline/projectFiles";
import type { AlertingPlan } from "../plan/plan";

export const SECRET_PLACEHOLDER = "[secret]";

export interface StackFile {
  file: string;
  /** Raw values by key, without the project namespace; secure leaves replaced by placeholders. */
  values: Record<string, unknown>;
  /** Keys whose value is, or contains, a Pulumi secret. */
  secretKeys: Set<string>;
  /** For a secret key whose value is an object, the paths of the values in it written in plain text. */
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
  const text = readTextFile(file);
  if (typeof text !== "string") throw new ValidationError([{ file: name, path: "", message: text.refused }]);
  const loaded = parseYaml(name, text);
  if (!loaded.ok) throw new ValidationError([{ file: name, path: "", message: loaded.message }]);
  const doc = loaded.data;
  // Its catalogues may live beside it, as those of a stack generated elsewhere do.
  allowFilesBeside(file);
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
    const plain = plainLeaves(value, []);
    if (plain.length > 0) plainFields.set(key, plain);
  }
  return { file: name, values, secretKeys, plainFields, providerConfig, providerSecretKeys };
}

/** The paths of the values written in plain text inside a value that holds secure ones. */
function plainLeaves(value: unknown, at: (string | number)[]): string[] {
  if (isSecure(value)) return [];
  if (Array.isArray(value)) return value.flatMap((item, i) => plainLeaves(item, [...at, i]));
  if (value !== null && typeof value === "object")
    return Object.entries(value).flatMap(([key, item]) => plainLeaves(item, [...at, key]));
  return at.length > 0 ? [joinPath(at)] : [];
}

/** What the stack file holds for a secret key, ours or (`pagerduty:token`) a provider's, as the secret check reads it. */
export function secretPresence(stackFile: StackFile, key: string): SecretPresence | undefined {
  if (key.includes(":")) {
    if (!Object.hasOwn(stackFile.providerConfig, key)) return undefined;
    return { secret: stackFile.providerSecretKeys.has(key) };
  }
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
