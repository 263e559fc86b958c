// `npm run preflight -- --stack <name> [--config <stack file>]`
// What a first `pulumi up` of a stack needs from the world outside the repository, checked where it
// can be: the secrets the stack must hold, the PagerDuty users it looks up and the service names it
// takes, the Kubernetes context and namespace. It exits 1 only for what it knows is wrong or
// missing, never for what it could not check.

import { managedByStack, PROVIDER_SECRET_KEYS } from "../core/conventions";
import { ValidationError } from "../core/errors";
import { secretFindings, setCommand } from "../input/secrets";
import { compileRouting } from "../pipeline/compile";
import { stackFilePath } from "../pipeline/projectFiles";
import { firstUpNeeds } from "../plan/firstUp";
import { kubeconfigFiles, probeNamespace, readKubeconfig, UnreadableKubeconfig } from "./kubeCluster";
import { PagerDutyAccount, PagerDutyRefused, pagerdutyApiUrl } from "./pagerdutyAccount";
import { readStackFile, type StackFile, secretPresence } from "./stackFile";

export interface PreflightOptions {
  stack: string;
  /** Defaults to `Pulumi.<stack>.yaml` in the project root. */
  stackFile?: string;
}

/** `missing` and `wrong` make the preflight fail; `unchecked` never does. */
export type CheckState = "ok" | "missing" | "wrong" | "unchecked";

export interface Check {
  section: "Secrets" | "PagerDuty users" | "PagerDuty services" | "Kubernetes";
  state: CheckState;
  subject: string;
  detail?: string;
  /** The command that fixes it, when there is one. */
  fix?: string;
}

const TOKEN_KEY = "pagerduty:token" satisfies keyof typeof PROVIDER_SECRET_KEYS;

function usage(message: string): never {
  process.stderr.write(
    `preflight: ${message}\nusage: npm run preflight -- --stack <name> [--config <stack file>]\n`,
  );
  process.exit(2);
}

export function parseArgs(argv: string[]): PreflightOptions {
  const options: PreflightOptions = { stack: "prod" };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (!["--stack", "--config"].includes(flag)) usage(`unknown argument "${flag}"`);
    if (value === undefined || value.startsWith("--")) usage(`${flag} needs a value`);
    if (flag === "--stack") options.stack = value;
    else options.stackFile = value;
  }
  return options;
}

function secretChecks(stack: string, stackFile: StackFile, needs: ReturnType<typeof firstUpNeeds>): Check[] {
  const checks = secretFindings(needs.secrets, (key) => secretPresence(stackFile, key)).map(
    ({ ref, path, state }): Check => {
      const fix = setCommand(ref.configKey, ref.field, stack);
      if (state === "set")
        return { section: "Secrets", state: "ok", subject: path, detail: "set as a secret" };
      if (state === "plain") {
        return {
          section: "Secrets",
          state: "wrong",
          subject: path,
          detail: `is in plain text in ${stackFile.file}; remove it and set it as a secret`,
          fix,
        };
      }
      return { section: "Secrets", state: "missing", subject: path, fix };
    },
  );
  const inStack = stackFile.providerSecretKeys.has(TOKEN_KEY);
  const plainToken = TOKEN_KEY in stackFile.providerConfig && !inStack;
  const fromEnv = Boolean(process.env.PAGERDUTY_TOKEN);
  const tokenFix = setCommand(TOKEN_KEY, undefined, stack, PROVIDER_SECRET_KEYS[TOKEN_KEY]);
  checks.push(
    plainToken
      ? {
          section: "Secrets",
          state: "wrong",
          subject: TOKEN_KEY,
          detail: `is in plain text in ${stackFile.file}`,
          fix: tokenFix,
        }
      : inStack || fromEnv
        ? {
            section: "Secrets",
            state: "ok",
            subject: TOKEN_KEY,
            detail: inStack ? "set as a secret" : "PAGERDUTY_TOKEN is in the environment",
          }
        : {
            section: "Secrets",
            state: "missing",
            subject: TOKEN_KEY,
            detail: "not in the stack, and no PAGERDUTY_TOKEN in the environment of `pulumi up`",
            fix: tokenFix,
          },
  );
  return checks;
}

async function pagerdutyChecks(
  stack: string,
  stackFile: StackFile,
  needs: ReturnType<typeof firstUpNeeds>,
): Promise<Check[]> {
  const token = process.env.PAGERDUTY_TOKEN;
  const serviceCheck = (name: string, state: CheckState, detail: string): Check => ({
    section: "PagerDuty services",
    state,
    subject: name,
    detail,
  });
  if (!token) {
    // The token in the stack file is encrypted: only the Pulumi CLI can read it.
    const reason = "no PAGERDUTY_TOKEN in the environment to ask PagerDuty with";
    return [
      ...needs.lookedUpUsers.map(
        (email): Check => ({
          section: "PagerDuty users",
          state: "unchecked",
          subject: email,
          detail: reason,
        }),
      ),
      ...needs.services.map(({ name }) => serviceCheck(name, "unchecked", reason)),
    ];
  }
  const account = new PagerDutyAccount(pagerdutyApiUrl(stackFile.providerConfig), token);
  // A refused token is known to be wrong: every later check would be refused the same way.
  const asked = async <T>(question: () => Promise<T>): Promise<T | Error> => {
    try {
      return await question();
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  };
  const unanswered = (error: Error): CheckState =>
    error instanceof PagerDutyRefused ? "wrong" : "unchecked";
  const users = await Promise.all(
    needs.lookedUpUsers.map(async (email): Promise<Check> => {
      const found = await asked(() => account.findUser(email));
      if (found instanceof Error) {
        return {
          section: "PagerDuty users",
          state: unanswered(found),
          subject: email,
          detail: found.message,
        };
      }
      return found
        ? { section: "PagerDuty users", state: "ok", subject: email, detail: `user ${found.id}` }
        : {
            section: "PagerDuty users",
            state: "missing",
            subject: email,
            detail:
              "no user with this e-mail in the account: invite them, or let the stack create them (`existing: false` on the member, or `pagerduty.createUsers: true`)",
          };
    }),
  );
  const mark = managedByStack(stack);
  const services = await Promise.all(
    needs.services.map(async ({ name }): Promise<Check> => {
      const found = await asked(() => account.findServices(name));
      if (found instanceof Error) return serviceCheck(name, unanswered(found), found.message);
      if (found.length === 0) return serviceCheck(name, "ok", "free");
      const ours = found.filter((service) => (service.description ?? "").includes(mark));
      return ours.length === found.length
        ? serviceCheck(name, "ok", `already this stack's (${ours.map((service) => service.id).join(", ")})`)
        : serviceCheck(
            name,
            "wrong",
            `taken by ${found.map((service) => service.id).join(", ")}, which this stack did not create: rename that service, or change pagerduty.namePrefix`,
          );
    }),
  );
  return [...users, ...services];
}

async function kubernetesChecks(needs: ReturnType<typeof firstUpNeeds>): Promise<Check[]> {
  const { namespace, namespaceExists, kubeconfigPath, context } = needs.kubernetes;
  const files = kubeconfigFiles(kubeconfigPath);
  let config: ReturnType<typeof readKubeconfig>;
  try {
    config = readKubeconfig(files);
  } catch (error) {
    if (!(error instanceof UnreadableKubeconfig)) throw error;
    return [{ section: "Kubernetes", state: "wrong", subject: "context", detail: error.message }];
  }
  const expected = namespaceExists
    ? "must exist (the stack adopts it)"
    : "must not exist (the stack creates it)";
  const subject = `namespace ${namespace}`;
  if (!config) {
    return [
      {
        section: "Kubernetes",
        state: "unchecked",
        subject: "context",
        detail: `${context ?? "the current context"} of ${files.join(", ")}; no such file here`,
      },
      {
        section: "Kubernetes",
        state: "unchecked",
        subject,
        detail: `${expected}; no kubeconfig to reach the cluster`,
      },
    ];
  }
  const contextName = context ?? config.currentContext ?? "(none)";
  const probe = await probeNamespace(config, context, namespace);
  const contextCheck: Check = {
    section: "Kubernetes",
    state: probe.state === "broken" ? "wrong" : "ok",
    subject: "context",
    detail: probe.state === "broken" ? probe.reason : `${contextName} of ${config.files.join(", ")}`,
  };
  if (probe.state === "broken") return [contextCheck];
  if (probe.state === "unchecked")
    return [
      contextCheck,
      { section: "Kubernetes", state: "unchecked", subject, detail: `${expected}; ${probe.reason}` },
    ];
  const exists = probe.state === "exists";
  const fine = exists === namespaceExists;
  return [
    contextCheck,
    {
      section: "Kubernetes",
      state: fine ? "ok" : "wrong",
      subject,
      detail: fine
        ? `${exists ? "exists" : "does not exist"} on ${probe.server}, as the stack expects`
        : exists
          ? `exists on ${probe.server}, and the stack would create it: set kubernetes.namespaceExists: true to adopt it`
          : `does not exist on ${probe.server}, and the stack would adopt it: create it, or set kubernetes.namespaceExists: false`,
    },
  ];
}

/** Every check of the stack, in the order the report prints them. */
export async function preflight(options: PreflightOptions): Promise<Check[]> {
  const stackFile = readStackFile(options.stackFile ?? stackFilePath(options.stack));
  const { plan } = compileRouting({
    stack: options.stack,
    stackFile: stackFile.file,
    config: stackFile.values,
  });
  const needs = firstUpNeeds(plan);
  const [pagerduty, kubernetes] = await Promise.all([
    pagerdutyChecks(options.stack, stackFile, needs),
    kubernetesChecks(needs),
  ]);
  return [...secretChecks(options.stack, stackFile, needs), ...pagerduty, ...kubernetes];
}

export const failed = (checks: readonly Check[]): Check[] =>
  checks.filter((check) => check.state === "missing" || check.state === "wrong");

export function formatReport(stack: string, checks: readonly Check[]): string {
  const lines = [`Preflight of stack ${stack}: what its first \`pulumi up\` needs outside this repository`];
  let section: string | undefined;
  for (const check of checks) {
    if (check.section !== section) {
      section = check.section;
      lines.push("", section);
    }
    lines.push(`  ${check.state.padEnd(9)}  ${check.subject}${check.detail ? `: ${check.detail}` : ""}`);
    if (check.fix && check.state !== "ok") lines.push(`             ${check.fix}`);
  }
  const count = (state: CheckState) => checks.filter((check) => check.state === state).length;
  const bad = failed(checks).length;
  lines.push(
    "",
    `${count("ok")} ok, ${count("missing")} missing, ${count("wrong")} wrong, ${count("unchecked")} unchecked.` +
      (bad > 0 ? " Fix what is missing or wrong, then run this again." : " Nothing known stands in the way."),
  );
  return `${lines.join("\n")}\n`;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  try {
    const checks = await preflight(options);
    process.stdout.write(formatReport(options.stack, checks));
    process.exit(failed(checks).length > 0 ? 1 : 0);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${error instanceof ValidationError ? "" : "preflight failed: "}${message}\n`);
    process.exit(1);
  }
}

if (require.main === module) void main();
