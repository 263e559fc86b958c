// A credential has one place, a Pulumi secret: never a URL of the stack config, which the program
// writes in plain text to what it renders and to the stack's state.
import { SECRET_CONFIG_KEYS } from "../../core/conventions";
import { joinPath } from "../../core/errors";
import { setCommand } from "../secrets";
import type { ConfigCheck } from "./types";

/** Query parameters that carry a credential: `token`, `access_token`, `api_key`, `apiKey`, `sig`… */
const CREDENTIAL_PARAM = /(token|key|secret|passw(or)?d|pwd|signature|credentials?)$|^(auth|pass|sig)$/i;

const setSecret = (key: string) => `\`${setCommand(key, undefined)}\``;

/** Where a URL-valued field's credential belongs instead of the URL. */
const CREDENTIAL_HOMES: Readonly<Record<string, string>> = {
  "alertmanager.heartbeat.url": `put the token in the secret ${SECRET_CONFIG_KEYS.heartbeatToken}, which Alertmanager sends as a bearer token (${setSecret(SECRET_CONFIG_KEYS.heartbeatToken)})`,
  "alertmanager.pagerdutyUrl":
    "PagerDuty's Events API takes none in its URL: each receiver sends its service's integration key, from the key Secret",
  "slack.apiUrl": `put the token in the secret ${SECRET_CONFIG_KEYS.slackToken} (${setSecret(SECRET_CONFIG_KEYS.slackToken)})`,
  "email.smarthost": `put the user in email.authUsername and the password in the secret ${SECRET_CONFIG_KEYS.smtpPassword} (${setSecret(SECRET_CONFIG_KEYS.smtpPassword)})`,
};

/**
 * The user, password or token a URL carries, without repeating its value; undefined when it carries
 * none. A Slack webhook, whose whole path is its credential, is `urlCredential`'s.
 */
export function urlUserOrToken(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.password) return "a user name and password";
  if (url.username) return "a user name";
  const params = [...new Set(url.searchParams.keys())].filter((name) => CREDENTIAL_PARAM.test(name));
  return params.length > 0
    ? `the query parameter${params.length > 1 ? "s" : ""} ${params.join(", ")}`
    : undefined;
}

/** What in a URL is a credential, without repeating its value; undefined when nothing is. */
function urlCredential(text: string): string | undefined {
  const carried = urlUserOrToken(text);
  if (carried) return carried;
  try {
    if (new URL(text).hostname === "hooks.slack.com") return "a Slack webhook, whose path is its credential";
  } catch {
    return undefined;
  }
  return undefined;
}

/** Every string of the config, by path. */
function strings(value: unknown, at: (string | number)[]): { path: string; text: string }[] {
  if (typeof value === "string") return [{ path: joinPath(at), text: value }];
  if (Array.isArray(value)) return value.flatMap((item, i) => strings(item, [...at, i]));
  if (value !== null && typeof value === "object")
    return Object.entries(value).flatMap(([key, item]) => strings(item, [...at, key]));
  return [];
}

export const noCredentialsInUrls: ConfigCheck = {
  name: "no-credentials-in-urls",
  check: (config) =>
    strings(config, []).flatMap(({ path, text }) => {
      const credential = /^[a-z][a-z0-9+.-]*:\/\//i.test(text)
        ? urlCredential(text)
        : path === "email.smarthost" && text.includes("@")
          ? "a user name"
          : undefined;
      if (!credential) return [];
      const home = CREDENTIAL_HOMES[path] ?? "keep it in a Pulumi secret, never in plain config";
      return [
        {
          field: path,
          message: `carries a credential (${credential}), which the program would write in plain text to the files it renders (alertmanager.yaml, summary.md) and the stack's state; ${home}`,
        },
      ];
    }),
};
