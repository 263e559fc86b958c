// Which secret config values the plan needs, and whether the stack provides them as Pulumi secrets.
import { PROJECT, PROVIDER_SECRET_KEYS, SECRET_CONFIG_KEYS } from "../core/conventions";
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
  /**
   * Values inside an object-valued secret written in plain text beside secret ones, by path
   * (`ai-eng`, `platform.note`); a stack file shows them, `pulumi up` sees the whole value as secret.
   */
  plainFields?: readonly string[];
}

/** The command that sets a secret config value, or one entry of an object-valued one. */
export function setCommand(
  key: string,
  field: string | undefined,
  stack?: string,
  placeholder = "value",
): string {
  const path = field === undefined ? key : `${key}.${field}`;
  const command =
    stack === undefined ? "pulumi config set --secret" : `pulumi config set --stack ${stack} --secret`;
  return field === undefined
    ? `${command} ${path} <${placeholder}>`
    : `${command} --path '${path}' <${placeholder}>`;
}

/** One secret the plan needs, as the stack holds it. */
export interface SecretFinding {
  ref: SecretRef;
  /** `project:key` or `project:key.field`, as a stack file writes it. */
  path: string;
  state: "set" | "missing" | "plain";
}

const secretPath = ({ configKey, field }: SecretRef) =>
  `${PROJECT}:${configKey}${field === undefined ? "" : `.${field}`}`;

/**
 * What the stack holds for each secret the plan needs: set as a secret, missing, or in plain text;
 * then every other value written in plain text inside a secret, which is as much a leak.
 */
export function secretFindings(
  secrets: readonly SecretRef[],
  presence: (key: string) => SecretPresence | undefined,
): SecretFinding[] {
  const needed = secrets.map((ref): SecretFinding => {
    const { configKey, field } = ref;
    const found = presence(configKey);
    const present = found !== undefined && (field === undefined || (found.fields ?? []).includes(field));
    const plain =
      found !== undefined &&
      (!found.secret || (field !== undefined && (found.plainFields ?? []).includes(field)));
    return { ref, path: secretPath(ref), state: !present ? "missing" : plain ? "plain" : "set" };
  });
  const stray = Object.values(SECRET_CONFIG_KEYS).flatMap((configKey) =>
    (presence(configKey)?.plainFields ?? [])
      .filter((field) => !secrets.some((ref) => ref.configKey === configKey && ref.field === field))
      .map((field): SecretFinding => {
        const ref = { configKey, field };
        return { ref, path: secretPath(ref), state: "plain" };
      }),
  );
  return [...needed, ...stray];
}

/**
 * Checks that every secret the plan needs is set, and set as a Pulumi secret, so a
 * webhook URL or key can never end up in plain stack config. `presence` answers for our keys
 * (`smtpPassword`) and for the providers' (`pagerduty:token`).
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
  // The providers' tokens: `pulumi up` reads them from the stack, so one in plain text is in git.
  for (const [key, placeholder] of Object.entries(PROVIDER_SECRET_KEYS)) {
    const found = presence(key);
    if (found && !found.secret) {
      issues.add(
        stackFile,
        key,
        `must be a Pulumi secret; set it again with \`${setCommand(key, undefined, undefined, placeholder)}\``,
      );
    }
  }
  issues.throwIfAny();
}

const SECRET_KEYS = new Set<string>(Object.values(SECRET_CONFIG_KEYS));

/** The config values the model validates: everything but the secret keys, which stay opaque. */
export function withoutSecretKeys(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([key]) => !SECRET_KEYS.has(key)));
}
