// Which secret config values the plan needs, and whether the stack provides them as Pulumi secrets.
import { PROJECT, SECRET_CONFIG_KEYS } from "../core/conventions";
import { IssueList } from "../core/errors";

/** A secret config value: a key, and the entry inside it when the value is an object. */
export interface SecretRef {
  configKey: (typeof SECRET_CONFIG_KEYS)[keyof typeof SECRET_CONFIG_KEYS];
  field?: string;
}

/** What the stack holds for one secret config key: whether it is marked secret, and its fields. */
export interface SecretPresence {
  secret: boolean;
  /** The entries of an object-valued secret; undefined for a single value. */
  fields?: readonly string[];
  /** Entries of an object-valued secret written in plain text beside secret ones (a stack file shows them). */
  plainFields?: readonly string[];
}

/** The command that sets a secret config value, or one entry of an object-valued one. */
export function setCommand(key: string, field: string | undefined, stack?: string): string {
  const path = field === undefined ? key : `${key}.${field}`;
  const command =
    stack === undefined ? "pulumi config set --secret" : `pulumi config set --stack ${stack} --secret`;
  return field === undefined ? `${command} ${path} <value>` : `${command} --path '${path}' <value>`;
}

/** One secret the plan needs, as the stack holds it. */
export interface SecretFinding {
  ref: SecretRef;
  /** `project:key` or `project:key.field`, as a stack file writes it. */
  path: string;
  state: "set" | "missing" | "plain";
}

/** What the stack holds for each secret the plan needs: set as a secret, missing, or in plain text. */
export function secretFindings(
  secrets: readonly SecretRef[],
  presence: (key: string) => SecretPresence | undefined,
): SecretFinding[] {
  return secrets.map((ref) => {
    const { configKey, field } = ref;
    const path = `${PROJECT}:${configKey}${field === undefined ? "" : `.${field}`}`;
    const found = presence(configKey);
    const present = found !== undefined && (field === undefined || (found.fields ?? []).includes(field));
    const plain =
      found !== undefined &&
      (!found.secret || (field !== undefined && (found.plainFields ?? []).includes(field)));
    return { ref, path, state: !present ? "missing" : plain ? "plain" : "set" };
  });
}

/**
 * Checks that every secret the plan needs is set, and set as a Pulumi secret, so a
 * webhook URL or key can never end up in plain stack config.
 */
export function checkSecrets(
  stackFile: string,
  secrets: readonly SecretRef[],
  presence: (key: string) => SecretPresence | undefined,
): void {
  const issues = new IssueList();
  const reported = new Set<string>();
  for (const { ref, path, state } of secretFindings(secrets, presence)) {
    const { configKey, field } = ref;
    const found = presence(configKey);
    // A whole value in plain text is one mistake, however many entries it has.
    if (found && !found.secret) {
      if (!reported.has(configKey)) {
        reported.add(configKey);
        issues.add(
          stackFile,
          `${PROJECT}:${configKey}`,
          `must be a Pulumi secret; set it again with \`${setCommand(configKey, field)}\``,
        );
      }
      continue;
    }
    if (state === "plain") {
      issues.add(
        stackFile,
        path,
        `must be a Pulumi secret; set it again with \`${setCommand(configKey, field)}\``,
      );
    }
    if (state === "missing")
      issues.add(stackFile, path, `is not set; set it with \`${setCommand(configKey, field)}\``);
  }
  issues.throwIfAny();
}

const SECRET_KEYS = new Set<string>(Object.values(SECRET_CONFIG_KEYS));

/** The config values the model validates: everything but the secret keys, which stay opaque. */
export function withoutSecretKeys(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([key]) => !SECRET_KEYS.has(key)));
}
