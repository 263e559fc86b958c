// Turns what @slack/web-api throws into one line an on-call engineer can act on. These functions run
// inside Pulumi's serialised dynamic provider, so they use no imports and no module state but constants.

const AUTH_HINT =
  "the token is missing or invalid; set it with pulumi config set --secret slackToken <xoxb-…>";
const NAME_HINT =
  "channel names are lower-case letters, digits, hyphens and underscores, at most 80 characters";
const REINSTALL_HINT =
  "reinstall the Slack app and set its new bot token with pulumi config set --secret slackToken <xoxb-…>";

const HINTS: Readonly<Record<string, string>> = {
  not_authed: AUTH_HINT,
  invalid_auth: AUTH_HINT,
  token_revoked: `the token was revoked; ${REINSTALL_HINT}`,
  token_expired: `the token expired; ${REINSTALL_HINT}`,
  account_inactive: `the bot user or its workspace was deactivated; ${REINSTALL_HINT}`,
  channel_not_found: "the channel is gone or this token cannot see it; run pulumi refresh",
  not_in_channel: "the bot is not a member of the channel; invite it, or grant the app channels:join",
  is_archived: "the channel is archived; unarchive it in Slack, or run pulumi refresh and pulumi up",
  name_taken: "another channel already has that name; rename or archive that channel first",
  invalid_name: NAME_HINT,
  invalid_name_specials: NAME_HINT,
  invalid_name_required: NAME_HINT,
  invalid_name_maxlength: NAME_HINT,
  invalid_name_punctuation: NAME_HINT,
  too_long: "Slack allows at most 250 characters in a topic or purpose",
  restricted_action: "workspace settings stop this app from managing channels; ask a Slack admin to allow it",
  ratelimited: "Slack rate-limited the call; wait a minute and run pulumi up again",
};

// The one message @slack/web-api 7 throws when every retry of an HTTP 429 was used up; the error has
// no `code`, only p-retry's `attemptNumber`.
const RATE_LIMIT_EXHAUSTED = "A rate limit was exceeded";

/** Slack's own error code (`not_authed`, `name_taken`, …) when Slack answered `ok: false`. */
export function slackErrorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { code, data } = error as { code?: unknown; data?: unknown };
  if (code !== "slack_webapi_platform_error" || typeof data !== "object" || data === null) return undefined;
  const slackError = (data as { error?: unknown }).error;
  return typeof slackError === "string" ? slackError : undefined;
}

/** The retries spent when the client gave up on a rate limit; undefined for any other error. */
export function rateLimitRetries(error: unknown): number | undefined {
  if (!(error instanceof Error)) return undefined;
  if ((error as { code?: unknown }).code === "slack_webapi_rate_limited_error") return 0;
  if (!error.message.startsWith(RATE_LIMIT_EXHAUSTED)) return undefined;
  const attempt = (error as { attemptNumber?: unknown }).attemptNumber;
  return typeof attempt === "number" ? attempt - 1 : 0;
}

function detail(method: string, error: unknown): string {
  const code = slackErrorCode(error);
  if (code === "missing_scope") {
    const needed = (error as { data: { needed?: unknown } }).data.needed;
    const scope = typeof needed === "string" ? needed : "the scope this method needs";
    return `${code} (the token lacks a scope; add ${scope} to the Slack app's bot scopes and reinstall it)`;
  }
  if (code !== undefined) {
    return `${code} (${HINTS[code] ?? `see https://api.slack.com/methods/${method}`})`;
  }
  const retries = rateLimitRetries(error);
  if (retries !== undefined) {
    return (
      `ratelimited (Slack still answered HTTP 429 after ${retries} retries, each after its Retry-After ` +
      "delay; wait a few minutes and run pulumi up again)"
    );
  }
  const {
    code: clientCode,
    original,
    statusCode,
  } = error as {
    code?: unknown;
    original?: unknown;
    statusCode?: unknown;
  };
  if (clientCode === "slack_webapi_request_error") {
    const cause = original instanceof Error ? original.message : String(original);
    return `unreachable (${cause}; check apiUrl and the network, then run pulumi up again)`;
  }
  if (clientCode === "slack_webapi_http_error") {
    return `HTTP ${String(statusCode)} (Slack may be degraded; see https://slack-status.com and retry later)`;
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * The error to throw for a failed call: names the method, the channel, Slack's code and what to do.
 * `slackError` keeps the code for callers that handle some codes; the token never appears.
 */
export function slackFailure(method: string, channel: string, error: unknown, token: string): Error {
  let message = `Slack ${method} for channel "${channel}" failed: ${detail(method, error)}`;
  if (token !== "") message = message.split(token).join("[secret]");
  return Object.assign(new Error(message), { slackError: slackErrorCode(error) });
}

/** The Slack code of an error made by `slackFailure`. */
export function failureCode(error: unknown): string | undefined {
  const code =
    typeof error === "object" && error !== null ? (error as { slackError?: unknown }).slackError : "";
  return typeof code === "string" ? code : undefined;
}
